/**
 * Memory of ODIN's default streaming detector over a long stream: `npm run bench:stream-memory -- [--rows N]
 * [--reference-rows N]`. Feeds one series of N rows (default 1,000,000: about 9.5 years at 5-minute steps, or
 * 11.6 days at 1 s) — a daily cycle under noise as large as the cycle, a spike now and then, fixed seed: noise
 * is what makes CAD's memory grow, each new combination of bins a new context — to a scorer with the default
 * context cap, and, as the reference in the same run, to one with CAD OSE's unbounded memory (fewer rows: its
 * time per row grows with its memory). Each runs in its own child process so that their RSS is their own.
 * Prints RSS, heap after a full GC, stored contexts, saved-state size and CPU time per row (not wall time: the
 * machine may be shared) at checkpoints, then the ratio of the unbounded scorer's heap to the capped one's.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../../detectors/scoring/prng.js';
import { StreamScorer } from '../../detectors/scoring/stream-scorer.js';

interface Checkpoint {
  readonly rows: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly contexts: number;
  readonly stateMiB: number;
  readonly microsPerRow: number;
}

const MIB = 1024 * 1024;

/** Runs one scorer over `rows` rows and reports checkpoints (in a child process). */
function measure(rows: number, maxContexts: number): Checkpoint[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:stream-memory does)');
  const scorer = new StreamScorer({ probationRows: 750, maxContexts });
  const random = mulberry32(12);
  const every = Math.max(1, Math.floor(rows / 10));
  const checkpoints: Checkpoint[] = [];
  let started = process.cpuUsage();
  for (let i = 0; i < rows; i++) {
    const daily = 20 * Math.sin((2 * Math.PI * i) / 288);
    const spike = random() < 0.001 ? 80 * random() : 0;
    scorer.next(1_600_000_000 + i * 300, 100 + daily + 30 * random() + spike);
    if ((i + 1) % every === 0 || i + 1 === rows) {
      const cpu = process.cpuUsage(started);
      const microsPerRow = (cpu.user + cpu.system) / every;
      const stateMiB = JSON.stringify(scorer.toState()).length / MIB;
      gc();
      const { rss, heapUsed } = process.memoryUsage();
      checkpoints.push({ rows: i + 1, rssMiB: rss / MIB, heapMiB: heapUsed / MIB, contexts: scorer.contexts, stateMiB, microsPerRow });
      started = process.cpuUsage();
    }
  }
  return checkpoints;
}

function runChild(rows: number, maxContexts: number): Checkpoint[] {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child-rows', String(rows), '--child-cap', String(maxContexts)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`measuring child failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as Checkpoint[];
}

function table(title: string, checkpoints: readonly Checkpoint[]): string {
  const header = ['rows', 'RSS MiB', 'heap MiB', 'contexts', 'state MiB', 'CPU µs/row'];
  const lines = checkpoints.map((c) => [String(c.rows), c.rssMiB.toFixed(1), c.heapMiB.toFixed(1), String(c.contexts), c.stateMiB.toFixed(2), c.microsPerRow.toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [title, fmt(header), ...lines.map(fmt)].join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      'reference-rows': { type: 'string', default: '30000' },
      'child-rows': { type: 'string' },
      'child-cap': { type: 'string' },
    },
  });
  if (values['child-rows'] !== undefined) {
    process.stdout.write(JSON.stringify(measure(Number(values['child-rows']), Number(values['child-cap']))));
    return;
  }
  const rows = Number(values.rows);
  const referenceRows = Number(values['reference-rows']);
  if (!(Number.isInteger(rows) && rows > 0 && Number.isInteger(referenceRows) && referenceRows > 0)) throw new Error('--rows and --reference-rows must be positive integers');
  const defaultCap = new StreamScorer().toState().options.maxContexts;
  const capped = runChild(rows, defaultCap);
  const unbounded = runChild(referenceRows, Number.MAX_SAFE_INTEGER);
  console.log(table(`default scorer (at most ${defaultCap} contexts), ${rows} rows`, capped));
  console.log(`\n${table(`reference: CAD OSE's unbounded memory, ${referenceRows} rows`, unbounded)}`);
  const cappedAtReference = runChild(referenceRows, defaultCap).at(-1)!;
  const reference = unbounded.at(-1)!;
  console.log(`\nat ${referenceRows} rows: unbounded heap ${reference.heapMiB.toFixed(1)} MiB vs capped ${cappedAtReference.heapMiB.toFixed(1)} MiB (ratio ${(reference.heapMiB / cappedAtReference.heapMiB).toFixed(2)}), contexts ${reference.contexts} vs ${cappedAtReference.contexts}`);
  const last = capped.at(-1)!;
  console.log(`RSS over ${rows} rows: ${Math.min(...capped.map((c) => c.rssMiB)).toFixed(1)}–${Math.max(...capped.map((c) => c.rssMiB)).toFixed(1)} MiB, final ${last.rssMiB.toFixed(1)} MiB`);
}

main();
