/**
 * `npm run bench:scheduler`: how promptly the detection loop reacts in real time, which its unit test (on a
 * controlled clock) does not measure. Abort latency: from abort() while the loop sleeps between cycles to the loop
 * returning; reference: a bare promise woken by the same abort event. Cadence: cycles started in 1 s at a 50 ms
 * interval and how late each starts; reference: a setTimeout chain at the same interval. The ratios say what the
 * scheduler adds over the event loop itself, independent of the machine's speed.
 * Targets: abort p99 < 50 ms; cycles started in 1 s within one of the reference's.
 */
import { performance } from 'node:perf_hooks';
import { runSchedule } from '../../detectors/runtime/scheduler.js';

const ABORTS = 200;
const INTERVAL_MS = 50;
const CADENCE_MS = 1000;

const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))];
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Milliseconds from abort() to the loop returning, the loop asleep after its first cycle. */
async function schedulerAbortMs(): Promise<number> {
  const abort = new AbortController();
  let cycled!: () => void;
  const firstCycle = new Promise<void>((resolve) => { cycled = resolve; });
  const loop = runSchedule({ cycleIntervalSec: 3600, trainIntervalSec: 3600, signal: abort.signal, train: async () => {}, cycle: async () => cycled() });
  await firstCycle;
  await turn();
  const start = performance.now();
  abort.abort();
  await loop;
  return performance.now() - start;
}

async function referenceAbortMs(): Promise<number> {
  const abort = new AbortController();
  const woken = new Promise((resolve) => abort.signal.addEventListener('abort', resolve, { once: true }));
  await turn();
  const start = performance.now();
  abort.abort();
  await woken;
  return performance.now() - start;
}

/** Start times (ms after the first) of the cycles the scheduler starts in CADENCE_MS. */
async function schedulerStarts(): Promise<number[]> {
  const abort = new AbortController();
  const starts: number[] = [];
  const origin = performance.now();
  const loop = runSchedule({
    cycleIntervalSec: INTERVAL_MS / 1000, trainIntervalSec: 3600, signal: abort.signal, train: async () => {},
    cycle: async () => { starts.push(performance.now() - origin); },
  });
  await new Promise((resolve) => setTimeout(resolve, CADENCE_MS));
  abort.abort();
  await loop;
  return starts.filter((t) => t < CADENCE_MS);
}

async function referenceStarts(): Promise<number[]> {
  const starts: number[] = [];
  const origin = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (planned: number) => {
      starts.push(performance.now() - origin);
      const next = planned + INTERVAL_MS;
      if (next >= CADENCE_MS) return resolve();
      setTimeout(() => tick(next), Math.max(0, next - (performance.now() - origin)));
    };
    tick(0);
  });
  return starts;
}

/** How late each start is against its plan (i × interval), in ms. */
const lateness = (starts: number[]) => starts.map((t, i) => t - i * INTERVAL_MS);

async function main(): Promise<void> {
  const scheduler: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < ABORTS; i++) {
    scheduler.push(await schedulerAbortMs());
    reference.push(await referenceAbortMs());
  }
  const [ownStarts, refStarts] = [await schedulerStarts(), await referenceStarts()];
  const [ownLate, refLate] = [lateness(ownStarts), lateness(refStarts)];
  console.table([
    { measure: `abort to return, p50 (${ABORTS} runs)`, scheduler_ms: +percentile(scheduler, 0.5).toFixed(3), reference_ms: +percentile(reference, 0.5).toFixed(3), target: '' },
    { measure: `abort to return, p99 (${ABORTS} runs)`, scheduler_ms: +percentile(scheduler, 0.99).toFixed(3), reference_ms: +percentile(reference, 0.99).toFixed(3), target: '< 50 ms' },
    { measure: `cycles started in ${CADENCE_MS} ms at ${INTERVAL_MS} ms`, scheduler_ms: ownStarts.length, reference_ms: refStarts.length, target: `${CADENCE_MS / INTERVAL_MS}` },
    { measure: 'start lateness, p50', scheduler_ms: +percentile(ownLate, 0.5).toFixed(2), reference_ms: +percentile(refLate, 0.5).toFixed(2), target: '' },
    { measure: 'start lateness, max', scheduler_ms: +Math.max(...ownLate).toFixed(2), reference_ms: +Math.max(...refLate).toFixed(2), target: '' },
  ]);
  console.log(`abort p50 ratio (scheduler / bare promise): ${(percentile(scheduler, 0.5) / percentile(reference, 0.5)).toFixed(1)}x`);
  console.log(`cycles ratio (scheduler / setTimeout chain): ${(ownStarts.length / refStarts.length).toFixed(2)}`);
}

await main();
