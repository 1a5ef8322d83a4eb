import { describe, expect, test } from 'vitest';
import { dayOfWeekFeatures, timeOfDayFeatures } from '../../../detectors/scoring/features.js';
import { linearRegression, timeToReach } from '../../../detectors/scoring/forecast.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import { mad, median, quantile, robustBaseline, robustZ } from '../../../detectors/scoring/robust-stats.js';

describe('robust statistics', () => {
  test('median, MAD and quantiles ignore non-finite values', () => {
    expect(median([5, 1, 3, NaN])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10], 0.9)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(/p must be in \[0, 1\], got 1.5/);
  });

  /** The median by its definition, computed apart from robust-stats: the middle finite value once sorted, or the mean of the middle two. */
  function referenceMedian(values: readonly number[]): number {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    const half = Math.floor(sorted.length / 2);
    if (sorted.length === 0) return NaN;
    return sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
  }

  test('the median is exactly the middle of the sorted finite values (odd and even counts, ties, runs, non-finite)', () => {
    expect(median([7, -Infinity, 2, Infinity, 4, NaN, 1])).toBe(3);
    expect(median([9, 9, 1, 9])).toBe(9);
    expect(median([-2.5, 0.5])).toBe(-1);
    const random = mulberry32(11);
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + Math.floor(random() * 300);
      const levels = 1 + Math.floor(random() * 50);
      const values = Array.from({ length: n }, (_, i) => {
        const u = random();
        if (u < 0.02) return [NaN, Infinity, -Infinity][i % 3];
        return trial % 4 === 0 ? i % levels : Math.floor(u * levels) - levels / 2;
      });
      if (trial % 5 === 0) values.sort((a, b) => b - a);
      const input = values.slice();
      expect(median(values)).toBe(referenceMedian(values));
      expect(values).toEqual(input);
    }
  });

  test('robust z is unmoved by an outlier and handles constant data', () => {
    const baseline = robustBaseline([10, 11, 9, 10, 10.5, 9.5, 1000]);
    expect(baseline.median).toBe(10);
    expect(robustZ(1000, baseline)).toBeGreaterThan(100);
    const mostlyConstant = robustBaseline([5, 5, 5, 5, 6]);
    expect(mostlyConstant.sigma).toBeGreaterThan(0);
    expect(robustZ(7, robustBaseline([3, 3, 3]))).toBe(Infinity);
    expect(robustZ(3, robustBaseline([3, 3, 3]))).toBe(0);
  });
});

describe('forecast', () => {
  test('fits a line and tells when it reaches a level', () => {
    const fit = linearRegression([0, 1, 2, 3], [10, 12, 14, 16]);
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(10);
    expect(fit.r2).toBeCloseTo(1);
    expect(timeToReach(fit, 20, 3)).toBeCloseTo(2);
    expect(timeToReach(fit, 0, 3)).toBe(Infinity);
    expect(() => linearRegression([1, 1], [2, 3])).toThrow(/two distinct x/);
  });
});

describe('calendar features', () => {
  test('23:59 and 00:00 are neighbours, 12:00 is opposite', () => {
    const distance = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
    const midnight = Date.UTC(2026, 10, 23) / 1000;
    expect(distance(timeOfDayFeatures(midnight - 60), timeOfDayFeatures(midnight))).toBeLessThan(0.01);
    expect(distance(timeOfDayFeatures(midnight + 43_200), timeOfDayFeatures(midnight))).toBeCloseTo(2);
  });

  test('Sunday night and Monday morning are neighbours in the week', () => {
    const mondayMidnight = Date.UTC(2026, 10, 23) / 1000; // 2026-11-23 is a Monday
    const [sin, cos] = dayOfWeekFeatures(mondayMidnight);
    expect(sin).toBeCloseTo(0);
    expect(cos).toBeCloseTo(1);
    const before = dayOfWeekFeatures(mondayMidnight - 60);
    expect(Math.hypot(before[0] - sin, before[1] - cos)).toBeLessThan(0.001);
  });
});
