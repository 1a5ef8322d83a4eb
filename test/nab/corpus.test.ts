import { describe, expect, test } from 'vitest';
import { dataKeyOfResult, listCsvFiles, parseNabTime, parseTable, readLabelWindows } from '../../bench/nab/corpus.js';

const FIXTURES = 'test/fixtures/nab';

describe('NAB files', () => {
  test('timestamps are UTC, with or without microseconds', () => {
    expect(parseNabTime('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15) / 1000);
    expect(parseNabTime('2014-07-01 00:30:00')).toBe(Date.UTC(2014, 6, 1, 0, 30) / 1000);
    expect(() => parseNabTime('10/04/2014')).toThrow(/not a NAB timestamp/);
  });

  test('the fixture labels hold a window list for every fixture data file', () => {
    const labels = readLabelWindows(`${FIXTURES}/labels/combined_windows.json`);
    const files = listCsvFiles(`${FIXTURES}/data`);
    expect(files).toHaveLength(18);
    expect(files.every((f) => labels.has(f))).toBe(true);
    expect(labels.get('realKnownCause/nyc_taxi.csv')).toHaveLength(5);
  });

  test('a results file maps to its data file, the longest file name winning', () => {
    const labels = new Map([
      ['artificialNoAnomaly/art_noisy.csv', []],
      ['artificialNoAnomaly/noisy.csv', []],
    ]);
    expect(dataKeyOfResult('artificialNoAnomaly/numenta_art_noisy.csv', labels)).toBe('artificialNoAnomaly/art_noisy.csv');
    expect(() => dataKeyOfResult('realKnownCause/numenta_art_noisy.csv', labels)).toThrow(/matches no labelled data file/);
  });

  test('parses named numeric columns', () => {
    const table = parseTable('timestamp,value,anomaly_score\n2014-07-01 00:00:00,3,0.5\n2014-07-01 00:05:00,4,\n', 'x.csv');
    expect(table.timestamps).toEqual([1404172800, 1404173100]);
    expect(table.columns.get('anomaly_score')).toEqual([0.5, NaN]);
  });
});
