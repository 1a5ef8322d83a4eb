/**
 * Streaming anomaly scoring in data time: each row is scored with a model trained only on earlier rows, then
 * added to the history. The offline CSV scorer uses it, so it behaves like a live detector replayed.
 */
import { AnomalyModel } from './anomaly-model.js';
import { robustZToScore } from './calibrate.js';
import { robustBaseline, robustZ } from './robust-stats.js';

export interface StreamScorerOptions {
  /** Share of normal rows allowed above the threshold. @default 0.05 */
  anomalyShare?: number;
  /** Retrain period in data-time seconds. @default 21600 (6 h, as the live detectors) */
  retrainEverySec?: number;
  /** Only rows this recent (data time) are trained on. @default 604800 (7 days) */
  trainWindowSec?: number;
  /** Rows needed before the forest replaces the robust z-score fallback. @default 128 */
  minTrainRows?: number;
  /** @default 42 */
  seed?: number;
}

/** Rows needed for a robust z-score to mean anything; before that every row scores 0. */
const MIN_FALLBACK_ROWS = 3;

export class StreamScorer {
  private readonly anomalyShare: number;
  private readonly retrainEverySec: number;
  private readonly trainWindowSec: number;
  private readonly minTrainRows: number;
  private readonly seed: number;
  private timestamps: number[] = [];
  private rows: number[][] = [];
  private model: AnomalyModel | undefined;

  constructor(opts: StreamScorerOptions = {}) {
    this.anomalyShare = opts.anomalyShare ?? 0.05;
    this.retrainEverySec = opts.retrainEverySec ?? 21_600;
    this.trainWindowSec = opts.trainWindowSec ?? 604_800;
    this.minTrainRows = opts.minTrainRows ?? 128;
    this.seed = opts.seed ?? 42;
    if (!(this.anomalyShare > 0 && this.anomalyShare < 1)) throw new Error(`anomalyShare must be in (0, 1), got ${this.anomalyShare}`);
    if (!(this.retrainEverySec > 0)) throw new Error(`retrainEverySec must be positive, got ${this.retrainEverySec}`);
    if (!(this.trainWindowSec > 0)) throw new Error(`trainWindowSec must be positive, got ${this.trainWindowSec}`);
    if (!Number.isInteger(this.minTrainRows) || this.minTrainRows < 2) throw new Error(`minTrainRows must be an integer >= 2, got ${this.minTrainRows}`);
  }

  /**
   * The 0–100 score of this row (see calibrate.ts for the meaning), using only earlier rows. A row with a
   * non-finite value scores NaN and is not learned from; rows must keep the same number of values.
   */
  next(timestampSec: number, values: number[]): number {
    if (!Number.isFinite(timestampSec)) throw new Error(`timestamp must be a finite number, got ${timestampSec}`);
    if (this.rows.length > 0 && values.length !== this.rows[0].length) throw new Error(`row has ${values.length} values, earlier rows had ${this.rows[0].length}`);
    if (!values.every(Number.isFinite)) return NaN;
    this.forgetBefore(timestampSec - this.trainWindowSec);
    if (this.retrainDue(timestampSec)) {
      this.model = AnomalyModel.fit(this.timestamps, this.rows, timestampSec, { anomalyShare: this.anomalyShare, seed: this.seed });
    }
    const score = this.model ? this.model.score(timestampSec, values) : this.fallbackScore(values);
    this.timestamps.push(timestampSec);
    this.rows.push(values.slice());
    return score;
  }

  /**
   * Train when enough rows exist and there is no model yet, the schedule says so, or the history has doubled
   * since the last training (so a model fitted on the first few rows is soon replaced by a better one).
   */
  private retrainDue(nowSec: number): boolean {
    if (this.rows.length < this.minTrainRows) return false;
    if (!this.model) return true;
    return nowSec - this.model.trainedAtSec >= this.retrainEverySec || this.rows.length >= 2 * this.model.trainingRows;
  }

  /** Largest robust z-score over the values, on the same 0–100 scale. */
  private fallbackScore(values: number[]): number {
    if (this.rows.length < MIN_FALLBACK_ROWS) return 0;
    let worst = 0;
    for (let j = 0; j < values.length; j++) {
      const z = Math.abs(robustZ(values[j], robustBaseline(this.rows.map((row) => row[j]))));
      worst = Math.max(worst, z);
    }
    return robustZToScore(worst);
  }

  private forgetBefore(cutoffSec: number): void {
    let drop = 0;
    while (drop < this.timestamps.length && this.timestamps[drop] < cutoffSec) drop++;
    if (drop === 0) return;
    this.timestamps.splice(0, drop);
    this.rows.splice(0, drop);
  }
}
