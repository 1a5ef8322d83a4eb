/**
 * The interface a backtest replays a detector through: it scores a series row by row in data time, only from the
 * rows before, and says what it expected (see backtest-run.ts for the detectors behind it).
 */
import type { BandedScore } from '../scoring/expected-band.js';

/** Scores one row (the value first, then any context), then learns it; undefined while it has nothing to score by. */
export interface BacktestDetector {
  next(timestampSec: number, row: readonly number[]): BandedScore | undefined;
}

/** How the replayed detector trains: detector.json's settings, or the backtest's flags. */
export interface BacktestSettings {
  readonly anomalyShare: number;
  readonly trainIntervalSec: number;
  readonly trainWindowSec: number;
  readonly minTrainRows: number;
  /** GPU only: retry period while a GPU has no forest. */
  readonly untrainedRetrySec: number;
}
