/**
 * Produces the scored series NAB scoring needs, either by running a detector over the data files the way the
 * offline `odin-detect score` command does (one detector per file, fed row by row, so each row's score uses only
 * earlier rows), or by reading a detector's precomputed outputs in NAB's results layout.
 *
 * Like NAB's runner, the benchmark tells each detector the file's probationary period, and the detectors that
 * use a value range get the file's minimum and maximum in advance (the one look-ahead NAB allows); `odin-live`
 * is ODIN's default without that look-ahead, as it runs on live metrics.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CadOse } from '../../detectors/scoring/cad/cad-ose.js';
import { StreamScorer, type StreamScorerOptions } from '../../detectors/scoring/stream-scorer.js';
import { column, dataKeyOfResult, listCsvFiles, parseTable, windowsOf, type LabelWindows } from './corpus.js';
import { probationaryLength, type ScoredSeries } from './scorer.js';

/** The detectors the benchmark runs. */
export const DETECTORS = ['odin', 'odin-live', 'cad-ose'] as const;
export type DetectorName = (typeof DETECTORS)[number];

/** What NAB tells a detector about a file before it runs. */
export interface FileFacts {
  readonly probationRows: number;
  readonly min: number;
  readonly max: number;
}

export function fileFacts(values: readonly number[]): FileFacts {
  let [min, max] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  return { probationRows: probationaryLength(values.length), min, max };
}

/** ODIN's default detector's options for a file: NAB's probationary period and, unless live, its range. */
export function odinOptions(facts: FileFacts, live: boolean): StreamScorerOptions {
  return { probationRows: facts.probationRows, ...(live ? {} : { valueRange: { min: facts.min, max: facts.max } }) };
}

/** The scores of every row of one series, streaming. */
export function detectSeries(detector: DetectorName, timestamps: readonly number[], values: readonly number[]): number[] {
  const facts = fileFacts(values);
  if (detector === 'cad-ose') {
    // NAB's contextOSE: the reference's parameters, the rest period a fifth of the probationary period.
    const cad = new CadOse({ minValue: facts.min, maxValue: facts.max, restPeriod: facts.probationRows / 5 });
    return values.map((v) => cad.next(v));
  }
  const scorer = new StreamScorer(odinOptions(facts, detector === 'odin-live'));
  return timestamps.map((t, i) => scorer.next(t, values[i]).score);
}

/** Scores every data file under `dataDir` (`<category>/<file>.csv`, `timestamp,value`) with a detector. */
export function detectCorpus(dataDir: string, labels: LabelWindows, detector: DetectorName): ScoredSeries[] {
  return listCsvFiles(dataDir).map((key) => {
    const table = parseTable(readFileSync(join(dataDir, key), 'utf8'), key);
    const scores = detectSeries(detector, table.timestamps, column(table, 'value', key));
    return { name: key, timestamps: table.timestamps, scores, windows: windowsOf(labels, key) };
  });
}

/**
 * Reads a detector's outputs in NAB's results layout: `<category>/<detector>_<file>.csv` with `anomaly_score`.
 * Only files in a category folder are per-file results: NAB keeps its summaries (`<detector>_standard_scores.csv`
 * and the like) at the detector folder's root.
 */
export function readResults(resultsDir: string, labels: LabelWindows): ScoredSeries[] {
  return listCsvFiles(resultsDir).filter((resultKey) => resultKey.includes('/')).map((resultKey) => {
    const key = dataKeyOfResult(resultKey, labels);
    const table = parseTable(readFileSync(join(resultsDir, resultKey), 'utf8'), resultKey);
    return { name: key, timestamps: table.timestamps, scores: column(table, 'anomaly_score', resultKey), windows: windowsOf(labels, key) };
  });
}
