/**
 * What the GPU detector knows about one metric of one GPU, and how it scores an observation. The live mode and
 * the offline CSV scorer (`odin-detect score --detector gpu`) both use it, so offline results are live results.
 */
import { robustZToScore } from '../scoring/calibrate.js';
import { ConditionalBaseline } from '../scoring/conditional-baseline.js';
import { robustNormalSet, type BandedScore, type NormalSet } from '../scoring/expected-band.js';
import { MIN_ROBUST_ROWS } from '../scoring/robust-stats.js';
import { UtilizationModel } from './utilization-model.js';

export interface GpuTrainingOptions {
  readonly anomalyShare: number;
  /** Rows needed before the forest replaces the robust z-score. */
  readonly minTrainRows: number;
}

export class GpuMetricModel {
  /** The forest over the residual from the utilisation baseline; undefined until enough history, or when fitting failed. */
  model: UtilizationModel | undefined;
  /** The value's baseline at each utilisation over the training window: its robust z is the fallback. */
  private fallback: ConditionalBaseline | undefined;

  /** Refits on the window's rows ([value, utilisation]); fewer than `minTrainRows` keeps the previous forest. */
  train(timestamps: readonly number[], rows: readonly number[][], nowSec: number, options: GpuTrainingOptions): void {
    if (rows.length < MIN_ROBUST_ROWS) return;
    const baseline = ConditionalBaseline.fit(rows.map((row) => row[1]), rows.map((row) => row[0]));
    this.fallback = baseline;
    if (rows.length < options.minTrainRows) return;
    this.model = UtilizationModel.fit(timestamps, rows, baseline, nowSec, options.anomalyShare);
  }

  /** 0–100 (above 90: anomalous), or undefined when nothing has been learned yet. */
  score(timestampSec: number, row: readonly number[]): number | undefined {
    if (this.model) return this.model.score(timestampSec, row);
    if (this.fallback) return robustZToScore(this.fallback.z(row[0], row[1]));
    return undefined;
  }

  /** The score and the band of the value (column 0) at this utilisation, from the same model; undefined as `score`. */
  scoreWithBand(timestampSec: number, row: readonly number[]): BandedScore | undefined {
    const score = this.score(timestampSec, row);
    if (score === undefined) return undefined;
    return { score, band: this.normalSet(timestampSec, row).bandFor(row[0]) };
  }

  private normalSet(timestampSec: number, row: readonly number[]): NormalSet {
    if (this.model) return this.model.normalSet(timestampSec, row);
    const utilization = row[1];
    return robustNormalSet({ median: 0, sigma: 1 }).map((z) => this.fallback!.valueAt(z, utilization));
  }
}
