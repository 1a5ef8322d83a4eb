/**
 * Runs ODIN's detector over NAB series the way the offline `odin-detect score` command does: one StreamScorer per
 * file, fed row by row, so each row's score uses only earlier rows.
 */
import { StreamScorer } from '../../detectors/scoring/stream-scorer.js';

/** The 0–100 score of every row of one series, streaming. */
export function streamScores(timestamps: readonly number[], values: readonly number[]): number[] {
  const scorer = new StreamScorer();
  return timestamps.map((t, i) => scorer.next(t, [values[i]]));
}
