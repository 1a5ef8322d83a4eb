/**
 * What the GPU detector knows about one metric of one GPU, and how it scores an observation. The live mode and
 * the offline CSV scorer (`odin-detect score --detector gpu`) both use it, so offline results are live results.
 */
import { AnomalyModel } from '../scoring/anomaly-model.js';
import { robustZToScore } from '../scoring/calibrate.js';
import { robustNormalSet, type BandedScore } from '../scoring/expected-band.js';
import { MIN_ROBUST_ROWS, robustBaseline, robustZ, type RobustBaseline } from '../scoring/robust-stats.js';

export interface GpuTrainingOptions {
  readonly anomalyShare: number;
  /** Rows needed before the forest replaces the robust z-score. */
  readonly minTrainRows: number;
}

export class GpuMetricModel {
  /** The forest; undefined until enough history, or when fitting failed. */
  model: AnomalyModel | undefined;
  /** Robust baseline of the value (column 0) over the training window: the fallback. */
  private fallback: RobustBaseline | undefined;

  /** Refits on the window's rows ([value, utilisation]); fewer than `minTrainRows` keeps the previous forest. */
  train(timestamps: readonly number[], rows: readonly number[][], nowSec: number, options: GpuTrainingOptions): void {
    if (rows.length >= MIN_ROBUST_ROWS) this.fallback = robustBaseline(rows.map((row) => row[0]));
    if (rows.length < options.minTrainRows) return;
    // The range guard watches the value (column 0), not its utilisation context.
    this.model = AnomalyModel.fit(timestamps, rows, nowSec, { anomalyShare: options.anomalyShare, rangeGuardedColumns: 1 });
  }

  /** 0–100 (above 90: anomalous), or undefined when nothing has been learned yet. */
  score(timestampSec: number, row: readonly number[]): number | undefined {
    if (this.model) return this.model.score(timestampSec, row);
    if (this.fallback) return robustZToScore(robustZ(row[0], this.fallback));
    return undefined;
  }

  /** The score and the band of the value (column 0) at this utilisation, from the same model; undefined as `score`. */
  scoreWithBand(timestampSec: number, row: readonly number[]): BandedScore | undefined {
    const score = this.score(timestampSec, row);
    if (score === undefined) return undefined;
    const normal = this.model ? this.model.normalSet(timestampSec, row, 0) : robustNormalSet(this.fallback!);
    return { score, band: normal.bandFor(row[0]) };
  }
}
