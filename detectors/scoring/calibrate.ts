/**
 * Calibration of raw anomaly scores to ODIN's 0–100 scale.
 *
 * Meaning of a calibrated score: below the threshold (90), score = 90 × (rank of the raw score among the
 * training scores) / (1 − anomalyShare), so normal data spreads evenly over 0–90 (a score of 45 is a typical
 * point, 80 is rarer than about 84% of training points). The threshold is the training quantile
 * 1 − anomalyShare: at most `anomalyShare` of the training points score above 90. Above it, the score rises
 * linearly from 90 at that quantile to 100 at `rawCeiling` (1 for an Isolation Forest), so how far beyond the
 * normal range a point lies stays visible. A point is an anomaly when its score is above the threshold.
 */
import { quantileSorted, sortedFinite } from './robust-stats.js';

/** Calibrated score strictly above which a point counts as anomalous. */
export const ANOMALY_THRESHOLD = 90;
const KNOTS = 101;
const CALIBRATION_VERSION = 1;

/** The JSON form of a `Calibration`. */
export interface CalibrationJson {
  readonly version: number;
  readonly anomalyShare: number;
  readonly rawCeiling: number;
  /** Raw-score quantiles at ranks 0 … 1 − anomalyShare, evenly spaced; the last one is the threshold. */
  readonly knots: number[];
}

/** Options of `Calibration.fit`. */
export interface CalibrationOptions {
  /** Share of training points allowed above the threshold. @default 0.05 */
  readonly anomalyShare?: number;
  /** Raw score that maps to 100. @default 1 (the upper bound of an Isolation Forest score) */
  readonly rawCeiling?: number;
}

export class Calibration {
  private constructor(
    public readonly anomalyShare: number,
    public readonly rawCeiling: number,
    private readonly knots: Float64Array,
  ) {}

  /** Fits the mapping on raw scores of (mostly normal) training data. */
  static fit(trainingRaw: ArrayLike<number>, options: CalibrationOptions = {}): Calibration {
    const anomalyShare = options.anomalyShare ?? 0.05;
    if (!(anomalyShare > 0 && anomalyShare < 1)) throw new Error(`anomalyShare must be in (0, 1), got ${anomalyShare}`);
    const sorted = sortedFinite(trainingRaw);
    if (sorted.length === 0) throw new Error('calibration needs at least one finite training score, got none');
    // The threshold is an order statistic: with n·(1 − share) points at or below it, at most n·share lie above.
    const thresholdIndex = Math.max(0, Math.ceil(sorted.length * (1 - anomalyShare)) - 1);
    const normal = sorted.subarray(0, thresholdIndex + 1);
    const knots = Float64Array.from({ length: KNOTS }, (_, k) => quantileSorted(normal, k / (KNOTS - 1)));
    const rawCeiling = options.rawCeiling ?? 1;
    return new Calibration(anomalyShare, Math.max(rawCeiling, knots[KNOTS - 1]), knots);
  }

  /** Raw score at the anomaly threshold. */
  get rawThreshold(): number {
    return this.knots[KNOTS - 1];
  }

  /** The calibrated 0–100 score of a raw score (NaN stays NaN). */
  score(raw: number): number {
    if (Number.isNaN(raw)) return NaN;
    const top = this.rawThreshold;
    if (raw > top) {
      const span = this.rawCeiling - top;
      const beyond = span > 0 ? Math.min(1, (raw - top) / span) : 1;
      return ANOMALY_THRESHOLD + (100 - ANOMALY_THRESHOLD) * beyond;
    }
    return (ANOMALY_THRESHOLD * this.rank(raw)) / (KNOTS - 1);
  }

  /** Fractional knot position of `raw`; a run of equal knots counts at its middle (mid-rank for ties). */
  private rank(raw: number): number {
    const k = this.knots;
    if (raw < k[0]) return 0;
    const first = lowerBound(k, raw);
    const afterLast = upperBound(k, raw);
    if (afterLast > first) return (first + afterLast - 1) / 2;
    // k[first - 1] < raw < k[first]: interpolate between the two knots.
    return first - 1 + (raw - k[first - 1]) / (k[first] - k[first - 1]);
  }

  toJSON(): CalibrationJson {
    return { version: CALIBRATION_VERSION, anomalyShare: this.anomalyShare, rawCeiling: this.rawCeiling, knots: Array.from(this.knots) };
  }

  static fromJSON(raw: unknown): Calibration {
    if (typeof raw !== 'object' || raw === null) throw new Error(`calibration JSON must be an object, got ${typeof raw}`);
    const json = raw as Partial<Record<keyof CalibrationJson, unknown>>;
    if (json.version !== CALIBRATION_VERSION) throw new Error(`calibration JSON version ${JSON.stringify(json.version)} is not supported (expected ${CALIBRATION_VERSION})`);
    const share = json.anomalyShare;
    if (typeof share !== 'number' || !(share > 0 && share < 1)) throw new Error(`calibration JSON anomalyShare must be in (0, 1), got ${JSON.stringify(share)}`);
    if (typeof json.rawCeiling !== 'number' || !Number.isFinite(json.rawCeiling)) throw new Error(`calibration JSON rawCeiling must be a finite number, got ${JSON.stringify(json.rawCeiling)}`);
    const knots = json.knots;
    if (!Array.isArray(knots) || knots.length !== KNOTS || !knots.every((x, i) => typeof x === 'number' && Number.isFinite(x) && (i === 0 || x >= knots[i - 1]))) {
      throw new Error(`calibration JSON knots must be ${KNOTS} ascending finite numbers`);
    }
    return new Calibration(share, json.rawCeiling, Float64Array.from(knots as number[]));
  }
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * |robust z| that maps to the threshold: Iglewicz and Hoaglin's cut-off for the modified z-score. A robust z
 * scorer's expected band is median ± this many sigma (see expected-band.ts).
 */
export const ROBUST_Z_AT_THRESHOLD = 3.5;

/**
 * The statistical fallback on the same scale: |z| = 3.5 scores 90 (the threshold), |z| = 0 scores 0, linear in
 * between; beyond, linear up to 100 at |z| = 7. No training distribution is needed, so it works from a few points.
 */
export function robustZToScore(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const a = Math.abs(z);
  if (a <= ROBUST_Z_AT_THRESHOLD) return (ANOMALY_THRESHOLD * a) / ROBUST_Z_AT_THRESHOLD;
  return ANOMALY_THRESHOLD + (100 - ANOMALY_THRESHOLD) * Math.min(1, (a - ROBUST_Z_AT_THRESHOLD) / ROBUST_Z_AT_THRESHOLD);
}
