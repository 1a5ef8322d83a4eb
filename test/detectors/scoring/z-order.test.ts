import { describe, expect, test } from 'vitest';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import { zOrder } from '../../../detectors/scoring/z-order.js';

describe('zOrder', () => {
  test('is a permutation that puts rows close in every feature next to each other', () => {
    const random = mulberry32(3);
    const n = 5000;
    const values = Float64Array.from({ length: n * 2 }, () => random());
    const order = zOrder(values, n, 2);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    const step = (a: number, b: number) => Math.hypot(values[2 * a] - values[2 * b], values[2 * a + 1] - values[2 * b + 1]);
    let ordered = 0;
    let original = 0;
    for (let i = 1; i < n; i++) {
      ordered += step(order[i - 1], order[i]);
      original += step(i - 1, i);
    }
    // Random neighbours are about 0.52 apart; Z-order neighbours a small fraction of that.
    expect(ordered / original).toBeLessThan(0.1);
  });

  test('copes with constant features and many features', () => {
    const n = 2000;
    const many = Float64Array.from({ length: n * 40 }, (_, k) => (k % 40 === 0 ? 7 : k % 13));
    const order = zOrder(many, n, 40);
    expect(new Set(order).size).toBe(n);
  });
});
