import { describe, expect, test } from 'vitest';
import { mulberry32 } from '../../detectors/scoring/prng.js';
import { ValueSurprise } from '../../detectors/scoring/stream-surprise.js';
import { TailShare } from '../../detectors/scoring/stream-tail.js';
import { forgetOutside } from '../../detectors/scoring/stream-window.js';

const STEP_SEC = 300;
const ROWS_PER_DAY = 86_400 / STEP_SEC;

describe('forgetOutside', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ t: i * STEP_SEC }));

  test('drops rows older than the window', () => {
    const kept = rows(10);
    forgetOutside(kept, 9 * STEP_SEC, { seconds: 3 * STEP_SEC, minRows: 2 });
    expect(kept.map((r) => r.t / STEP_SEC)).toEqual([6, 7, 8, 9]);
  });

  test('keeps at least minRows however old they are', () => {
    const kept = rows(10);
    forgetOutside(kept, 100 * STEP_SEC, { seconds: STEP_SEC, minRows: 3 });
    expect(kept.map((r) => r.t / STEP_SEC)).toEqual([7, 8, 9]);
  });
});

describe('TailShare', () => {
  const window = { seconds: 1e9, minRows: 0 };

  test('is the share of the history at or above the value', () => {
    const tail = new TailShare(window);
    [1, 2, 3, 4].forEach((v, i) => tail.next(i, v));
    expect(tail.next(4, 3)).toBeCloseTo(2 / 5, 12);
    expect(tail.next(5, 0)).toBeCloseTo(5 / 6, 12);
  });

  test('keeps falling beyond the maximum, so that record values stay ordered', () => {
    const history = [1, 2, 4];
    const shareOf = (value: number) => {
      const tail = new TailShare(window);
      history.forEach((v, i) => tail.next(i, v));
      return tail.next(3, value);
    };
    expect(shareOf(8)).toBeCloseTo(0.5 / 4, 6);
    expect(shareOf(16)).toBeLessThan(shareOf(8));
    expect(shareOf(4)).toBeGreaterThan(shareOf(4.001));
  });

  test('forgets values outside its window', () => {
    const tail = new TailShare({ seconds: 2, minRows: 0 });
    tail.next(0, 100);
    tail.next(1, 1);
    tail.next(5, 1);
    expect(tail.size).toBe(1);
    expect(tail.next(6, 50)).toBeLessThan(1 / 2);
  });
});

describe('ValueSurprise', () => {
  const history = { seconds: 14 * 86_400, minRows: 0 };
  /** A daily sine with a little noise, one row every 5 minutes. */
  const dailySine = (i: number, random: () => number) => 50 + 20 * Math.sin((2 * Math.PI * i) / ROWS_PER_DAY) + random();

  test('a spike is far more surprising than the noise', () => {
    const random = mulberry32(1);
    const surprise = new ValueSurprise({ history, refreshSec: 6 * 3600, minRows: 16 });
    const normal: number[] = [];
    for (let i = 0; i < 3 * ROWS_PER_DAY; i++) normal.push(surprise.next(i * STEP_SEC, dailySine(i, random)));
    const spike = surprise.next(3 * ROWS_PER_DAY * STEP_SEC, dailySine(3 * ROWS_PER_DAY, random) + 30);
    expect(spike).toBeGreaterThan(10);
    expect(Math.max(...normal.slice(ROWS_PER_DAY))).toBeLessThan(spike / 2);
  });

  test('a flat stretch where the series normally cycles is surprising once a day can be compared', () => {
    const random = mulberry32(2);
    const surprise = new ValueSurprise({ history, refreshSec: 6 * 3600, minRows: 16 });
    let i = 0;
    const normal: number[] = [];
    for (; i < 4 * ROWS_PER_DAY; i++) normal.push(surprise.next(i * STEP_SEC, dailySine(i, random)));
    // Hold the value of the start of the day's rise (50) for a quarter of a day, where the sine climbs to 70.
    const flat: number[] = [];
    for (; i < 4.25 * ROWS_PER_DAY; i++) flat.push(surprise.next(i * STEP_SEC, 50 + random()));
    expect(Math.max(...flat)).toBeGreaterThan(2 * Math.max(...normal.slice(3 * ROWS_PER_DAY)));
  });
});
