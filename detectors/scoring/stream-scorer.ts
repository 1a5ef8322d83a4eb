/**
 * Streaming anomaly scoring in data time: each row is scored only from earlier rows, then learned. The offline
 * CSV scorer uses it, so it behaves like a live detector replayed, and the NAB benchmark measures it.
 *
 * Per row: each value's surprise (largest robust z of its step and its day- or week-over change, see
 * stream-surprise.ts), the largest over the values, averaged over the last few rows so that a sustained change
 * outweighs a single noisy point; then how rare that average is in the stream's own recent history (see
 * stream-tail.ts), mapped to 0–100. After a row beyond everything in the history (a detection), the score is held
 * at the threshold for a while: one event makes one detection, not a burst.
 */
import { ANOMALY_THRESHOLD, robustZToScore } from './calibrate.js';
import { MIN_ROBUST_ROWS, robustBaseline, robustZ } from './robust-stats.js';
import { ValueSurprise } from './stream-surprise.js';
import { TailShare } from './stream-tail.js';
import type { HistoryWindow } from './stream-window.js';

export interface StreamScorerOptions {
  /** Share of normal rows allowed above the threshold. @default 0.05 */
  anomalyShare?: number;
  /** Period in data-time seconds at which the baselines are re-estimated. @default 21600 (6 h, as the live detectors) */
  retrainEverySec?: number;
  /** Only rows this recent (data time) are learned from. @default 604800 (7 days) */
  trainWindowSec?: number;
  /** Rows needed before the rarity score replaces the robust z-score fallback. @default 128 */
  minTrainRows?: number;
}

/**
 * Rows averaged into the surprise that is ranked: long enough to favour sustained changes over single noisy
 * points, short enough to react; 10 as in the averaging window of Numenta's anomaly likelihood.
 */
const SHORT_WINDOW_ROWS = 10;
/**
 * Rows after a detection during which the score is held at the threshold: about a day at 5-minute steps, so an
 * incident and its aftermath make one detection (an alert that keeps firing adds nothing after the first).
 */
const REFRACTORY_ROWS = 300;
/** Rows every history keeps however slow the sampling (a week at 5-minute steps): enough to resolve 1-in-1000 events. */
const HISTORY_MIN_ROWS = 2016;
/** Rows a value's residual baselines need before they report any surprise. */
const MIN_BASELINE_ROWS = 16;

export class StreamScorer {
  private readonly anomalyShare: number;
  private readonly retrainEverySec: number;
  private readonly trainWindowSec: number;
  private readonly minTrainRows: number;
  private columns: ValueSurprise[] = [];
  private readonly recentSurprises: number[] = [];
  private readonly tail: TailShare;
  /** Rows kept for the robust z fallback until the rarity score takes over. */
  private earlyRows: number[][] = [];
  private rowsSinceDetection = Infinity;

  constructor(opts: StreamScorerOptions = {}) {
    this.anomalyShare = opts.anomalyShare ?? 0.05;
    this.retrainEverySec = opts.retrainEverySec ?? 21_600;
    this.trainWindowSec = opts.trainWindowSec ?? 604_800;
    this.minTrainRows = opts.minTrainRows ?? 128;
    if (!(this.anomalyShare > 0 && this.anomalyShare < 1)) throw new Error(`anomalyShare must be in (0, 1), got ${this.anomalyShare}`);
    if (!(this.retrainEverySec > 0)) throw new Error(`retrainEverySec must be positive, got ${this.retrainEverySec}`);
    if (!(this.trainWindowSec > 0)) throw new Error(`trainWindowSec must be positive, got ${this.trainWindowSec}`);
    if (!Number.isInteger(this.minTrainRows) || this.minTrainRows < 2) throw new Error(`minTrainRows must be an integer >= 2, got ${this.minTrainRows}`);
    this.tail = new TailShare(this.history());
  }

  /**
   * The 0–100 score of this row, using only earlier rows. Below 90 it is linear in how common the row's surprise
   * is (45: as common as a typical row); 90 is the threshold, crossed by at most `anomalyShare` of the history;
   * above 90 it approaches 100 as the surprise gets rarer than anything seen. A row with a non-finite value
   * scores NaN and is not learned from; rows must keep the same number of values.
   */
  next(timestampSec: number, values: number[]): number {
    if (!Number.isFinite(timestampSec)) throw new Error(`timestamp must be a finite number, got ${timestampSec}`);
    if (this.columns.length > 0 && values.length !== this.columns.length) throw new Error(`row has ${values.length} values, earlier rows had ${this.columns.length}`);
    if (!values.every(Number.isFinite)) return NaN;
    if (this.columns.length === 0) this.columns = values.map(() => this.newValueSurprise());
    const rarity = this.tail.next(timestampSec, this.shortWindowSurprise(timestampSec, values));
    const score = this.tail.size <= this.minTrainRows ? this.fallbackScore(values) : this.refractory(rarity);
    this.learnEarly(values);
    return score;
  }

  private newValueSurprise(): ValueSurprise {
    return new ValueSurprise({ history: this.history(), refreshSec: this.retrainEverySec, minRows: MIN_BASELINE_ROWS });
  }

  private history(): HistoryWindow {
    return { seconds: this.trainWindowSec, minRows: HISTORY_MIN_ROWS };
  }

  /** Mean over the last rows of the largest surprise among the row's values (log-compressed: z is heavy-tailed). */
  private shortWindowSurprise(timestampSec: number, values: number[]): number {
    const surprise = Math.max(...values.map((v, j) => Math.log1p(this.columns[j].next(timestampSec, v))));
    this.recentSurprises.push(surprise);
    if (this.recentSurprises.length > SHORT_WINDOW_ROWS) this.recentSurprises.shift();
    return this.recentSurprises.reduce((a, b) => a + b, 0) / this.recentSurprises.length;
  }

  /** The score of a rarity, held at the threshold for a while after a detection. */
  private refractory(rarity: number): number {
    const score = rarityToScore(rarity, this.anomalyShare);
    this.rowsSinceDetection++;
    if (this.rowsSinceDetection < REFRACTORY_ROWS) return Math.min(score, ANOMALY_THRESHOLD);
    // Rarer than every row of the history: a new record, the event a detection reports.
    if (rarity < 1 / this.tail.size) this.rowsSinceDetection = 0;
    return score;
  }

  /** Largest robust z-score of the values against the early rows, on the same 0–100 scale. */
  private fallbackScore(values: number[]): number {
    if (this.earlyRows.length < MIN_ROBUST_ROWS) return 0;
    let worst = 0;
    for (let j = 0; j < values.length; j++) {
      const z = Math.abs(robustZ(values[j], robustBaseline(this.earlyRows.map((row) => row[j]))));
      worst = Math.max(worst, z);
    }
    return robustZToScore(worst);
  }

  private learnEarly(values: number[]): void {
    if (this.tail.size <= this.minTrainRows) this.earlyRows.push(values.slice());
    else this.earlyRows = [];
  }
}

/**
 * Maps the share of the history at least as surprising (rarity) to 0–100: linear from 0 (rarity 1) to 90 at
 * rarity = anomalyShare, then from 90 towards 100 as the rarity goes to 0, never quite reaching it, so that
 * rarer rows always score higher.
 */
export function rarityToScore(rarity: number, anomalyShare: number): number {
  if (rarity >= anomalyShare) return (ANOMALY_THRESHOLD * (1 - rarity)) / (1 - anomalyShare);
  return 100 - ((100 - ANOMALY_THRESHOLD) * rarity) / anomalyShare;
}
