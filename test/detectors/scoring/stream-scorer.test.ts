import { describe, expect, test } from 'vitest';
import { ANOMALY_THRESHOLD } from '../../../detectors/scoring/calibrate.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import { StreamScorer } from '../../../detectors/scoring/stream-scorer.js';

/** A daily sine with noise, one point every 5 minutes, and a spike at `spikeAt`. */
function series(days: number, spikeAt: number): Array<[number, number]> {
  const random = mulberry32(4);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < days * 288; i++) {
    const t = 1_795_000_000 + i * 300;
    const value = 50 + 20 * Math.sin((2 * Math.PI * t) / 86_400) + random() * 4 + (i === spikeAt ? 60 : 0);
    out.push([t, value]);
  }
  return out;
}

describe('StreamScorer', () => {
  test('scores a spike above the threshold and keeps the share of normal rows above it small', () => {
    const data = series(6, 1500);
    const scorer = new StreamScorer();
    const scores = data.map(([t, v]) => scorer.next(t, [v]));
    expect(scores[1500]).toBeGreaterThan(ANOMALY_THRESHOLD);
    const normalAbove = scores.slice(300).filter((s, i) => i + 300 !== 1500 && s > ANOMALY_THRESHOLD).length;
    expect(normalAbove / (scores.length - 300)).toBeLessThan(0.1);
  });

  test('uses only earlier rows: a later row cannot change an earlier score', () => {
    const data = series(2, -1);
    const a = new StreamScorer();
    const b = new StreamScorer();
    const first = data.slice(0, 400).map(([t, v]) => a.next(t, [v]));
    const all = data.map(([t, v]) => b.next(t, [v]));
    expect(all.slice(0, 400)).toEqual(first);
  });

  test('falls back to robust z before enough rows and rejects malformed rows', () => {
    const scorer = new StreamScorer({ minTrainRows: 50 });
    for (let i = 0; i < 10; i++) expect(scorer.next(i, [10 + (i % 2)])).toBeLessThan(ANOMALY_THRESHOLD);
    expect(scorer.next(10, [40])).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(scorer.next(11, [NaN])).toBeNaN();
    expect(() => scorer.next(12, [1, 2])).toThrow(/row has 2 values, earlier rows had 1/);
    expect(() => new StreamScorer({ anomalyShare: 0 })).toThrow(/anomalyShare/);
  });
});
