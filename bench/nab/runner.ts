/**
 * Produces the scored series NAB scoring needs, either by running ODIN's detector over the data files the way
 * the offline `odin-detect score` command does (one StreamScorer per file, fed row by row, so each row's score
 * uses only earlier rows), or by reading a detector's precomputed outputs in NAB's results layout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamScorer } from '../../detectors/scoring/stream-scorer.js';
import { column, dataKeyOfResult, listCsvFiles, parseTable, windowsOf, type LabelWindows } from './corpus.js';
import type { ScoredSeries } from './scorer.js';

/** The 0–100 score of every row of one series, streaming. */
export function streamScores(timestamps: readonly number[], values: readonly number[]): number[] {
  const scorer = new StreamScorer();
  return timestamps.map((t, i) => scorer.next(t, [values[i]]));
}

/** Scores every data file under `dataDir` (`<category>/<file>.csv`, `timestamp,value`) with ODIN's detector. */
export function detectCorpus(dataDir: string, labels: LabelWindows): ScoredSeries[] {
  return listCsvFiles(dataDir).map((key) => {
    const table = parseTable(readFileSync(join(dataDir, key), 'utf8'), key);
    const scores = streamScores(table.timestamps, column(table, 'value', key));
    return { name: key, timestamps: table.timestamps, scores, windows: windowsOf(labels, key) };
  });
}

/** Reads a detector's outputs in NAB's results layout: `<category>/<detector>_<file>.csv` with `anomaly_score`. */
export function readResults(resultsDir: string, labels: LabelWindows): ScoredSeries[] {
  return listCsvFiles(resultsDir).map((resultKey) => {
    const key = dataKeyOfResult(resultKey, labels);
    const table = parseTable(readFileSync(join(resultsDir, resultKey), 'utf8'), resultKey);
    return { name: key, timestamps: table.timestamps, scores: column(table, 'anomaly_score', resultKey), windows: windowsOf(labels, key) };
  });
}
