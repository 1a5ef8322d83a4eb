import { describe, expect, test } from 'vitest';
import {
  NAB_PROFILES,
  bestThreshold,
  probationaryLength,
  scaledSigmoid,
  scoreAtThreshold,
  scoreCorpus,
  sweepRows,
  type ScoredSeries,
} from '../../bench/nab/scorer.js';

const [STANDARD, LOW_FP, LOW_FN] = NAB_PROFILES;
const STEP_SEC = 300;

/** 100 rows at 5-minute steps (probation: rows 0–14) with one window over rows 40–49 and the given detections. */
function series(detectedRows: number[], name = 'a.csv', windowRows: Array<[number, number]> = [[40, 49]]): ScoredSeries {
  const timestamps = Array.from({ length: 100 }, (_, i) => i * STEP_SEC);
  const scores = timestamps.map((_, i) => (detectedRows.includes(i) ? 1 : 0));
  const windows = windowRows.map(([a, b]) => [a * STEP_SEC, b * STEP_SEC] as const);
  return { name, timestamps, scores, windows };
}

/** The raw score when a row counts as a detection at score 1. */
function rawScore(detectedRows: number[], profile = STANDARD): number {
  return scoreAtThreshold(sweepRows(series(detectedRows)), profile, 1).score;
}

describe('NAB conventions', () => {
  test('the scaled sigmoid is about +1 at a window start, 0 at its end and −1 beyond three window lengths', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3)).toBeCloseTo(-0.99999939, 7);
    expect(scaledSigmoid(3.01)).toBe(-1);
  });

  test('the probationary period is 15% of the rows, at most 750', () => {
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(22695)).toBe(750);
  });
});

describe('hand-computed raw scores (one window over rows 40–49, standard profile unless named)', () => {
  test('a detection at the window start earns the full TP weight', () => {
    expect(rawScore([40])).toBeCloseTo(1, 10);
  });

  test('a detection in the last row of the window earns sigmoid(−0.1)/sigmoid(−1)', () => {
    expect(rawScore([49])).toBeCloseTo(0.248242, 6);
  });

  test('only the earliest detection in a window counts', () => {
    expect(rawScore([45, 49])).toBeCloseTo(0.859793, 6);
    expect(rawScore([40, 45, 49])).toBeCloseTo(1, 10);
  });

  test('a false positive before any window costs the full FP weight, a missed window the FN weight', () => {
    expect(rawScore([20])).toBeCloseTo(-1 - 0.11, 10);
    expect(rawScore([20], LOW_FP)).toBeCloseTo(-1 - 0.22, 10);
    expect(rawScore([], LOW_FN)).toBeCloseTo(-2, 10);
  });

  test('one early detection, one late detection and one false positive', () => {
    expect(rawScore([40, 49, 20])).toBeCloseTo(1 - 0.11, 10);
  });

  test('a false positive right after a window costs less than one long after it', () => {
    expect(rawScore([40, 50])).toBeCloseTo(1 - 0.029793, 6);
    expect(rawScore([40, 59])).toBeCloseTo(1 - 0.109153, 6);
    expect(rawScore([40, 80])).toBeCloseTo(1 - 0.11, 10);
  });

  test('counts true positives, false positives and misses', () => {
    const twoWindows = series([42, 44, 20, 70], 'b.csv', [[40, 49], [60, 65]]);
    const result = scoreAtThreshold(sweepRows(twoWindows), STANDARD, 1);
    expect({ tp: result.tp, fp: result.fp, fn: result.fn }).toEqual({ tp: 1, fp: 2, fn: 1 });
  });
});

describe('calibration of the normalised score', () => {
  const files = ['a.csv', 'b.csv', 'c.csv'];
  const windowOf = (i: number): [number, number] => [30 + 10 * i, 39 + 10 * i];

  test.each(NAB_PROFILES)('a detector that never fires scores 0 ($name)', (profile) => {
    const corpus = files.map((name, i) => series([], name, [windowOf(i)]));
    expect(scoreCorpus(corpus, profile).normalized).toBe(0);
  });

  test.each(NAB_PROFILES)('a detection at each window start scores 100 ($name)', (profile) => {
    const corpus = files.map((name, i) => series([windowOf(i)[0]], name, [windowOf(i)]));
    expect(scoreCorpus(corpus, profile).normalized).toBeCloseTo(100, 10);
  });

  test.each(NAB_PROFILES)('a detector that fires only in the probationary period scores 0 ($name)', (profile) => {
    const corpus = files.map((name, i) => series([0, 5, 14], name, [windowOf(i)]));
    expect(scoreCorpus(corpus, profile).normalized).toBe(0);
  });

  test('a detector that fires on every row is kept silent by the sweep and scores 0', () => {
    const everyRow = Array.from({ length: 100 }, (_, i) => i);
    const corpus = files.map((name, i) => series(everyRow, name, [windowOf(i)]));
    // Firing everywhere would cost ~75 FPs per file; staying silent is the better threshold.
    expect(scoreCorpus(corpus, STANDARD).normalized).toBe(0);
  });
});

describe('threshold sweep', () => {
  test('picks one corpus-wide threshold that maximises the total, detections being scores ≥ threshold', () => {
    const timestamps = Array.from({ length: 100 }, (_, i) => i * STEP_SEC);
    const scores = timestamps.map((_, i) => (i === 40 ? 0.7 : i === 20 ? 0.5 : i === 60 ? 0.9 : 0));
    const corpus: ScoredSeries = { name: 'a.csv', timestamps, scores, windows: [[40 * STEP_SEC, 49 * STEP_SEC]] };
    // 0.9 alone is an FP (−1.11); 0.7 adds the TP (−0.11 + 1); 0.5 adds another FP.
    expect(bestThreshold(sweepRows(corpus), STANDARD)).toBe(0.7);
    const result = scoreCorpus([corpus], STANDARD);
    expect(result.threshold).toBe(0.7);
    expect(result.raw).toBeCloseTo(1 - 0.109513, 6);
  });

  test('refuses a corpus without label windows', () => {
    expect(() => scoreCorpus([series([], 'a.csv', [])], STANDARD)).toThrow(/no scorable label window/);
  });
});
