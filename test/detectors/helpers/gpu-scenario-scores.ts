/**
 * The GPU detector's model (GpuMetricModel, as the live mode and the offline scorer use it) trained on the
 * synthetic normal week and run over a scenario day: what it says inside the fault's window and outside it.
 */
import { GpuMetricModel } from '../../../detectors/gpu/gpu-metric-model.js';
import { ANOMALY_THRESHOLD } from '../../../detectors/scoring/calibrate.js';
import { STEP_SEC, type GpuSample } from './gpu-scenarios.js';

export type GpuMetricName = 'power' | 'temperature';

/** Rows an alert needs above 90 before it fires: the AnomalyScoreHigh warning's `for` of 10 minutes. */
export const ALERT_ROWS = (10 * 60) / STEP_SEC;

export function rowOf(sample: GpuSample, metric: GpuMetricName): number[] {
  return [sample[metric], sample.utilization];
}

/** A model as the detector trains it: on the whole history, at its end, with the live defaults. */
export function trainedModel(history: readonly GpuSample[], metric: GpuMetricName): GpuMetricModel {
  const model = new GpuMetricModel();
  model.train(history.map((s) => s.timestampSec), history.map((s) => rowOf(s, metric)), history.at(-1)!.timestampSec, { anomalyShare: 0.05, minTrainRows: 120 });
  return model;
}

export interface ScoredSample {
  readonly sample: GpuSample;
  readonly score: number;
}

export function scoreDay(model: GpuMetricModel, samples: readonly GpuSample[], metric: GpuMetricName): ScoredSample[] {
  return samples.map((sample) => ({ sample, score: model.score(sample.timestampSec, rowOf(sample, metric))! }));
}

/** How the scores of some rows look against the threshold. */
export interface ScoreSummary {
  readonly rows: number;
  readonly maxScore: number;
  /** Share of the rows scored above 90. */
  readonly shareAbove: number;
  /** Longest run of consecutive rows above 90. */
  readonly longestRun: number;
  /** Runs above 90 long enough for the alert (ALERT_ROWS). */
  readonly alerts: number;
  /** Minutes from the first row to the first row above 90; undefined when none is. */
  readonly minutesToFirst: number | undefined;
}

export function summarize(scored: readonly ScoredSample[]): ScoreSummary {
  let run = 0;
  let longestRun = 0;
  let alerts = 0;
  for (const s of scored) {
    run = s.score > ANOMALY_THRESHOLD ? run + 1 : 0;
    longestRun = Math.max(longestRun, run);
    if (run === ALERT_ROWS) alerts++;
  }
  const first = scored.find((s) => s.score > ANOMALY_THRESHOLD);
  return {
    rows: scored.length,
    maxScore: Math.max(...scored.map((s) => s.score)),
    shareAbove: scored.filter((s) => s.score > ANOMALY_THRESHOLD).length / Math.max(1, scored.length),
    longestRun,
    alerts,
    minutesToFirst: first === undefined ? undefined : (first.sample.timestampSec - scored[0].sample.timestampSec) / 60,
  };
}
