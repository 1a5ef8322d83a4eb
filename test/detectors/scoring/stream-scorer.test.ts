/** ODIN's default streaming detector: detections, the learned range, the expected band, and its saved state. */
import { describe, expect, test } from 'vitest';
import { ANOMALY_THRESHOLD } from '../../../detectors/scoring/calibrate.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import { EARLY_ROWS, StreamScorer, toScore, type StreamScore } from '../../../detectors/scoring/stream-scorer.js';

const START = 1_795_000_000;

/** A daily sine with noise, one point every 5 minutes, and +60 at the rows in `spikes`. */
function series(days: number, spikes: number[] = [], seed = 4): Array<[number, number]> {
  const random = mulberry32(seed);
  return Array.from({ length: days * 288 }, (_, i) => {
    const t = START + i * 300;
    return [t, 50 + 20 * Math.sin((2 * Math.PI * t) / 86_400) + random() * 4 + (spikes.includes(i) ? 60 : 0)];
  });
}

function scoreAll(scorer: StreamScorer, rows: ReadonlyArray<[number, number]>): StreamScore[] {
  return rows.map(([t, v]) => scorer.next(t, v));
}

describe('StreamScorer', () => {
  test('learns the range from the probation rows (robust fallback after EARLY_ROWS), then scores a spike above the threshold', () => {
    const rows = series(8, [1800]);
    const scored = scoreAll(new StreamScorer({ probationRows: 288 }), rows);
    const scores = scored.map((s) => s.score);
    expect(scores.slice(0, EARLY_ROWS).every(Number.isNaN)).toBe(true);
    // The fallback is the robust z-score against the rows so far: 90 at 3.5 sigma, its band median ± 3.5 sigma.
    const probation = scored.slice(EARLY_ROWS, 288);
    expect(probation.every((s) => Number.isFinite(s.score) && s.lower < s.expected && s.expected < s.upper)).toBe(true);
    expect(probation.every((s, i) => (s.score > ANOMALY_THRESHOLD) === (rows[EARLY_ROWS + i][1] < s.lower || rows[EARLY_ROWS + i][1] > s.upper))).toBe(true);
    expect(scores[1800]).toBeGreaterThan(ANOMALY_THRESHOLD);
    const normal = scores.slice(288).filter((_, i) => Math.abs(i + 288 - 1800) > 1);
    expect(normal.filter((s) => s > ANOMALY_THRESHOLD).length / normal.length).toBeLessThan(0.02);
  });

  test('uses only earlier rows: a later row cannot change an earlier score', () => {
    const rows = series(3, [700]);
    const first = scoreAll(new StreamScorer({ probationRows: 100 }), rows.slice(0, 600));
    const all = scoreAll(new StreamScorer({ probationRows: 100 }), rows);
    expect(all.slice(0, 600)).toEqual(first);
  });

  test('a value inside the expected band never scores above the threshold; anomalies lie outside it', () => {
    const rows = series(10, [1500, 2300]);
    const scores = scoreAll(new StreamScorer({ probationRows: 288 }), rows);
    let inside = 0;
    scores.forEach((s, i) => {
      if (Number.isNaN(s.score)) return;
      expect(s.lower).toBeLessThanOrEqual(s.expected);
      expect(s.upper).toBeGreaterThanOrEqual(s.expected);
      if (s.direction === 0) {
        inside++;
        expect(s.score, `row ${i}`).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
        expect(rows[i][1]).toBeGreaterThanOrEqual(s.lower);
        expect(rows[i][1]).toBeLessThanOrEqual(s.upper);
      }
    });
    expect(inside / scores.length).toBeGreaterThan(0.5);
    for (const spike of [1500, 2300]) if (scores[spike].score > ANOMALY_THRESHOLD) expect(scores[spike].direction).toBe(1);
    expect(scores[1500].score).toBeGreaterThan(ANOMALY_THRESHOLD);
  });

  test('a known range (NAB look-ahead) scores from the first row; its end bins reach to infinity', () => {
    const scorer = new StreamScorer({ probationRows: 100, valueRange: { min: 28, max: 76 } });
    const scores = scoreAll(scorer, series(2));
    expect(scores.every((s) => Number.isFinite(s.score))).toBe(true);
    expect(scores.some((s) => s.lower === Number.NEGATIVE_INFINITY || s.upper === Number.POSITIVE_INFINITY)).toBe(true);
  });

  test('a restored scorer continues exactly where the saved one was, through a range growth', () => {
    const rows = series(6, [1200]);
    const running = new StreamScorer({ probationRows: 288, maxContexts: 1000 });
    scoreAll(running, rows.slice(0, 1000));
    const restored = StreamScorer.fromState(JSON.parse(JSON.stringify(running.toState())));
    expect(scoreAll(restored, rows.slice(1000))).toEqual(scoreAll(running, rows.slice(1000)));
  });

  test('a state that is not one is refused, naming what is wrong', () => {
    const state = JSON.parse(JSON.stringify(new StreamScorer({ probationRows: 10 }).toState()));
    expect(() => StreamScorer.fromState({ sklearn: 'pickle' })).toThrow(/not a stream scorer state/);
    expect(() => StreamScorer.fromState({ ...state, replay: [[1, 'x']] })).toThrow(/state\.replay\[0\]/);
    expect(() => StreamScorer.fromState({ ...state, range: { min: 0, max: 1 } })).toThrow(/a range goes with a detector/);
  });

  test('skips non-finite values, tolerates a time that steps back, and checks its options', () => {
    const scorer = new StreamScorer({ probationRows: 5, valueRange: { min: 0, max: 10 } });
    expect(scorer.next(100, Number.NaN).score).toBeNaN();
    expect(Number.isFinite(scorer.next(100, 3).score)).toBe(true);
    expect(Number.isFinite(scorer.next(50, 4).score)).toBe(true);
    expect(() => scorer.next(Number.NaN, 1)).toThrow(/timestamp must be a finite number/);
    expect(() => new StreamScorer({ probationRows: 2 })).toThrow(/probationRows must be an integer >= 5/);
    expect(() => new StreamScorer({ valueRange: { min: 2, max: 1 } })).toThrow(/valueRange/);
  });

  test('maps CAD scores to 0–100 with CAD\'s event level 0.75 at the threshold', () => {
    expect(toScore(0)).toBe(0);
    expect(toScore(0.75)).toBe(ANOMALY_THRESHOLD);
    expect(toScore(1)).toBe(100);
    expect(toScore(0.8)).toBeGreaterThan(ANOMALY_THRESHOLD);
  });
});
