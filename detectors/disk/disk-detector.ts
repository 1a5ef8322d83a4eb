import type { Mode, ModeContext } from '../runtime/mode.js';
import { DeviceIoModels } from './device-io-models.js';
import { DiskMetrics } from './disk-metrics.js';
import { fetchCurrentIo, fetchFilesystems, fetchIoHistory, parseDeviceKey } from './disk-queries.js';
import type { DiskSettings } from './disk-settings.js';
import { forecastFill } from './fill-forecast.js';
import { retryTraining } from '../runtime/retry-training.js';

const MODEL_KEY = 'disk-io';

interface TrainedModels {
  readonly models: DeviceIoModels;
  readonly trainedAtSec: number;
}

/** The two halves of a cycle, each failing on its own. */
const DISK_PARTS = ['forecast', 'io'] as const;
/** What the disk mode counts in odin_detector_errors_total: a half that failed this cycle, or a training retried from a cycle. */
const DISK_ERROR_KINDS = [...DISK_PARTS.map((part) => `${part}_failed` as const), 'training'] as const;
type DiskContext = ModeContext<typeof DISK_ERROR_KINDS[number]>;

/**
 * The disk detector: when each filesystem will be full (a linear fit over the forecast window, restarted after
 * deletions) and how unusual each disk's I/O is (a forest per disk over I/O time and read/write throughput).
 * While a disk's I/O model is immature (trained on fewer than `minTrainRows` rows: a first start finds minutes of
 * history, a new disk none), a cycle trains again every `untrainedRetrySec` instead of waiting for the schedule.
 */
export class DiskDetector implements Mode<typeof DISK_ERROR_KINDS[number]> {
  readonly name = 'disk';
  readonly needsPrometheus = true;
  readonly errorKinds = DISK_ERROR_KINDS;
  private trained: TrainedModels = { models: DeviceIoModels.empty(), trainedAtSec: NaN };
  /** When the last training started (or the stored models were trained). */
  private lastTrainingSec = -Infinity;
  private metrics: DiskMetrics | undefined;

  constructor(private readonly settings: DiskSettings) {}

  async start(ctx: DiskContext): Promise<void> {
    this.metrics = new DiskMetrics(ctx.registry);
    const stored = await ctx.models.load(MODEL_KEY, storedModels);
    if (stored !== undefined) {
      this.trained = stored;
      this.lastTrainingSec = stored.trainedAtSec;
    }
  }

  /** The stored I/O models' training time (NaN, so training at start, when none was loaded). */
  trainedAtSec(): number {
    return this.trained.trainedAtSec;
  }

  async train(ctx: DiskContext, signal: AbortSignal): Promise<void> {
    const endSec = ctx.now();
    this.lastTrainingSec = endSec;
    const range = { startSec: endSec - ctx.trainWindowSec, endSec, stepSec: ctx.scrapeStepSec };
    const history = await fetchIoHistory(ctx.prometheus, this.settings.rateWindow, range, signal);
    const models = DeviceIoModels.train(history, endSec, { anomalyShare: ctx.anomalyShare, minTrainRows: this.settings.minTrainRows });
    await ctx.models.save(MODEL_KEY, { trainedAtSec: endSec, models: models.toJSON() });
    this.trained = { models, trainedAtSec: endSec };
    ctx.log.info('trained disk I/O models', { disks: models.deviceCount });
  }

  /** Forecasts and I/O scores fail independently; the cycle fails only when both do. */
  async cycle(ctx: DiskContext, signal: AbortSignal): Promise<void> {
    const results = await Promise.allSettled([this.forecast(ctx, signal), this.scoreIo(ctx, signal)]);
    if (signal.aborted) return;
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ part: DISK_PARTS[i], error: r.reason as unknown }] : []));
    for (const f of failures) {
      ctx.countError?.(`${f.part}_failed`);
      ctx.log.warn(`disk ${f.part} failed this cycle`, { error: f.error });
    }
    if (failures.length === results.length) throw new Error('neither disk forecasts nor I/O scores could be computed this cycle');
  }

  async stop(): Promise<void> {}

  private async forecast(ctx: DiskContext, signal: AbortSignal): Promise<void> {
    const endSec = ctx.now();
    const range = { startSec: endSec - this.settings.forecastWindowSec, endSec, stepSec: this.settings.forecastStepSec };
    const filesystems = await fetchFilesystems(ctx.prometheus, this.settings.excludedFstypes, range, signal);
    const forecasts = filesystems.flatMap((fs) => {
      const forecast = forecastFill(fs.availSamples, fs.sizeBytes, { freedShareOfSize: this.settings.freedShareOfSize });
      return forecast === undefined ? [] : [{ fs, forecast }];
    });
    this.requireMetrics().setForecasts(forecasts);
  }

  private async scoreIo(ctx: DiskContext, signal: AbortSignal): Promise<void> {
    const nowSec = ctx.now();
    const current = await fetchCurrentIo(ctx.prometheus, this.settings.rateWindow, nowSec, signal);
    const retryDue = nowSec - this.lastTrainingSec >= this.settings.untrainedRetrySec;
    if (retryDue && this.trained.models.immature(current, this.settings.minTrainRows)) {
      await retryTraining(ctx, signal, () => this.train(ctx, signal), 'disk I/O');
    }
    const scores = this.trained.models.score(current).map((s) => ({ ...s, ...parseDeviceKey(s.key) }));
    // The clock read again: a retrain in this cycle ends after nowSec, and an age is never negative.
    const age = Number.isNaN(this.trained.trainedAtSec) ? undefined : ctx.now() - this.trained.trainedAtSec;
    this.requireMetrics().setIoScores(scores, age);
  }

  private requireMetrics(): DiskMetrics {
    if (this.metrics === undefined) throw new Error('disk detector used before start()');
    return this.metrics;
  }
}

function storedModels(raw: unknown): TrainedModels {
  const stored = raw as { trainedAtSec?: unknown; models?: unknown } | null;
  if (typeof stored?.trainedAtSec !== 'number') throw new Error('stored disk models need a numeric trainedAtSec');
  return { trainedAtSec: stored.trainedAtSec, models: DeviceIoModels.fromJSON(stored.models) };
}
