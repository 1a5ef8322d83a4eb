/**
 * The detection loop: training on its schedule, a detection cycle on its own, one at a time (a cycle never
 * races a training on the same models). A late run is not made up: the next one is planned one interval
 * after it started, or from now when it overran.
 */

export interface ScheduleOptions {
  readonly cycleIntervalSec: number;
  readonly trainIntervalSec: number;
  /** Aborting it ends the loop (and is passed to the runs so they stop early). */
  readonly signal: AbortSignal;
  /** Called at the start of every iteration, before any run; its failure is the caller's concern. */
  readonly beforeRuns?: (signal: AbortSignal) => Promise<void>;
  /** These must not throw: the lifecycle wraps them to log and count failures. */
  readonly train: (signal: AbortSignal) => Promise<void>;
  readonly cycle: (signal: AbortSignal) => Promise<void>;
  /** When the first training runs (unix seconds). @default - at once */
  readonly firstTrainAtSec?: number;
  /** Called whenever the loop makes progress, for the liveness probe. */
  readonly onProgress?: () => void;
  /** @default Date.now in seconds */
  readonly now?: () => number;
}

/** Runs until the signal aborts; the first cycle runs straight away, the first training at `firstTrainAtSec`. */
export async function runSchedule(options: ScheduleOptions): Promise<void> {
  const now = options.now ?? (() => Date.now() / 1000);
  const { signal } = options;
  let nextTrain = options.firstTrainAtSec ?? now();
  let nextCycle = now();
  while (!signal.aborted) {
    options.onProgress?.();
    await options.beforeRuns?.(signal);
    if (now() >= nextTrain && !signal.aborted) {
      const started = now();
      await options.train(signal);
      nextTrain = Math.max(started + options.trainIntervalSec, now());
    }
    if (now() >= nextCycle && !signal.aborted) {
      const started = now();
      await options.cycle(signal);
      nextCycle = Math.max(started + options.cycleIntervalSec, now());
    }
    options.onProgress?.();
    await sleep((Math.min(nextTrain, nextCycle) - now()) * 1000, signal);
  }
}

/** Resolves after `ms` or as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
