import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { column, parseTable, readLabelWindows, windowsOf } from '../../bench/nab/corpus.js';
import { streamScores } from '../../bench/nab/runner.js';
import { probationaryLength } from '../../bench/nab/scorer.js';
import { ANOMALY_THRESHOLD } from '../../detectors/scoring/calibrate.js';
import { mulberry32 } from '../../detectors/scoring/prng.js';
import { StreamScorer, rarityToScore } from '../../detectors/scoring/stream-scorer.js';

describe('rarityToScore', () => {
  test('maps the anomaly share to the threshold, and rarer rows ever closer to 100', () => {
    expect(rarityToScore(1, 0.05)).toBe(0);
    expect(rarityToScore(0.525, 0.05)).toBeCloseTo(45, 10);
    expect(rarityToScore(0.05, 0.05)).toBeCloseTo(ANOMALY_THRESHOLD, 10);
    expect(rarityToScore(1e-4, 0.05)).toBeGreaterThan(rarityToScore(1e-3, 0.05));
    expect(rarityToScore(1e-12, 0.05)).toBeLessThan(100);
  });
});

describe('StreamScorer detection behaviour', () => {
  /**
   * Noise at 5-minute steps with +40 spikes at the given rows. Late rows, as early on (short history) the noise
   * itself sets records now and then, and a record starts a refractory period too.
   */
  function scoresWithSpikes(spikes: number[]): number[] {
    const random = mulberry32(7);
    const scorer = new StreamScorer();
    return Array.from({ length: 2500 }, (_, i) => scorer.next(i * 300, [10 + random() + (spikes.includes(i) ? 40 : 0)]));
  }

  test('one event makes one detection: a second spike right after the first is held at the threshold', () => {
    const scores = scoresWithSpikes([2000, 2010]);
    expect(scores[2000]).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(scores[2010]).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
    // Without the first spike, the second one is a detection.
    expect(scoresWithSpikes([2010])[2010]).toBeGreaterThan(ANOMALY_THRESHOLD);
  });

  test('a spike long after the previous detection is detected again', () => {
    const scores = scoresWithSpikes([2000, 2400]);
    expect(scores[2000]).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(scores[2400]).toBeGreaterThan(ANOMALY_THRESHOLD);
  });
});

describe('on a NAB series', () => {
  test('its highest-scoring row after the probationary period lies in the labelled window of the jump', () => {
    const key = 'artificialWithAnomaly/art_daily_jumpsup.csv';
    const table = parseTable(readFileSync(`test/fixtures/nab/data/${key}`, 'utf8'), key);
    const [[start, end]] = windowsOf(readLabelWindows('test/fixtures/nab/labels/combined_windows.json'), key);
    const scores = streamScores(table.timestamps, column(table, 'value', key));
    let best = probationaryLength(scores.length);
    for (let i = best; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
    expect(table.timestamps[best]).toBeGreaterThanOrEqual(start);
    expect(table.timestamps[best]).toBeLessThanOrEqual(end);
  });
});
