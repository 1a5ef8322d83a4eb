/**
 * The GPU anomaly detector (port 9405). Per GPU, temperature and power draw are scored in the context of
 * utilisation (and time of day once the history covers it): the residual from the metric's baseline at that
 * utilisation, scored by an Isolation Forest trained on the training window (gpu/utilization-model.ts); until a
 * GPU has enough history, or if its model cannot be fitted, the residual's robust z-score stands in. Scores are
 * 0–100 (see scoring/calibrate.ts); above 90 is an anomaly.
 */
import { Gauge } from 'prom-client';
import { readHistories, readLatest, type GpuHistory } from '../gpu/gpu-series.js';
import { AnomalyGauges } from '../runtime/anomaly-gauges.js';
import type { Mode, ModeContext } from '../runtime/mode.js';
import { checkKnownKeys, integerSetting, type Settings } from '../runtime/settings.js';
import { GpuMetricModel } from '../gpu/gpu-metric-model.js';
import { UtilizationModel } from '../gpu/utilization-model.js';
import { retryTraining } from '../runtime/retry-training.js';

const LABELS = ['detector', 'metric', 'gpu', 'uuid'] as const;
type Label = (typeof LABELS)[number];

/** Settings of the `gpu` section of detector.json. */
export interface GpuModeSettings {
  /** Observations a GPU needs before its forest replaces the robust z-score. @default 120 (30 min at 15 s) */
  readonly minTrainRows: number;
  /** How soon to try training again while some GPU has no model yet. @default 600 */
  readonly untrainedRetrySec: number;
}

/** Reads the `gpu` section, naming the field in any error. */
export function parseGpuSettings(raw: Settings): GpuModeSettings {
  checkKnownKeys(raw, 'gpu', ['minTrainRows', 'untrainedRetrySec']);
  return {
    minTrainRows: integerSetting(raw, 'gpu', 'minTrainRows', 120, 16),
    untrainedRetrySec: integerSetting(raw, 'gpu', 'untrainedRetrySec', 600),
  };
}

/** What the GPU mode counts in odin_detector_errors_total. */
const GPU_ERROR_KINDS = ['scoring', 'training', 'model_save'] as const;
type GpuContext = ModeContext<typeof GPU_ERROR_KINDS[number]>;

export class GpuMode implements Mode<typeof GPU_ERROR_KINDS[number]> {
  readonly name = 'gpu';
  readonly needsPrometheus = true;
  readonly errorKinds = GPU_ERROR_KINDS;
  private readonly known = new Map<string, GpuMetricModel>();
  private lastTrainingSec = -Infinity;
  private gauges: { scores: AnomalyGauges<Label>; modelAge: Gauge<Label> } | undefined;

  constructor(private readonly settings: GpuModeSettings) {}

  async start(ctx: GpuContext): Promise<void> {
    const registers = [ctx.registry];
    this.gauges = {
      scores: new AnomalyGauges(ctx.registry, LABELS, 'Anomaly of a GPU\'s temperature or power draw in the context of its utilisation.'),
      modelAge: new Gauge({ name: 'odin_model_age_seconds', help: 'Age of the model that produced the score.', labelNames: LABELS, registers }),
    };
  }

  /**
   * Fits every GPU metric on the training window. One failing GPU metric does not stop the others; if any
   * failed, the error at the end lets the runtime count a training failure.
   */
  async train(ctx: GpuContext, signal: AbortSignal): Promise<void> {
    this.lastTrainingSec = ctx.now();
    const end = ctx.now();
    const histories = await readHistories(ctx.prometheus, end - ctx.trainWindowSec, end, ctx.scrapeStepSec, signal);
    const failed: string[] = [];
    for (const history of histories) {
      try {
        await this.trainOne(ctx, history, end);
      } catch (err) {
        failed.push(`${history.metric.name} of GPU ${history.identity.gpu}: ${(err as Error).message}`);
      }
    }
    ctx.log.info('training done', { series: histories.length, models: [...this.known.values()].filter((b) => b.model).length, failed: failed.length });
    if (failed.length > 0) throw new Error(`training failed for ${failed.length} of ${histories.length} GPU metrics (they fall back to the robust z-score): ${failed.join('; ')}`);
  }

  async cycle(ctx: GpuContext, signal: AbortSignal): Promise<void> {
    const now = ctx.now();
    const latest = await readLatest(ctx.prometheus, now, signal);
    const untrained = latest.some((h) => !this.known.get(keyOf(h))?.model);
    if (untrained && now - this.lastTrainingSec >= this.settings.untrainedRetrySec) {
      await retryTraining(ctx, signal, () => this.train(ctx, signal), 'GPU');
    }
    const gauges = this.gauges!;
    for (const gauge of Object.values(gauges)) gauge.reset();
    for (const observation of latest) {
      if (observation.rows.length === 0) continue;
      try {
        this.score(observation, now);
      } catch (err) {
        ctx.countError?.('scoring');
        ctx.log.error('scoring a GPU metric failed', { metric: observation.metric.name, gpu: observation.identity.gpu, error: err });
      }
    }
  }

  async stop(): Promise<void> {}

  private async trainOne(ctx: GpuContext, history: GpuHistory, now: number): Promise<void> {
    const key = keyOf(history);
    const firstSeen = !this.known.has(key);
    const baselines = this.known.get(key) ?? new GpuMetricModel();
    this.known.set(key, baselines);
    const storeKey = `gpu-${history.identity.uuid.replace(/[^a-z0-9-]/gi, '')}-${history.metric.name}`;
    // The stored model is read once, when the GPU is first seen (at start); afterwards memory is newer.
    if (firstSeen) {
      const stored = await ctx.models.load(storeKey, (raw) => UtilizationModel.fromJSON(raw));
      // A stored model fresher than the training period is as good as a new one: skip the refit at start.
      if (stored && now - stored.trainedAtSec < (ctx.trainIntervalSec ?? 0)) {
        baselines.train(history.timestamps, history.rows, now, { anomalyShare: ctx.anomalyShare, minTrainRows: Infinity });
        baselines.model = stored;
        return;
      }
    }
    const previous = baselines.model;
    baselines.train(history.timestamps, history.rows, now, { anomalyShare: ctx.anomalyShare, minTrainRows: this.settings.minTrainRows });
    if (!baselines.model || baselines.model === previous) return;
    try {
      await ctx.models.save(storeKey, baselines.model);
    } catch (err) {
      ctx.countError?.('model_save');
      ctx.log.error('saving a GPU model failed; it stays in memory', { key: storeKey, error: err });
    }
  }

  private score(observation: GpuHistory, now: number): void {
    const baselines = this.known.get(keyOf(observation));
    const row = observation.rows[observation.rows.length - 1];
    const scored = baselines?.scoreWithBand(observation.timestamps[observation.timestamps.length - 1], row);
    if (scored === undefined) return; // Nothing learned yet for this GPU: no basis for a score.
    const labels = { detector: 'gpu', metric: observation.metric.name, gpu: observation.identity.gpu, uuid: observation.identity.uuid };
    const gauges = this.gauges!;
    gauges.scores.set(labels, scored.score, [{ value: row[0], band: scored.band }]);
    if (baselines?.model) gauges.modelAge.set(labels, now - baselines.model.trainedAtSec);
  }
}

function keyOf(history: GpuHistory): string {
  return `${history.identity.uuid}/${history.metric.name}`;
}
