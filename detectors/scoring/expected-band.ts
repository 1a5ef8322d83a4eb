/**
 * What a model expected of a value: the range in which, the other inputs held as they are, the value scores at
 * or below the anomaly threshold (90), and the most normal value in it (as vmanomaly's yhat, yhat_lower and
 * yhat_upper, or Grafana ML's predicted band). A model's normal values need not form one interval (an idle and a
 * loaded power draw, with nothing normal between them), so a model gives a `NormalSet` of disjoint ranges and the
 * band of a value is the range that holds it, or the nearest one when it is anomalous: inside the band the score
 * is at most 90, and just beyond either edge it is above 90.
 */
import { ROBUST_Z_AT_THRESHOLD } from './calibrate.js';
import type { RobustBaseline } from './robust-stats.js';

export interface ExpectedBand {
  /** The value the model finds most normal in the band. */
  readonly expected: number;
  /** Edges of the band; -Infinity or +Infinity when no value that low or high is anomalous. */
  readonly lower: number;
  readonly upper: number;
}

/** A score and the band of the value it scored; `band` is undefined when no value would be normal as things stand. */
export interface BandedScore {
  readonly score: number;
  readonly band: ExpectedBand | undefined;
}

/** A value a score is about, and what the model expected of it. */
export interface ScoredValue {
  /**
   * Which of the model's inputs this is, when one score covers several (the disk's I/O time, read and write
   * rates): the `feature` label. Absent for a score of one value.
   */
  readonly feature?: string;
  readonly value: number;
  /** Undefined when no value of this input would be normal with the other inputs as they are. */
  readonly band: ExpectedBand | undefined;
}

/** Where a value lies against its band: -1 below, 0 inside, +1 above (Grafana ML's `:anomalous` convention). */
export type Direction = -1 | 0 | 1;

export function directionOf(value: number, band: ExpectedBand): Direction {
  if (value > band.upper) return 1;
  if (value < band.lower) return -1;
  return 0;
}

/** The values of one input that score at or below the threshold: ascending, disjoint ranges. */
export class NormalSet {
  constructor(public readonly ranges: readonly ExpectedBand[]) {}

  /** No value is normal (the other inputs are anomalous whatever this one does). */
  static readonly EMPTY = new NormalSet([]);

  /** The band of `value`: the range that holds it, else the nearest; undefined when no value is normal. */
  bandFor(value: number): ExpectedBand | undefined {
    let best: ExpectedBand | undefined;
    let bestDistance = Infinity;
    for (const range of this.ranges) {
      const distance = Math.max(range.lower - value, value - range.upper, 0);
      if (distance < bestDistance) {
        best = range;
        bestDistance = distance;
      }
    }
    return best ?? this.ranges[0];
  }

  /** The same set on another scale: `f` must be increasing (a unit change, the inverse of a log transform). */
  map(f: (x: number) => number): NormalSet {
    return new NormalSet(this.ranges.map((r) => ({ expected: f(r.expected), lower: f(r.lower), upper: f(r.upper) })));
  }
}

/**
 * The normal set of a robust z-score scorer (see calibrate.ts `robustZToScore`), exactly: |value − median| ≤ 3.5
 * sigma, the most normal value being the median. A zero sigma (constant training data) leaves only the median.
 */
export function robustNormalSet(baseline: RobustBaseline): NormalSet {
  const half = ROBUST_Z_AT_THRESHOLD * baseline.sigma;
  if (!Number.isFinite(baseline.median)) return NormalSet.EMPTY;
  return new NormalSet([{ expected: baseline.median, lower: baseline.median - half, upper: baseline.median + half }]);
}

/**
 * A normal set computed on log1p(max(0, value)), the transform the pod and disk models apply to heavy-tailed
 * rates and sizes, mapped back to values. Every value at or below 0 maps to 0, so a range reaching below 0 starts
 * at 0 (nothing lower exists), and a range wholly below 0 holds no value at all.
 */
export function fromLog1p(set: NormalSet): NormalSet {
  const reachable = set.ranges.filter((r) => r.upper >= 0);
  return new NormalSet(reachable.map((r) => ({
    expected: Math.expm1(Math.max(0, r.expected)),
    lower: r.lower <= 0 ? 0 : Math.expm1(r.lower),
    upper: Math.expm1(r.upper),
  })));
}
