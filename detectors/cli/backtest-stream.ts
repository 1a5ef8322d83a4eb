/**
 * ODIN's default streaming detector (`odin-detect score`, the process detector's per-name scores) behind the
 * backtest's detector interface. It learns online from every row, with no training schedule, and says itself what
 * it expected: the band is its own (see StreamScore), so the backtest shows what the live detector would.
 */
import type { BandedScore } from '../scoring/expected-band.js';
import { StreamScorer } from '../scoring/stream-scorer.js';
import type { BacktestDetector } from './backtest-detector.js';

export class StreamBacktest implements BacktestDetector {
  private readonly scorer = new StreamScorer();

  next(timestampSec: number, row: readonly number[]): BandedScore | undefined {
    const scored = this.scorer.next(timestampSec, row[0]);
    if (Number.isNaN(scored.score)) return undefined;
    return { score: scored.score, band: { lower: scored.lower, expected: scored.expected, upper: scored.upper } };
  }
}
