/** Robust statistics: estimates that a few outliers cannot drag away. */

/** Scale that makes the MAD a consistent estimator of the standard deviation for normal data. */
const MAD_TO_SIGMA = 1.4826;

/** Values a robust z-score needs to mean anything (with fewer, scorers that fall back to it report nothing). */
export const MIN_ROBUST_ROWS = 3;

/** Sorted copy (ascending), NaN removed. */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  return finiteCopy(values).sort();
}

/** Copy of the finite values, in their order. */
function finiteCopy(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) out[count++] = values[i];
  }
  return out.subarray(0, count);
}

/**
 * Quantile of already sorted values with linear interpolation between order statistics
 * (type 7, the default of R and numpy). NaN for an empty input.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile p must be in [0, 1], got ${p}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Quantile of unsorted values (non-finite values ignored). */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedFinite(values), p);
}

/**
 * Median of the finite values; NaN when there are none. Equal to `quantile(values, 0.5)`, but the two middle
 * order statistics are selected rather than the whole copy sorted: O(n) instead of O(n log n), and the stream
 * scorer takes medians of thousands of residuals at every refresh.
 */
export function median(values: ArrayLike<number>): number {
  const finite = finiteCopy(values);
  const n = finite.length;
  if (n === 0) return NaN;
  const h = (n - 1) * 0.5;
  const lo = Math.floor(h);
  const low = select(finite, lo);
  // After the selection everything beyond `lo` is at least `low`: the next order statistic is their minimum.
  let high = low;
  if (lo + 1 < n) {
    high = Infinity;
    for (let i = lo + 1; i < n; i++) if (finite[i] < high) high = finite[i];
  }
  return low + (h - lo) * (high - low);
}

/**
 * The k-th smallest value (0-based), found by Hoare's FIND: `a` is partitioned in place until a[k] holds it,
 * with no larger value before k and no smaller one after it.
 */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[k];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (pivot < a[j]) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j < k) left = i;
    if (k < i) right = j;
  }
  return a[k];
}

/** Median absolute deviation from the median, unscaled. */
export function mad(values: ArrayLike<number>): number {
  return medianDeviation(values, median(values));
}

/** Median absolute deviation from `center` (non-finite values ignored). */
function medianDeviation(values: ArrayLike<number>, center: number): number {
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i] - center);
  return median(deviations);
}

/** Location and scale of a sample, robustly estimated. */
export interface RobustBaseline {
  readonly median: number;
  /** Robust standard deviation: 1.4826 × MAD, or 1.2533 × mean absolute deviation when the MAD is 0. */
  readonly sigma: number;
}

/**
 * Median and robust sigma. When more than half the values are identical the MAD is 0; Iglewicz and Hoaglin's
 * remedy is the mean absolute deviation (× 1.2533) so that rare departures still get a finite z.
 */
export function robustBaseline(values: ArrayLike<number>): RobustBaseline {
  const center = median(values);
  return { median: center, sigma: robustSigma(values, center) };
}

/**
 * Robust standard deviation of `values` around `center` (their median, or a fitted curve's 0 for residuals):
 * 1.4826 × the median absolute deviation from it, or 1.2533 × the mean absolute deviation when that is 0.
 */
export function robustSigma(values: ArrayLike<number>, center: number): number {
  const madSigma = MAD_TO_SIGMA * medianDeviation(values, center);
  if (madSigma > 0) return madSigma;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      sum += Math.abs(values[i] - center);
      count++;
    }
  }
  return count > 0 ? 1.2533 * (sum / count) : 0;
}

/**
 * Robust z-score of `value` against a baseline. With a zero sigma (constant data) a different value is
 * infinitely far away and an equal one is at 0.
 */
export function robustZ(value: number, baseline: RobustBaseline): number {
  const deviation = value - baseline.median;
  if (baseline.sigma > 0) return deviation / baseline.sigma;
  if (deviation === 0) return 0;
  return deviation > 0 ? Infinity : -Infinity;
}
