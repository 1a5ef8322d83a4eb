import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { column, parseTable, readLabelWindows, windowsOf } from '../../bench/nab/corpus.js';
import { detectSeries } from '../../bench/nab/runner.js';
import { probationaryLength } from '../../bench/nab/scorer.js';

describe('ODIN\'s default detector on a NAB series', () => {
  test.each(['odin', 'odin-live'] as const)('%s: its highest-scoring row after the probationary period lies in the labelled window of the jump', (detector) => {
    const key = 'artificialWithAnomaly/art_daily_jumpsup.csv';
    const table = parseTable(readFileSync(`test/fixtures/nab/data/${key}`, 'utf8'), key);
    const [[start, end]] = windowsOf(readLabelWindows('test/fixtures/nab/labels/combined_windows.json'), key);
    const scores = detectSeries(detector, table.timestamps, column(table, 'value', key));
    let best = probationaryLength(scores.length);
    for (let i = best; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
    expect(table.timestamps[best]).toBeGreaterThanOrEqual(start);
    expect(table.timestamps[best]).toBeLessThanOrEqual(end);
  });
});
