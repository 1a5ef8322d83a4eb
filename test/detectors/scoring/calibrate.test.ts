import { describe, expect, test } from 'vitest';
import { ANOMALY_THRESHOLD, Calibration, robustZToScore } from '../../../detectors/scoring/calibrate.js';
import { IsolationForest } from '../../../detectors/scoring/isolation-forest.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';

function forestScores(n: number): Float64Array {
  const random = mulberry32(21);
  const rows = Array.from({ length: n }, () => [random() + random(), random() * 3]);
  return new IsolationForest({ seed: 2 }).fit(rows).scoreMany(rows);
}

describe('Calibration', () => {
  test.each([0.01, 0.05, 0.2])('puts at most a share of %s of the training scores above the threshold', (share) => {
    const raw = forestScores(3000);
    const calibration = Calibration.fit(raw, { anomalyShare: share });
    const above = Array.from(raw).filter((r) => calibration.score(r) > ANOMALY_THRESHOLD).length;
    expect(above / raw.length).toBeLessThanOrEqual(share);
    expect(above / raw.length).toBeGreaterThan(share * 0.8);
  });

  test('spreads normal data over the range instead of clustering it', () => {
    const raw = forestScores(3000);
    const calibration = Calibration.fit(raw);
    const scores = Array.from(raw, (r) => calibration.score(r)).sort((a, b) => a - b);
    const at = (p: number) => scores[Math.floor(p * (scores.length - 1))];
    expect(at(0.25)).toBeGreaterThan(15);
    expect(at(0.25)).toBeLessThan(30);
    expect(at(0.5)).toBeGreaterThan(40);
    expect(at(0.5)).toBeLessThan(55);
    expect(at(0.9)).toBeGreaterThan(75);
    expect(scores[0]).toBeGreaterThanOrEqual(0);
    expect(scores[scores.length - 1]).toBeLessThanOrEqual(100);
  });

  test('is monotonic and maps the raw ceiling to 100', () => {
    const calibration = Calibration.fit(forestScores(500));
    let previous = -1;
    for (let raw = 0; raw <= 1; raw += 0.01) {
      const s = calibration.score(raw);
      expect(s).toBeGreaterThanOrEqual(previous);
      previous = s;
    }
    expect(calibration.score(1)).toBe(100);
  });

  test('maps constant training data to the middle and anything higher above the threshold', () => {
    const calibration = Calibration.fit([0.4, 0.4, 0.4, 0.4]);
    expect(calibration.score(0.4)).toBe(45);
    expect(calibration.score(0.41)).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(calibration.score(0.3)).toBe(0);
  });

  test('survives a JSON round trip and rejects damaged JSON', () => {
    const calibration = Calibration.fit(forestScores(500));
    const restored = Calibration.fromJSON(JSON.parse(JSON.stringify(calibration)));
    for (const raw of [0.3, 0.45, 0.5, 0.7]) expect(restored.score(raw)).toBe(calibration.score(raw));
    expect(() => Calibration.fromJSON({ ...calibration.toJSON(), knots: [1, 2] })).toThrow(/knots/);
    expect(() => Calibration.fit([], {})).toThrow(/at least one/);
    expect(() => Calibration.fit([1], { anomalyShare: 2 })).toThrow(/anomalyShare must be in \(0, 1\), got 2/);
  });
});

describe('robustZToScore', () => {
  test('puts the modified z-score cut-off of 3.5 at the threshold', () => {
    expect(robustZToScore(0)).toBe(0);
    expect(robustZToScore(-3.5)).toBe(ANOMALY_THRESHOLD);
    expect(robustZToScore(5)).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(robustZToScore(Infinity)).toBe(100);
  });
});
