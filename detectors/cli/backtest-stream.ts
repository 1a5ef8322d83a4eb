/**
 * The streaming scorer (`odin-detect score`'s default) behind the backtest's detector interface. The score is the
 * StreamScorer's own. It does not say what it expected, so the band comes from a robust companion of its step
 * surprise: the previous value plus the median step, ± 3.5 robust sigma of the steps over the training window,
 * re-estimated every `trainIntervalSec` of data time (and while the history is young, whenever it has doubled) as
 * the scorer re-estimates its baselines. This band is an
 * approximation: the score also weighs day- and week-over changes, and ranks the averaged surprise.
 */
import { robustNormalSet, type BandedScore } from '../scoring/expected-band.js';
import { robustBaseline, type RobustBaseline } from '../scoring/robust-stats.js';
import { StreamScorer } from '../scoring/stream-scorer.js';
import type { BacktestDetector, BacktestSettings } from './backtest-detector.js';

export class StreamBacktest implements BacktestDetector {
  private readonly scorer: StreamScorer;
  private readonly steps: Array<{ t: number; step: number }> = [];
  private previous: number | undefined;
  private baseline: RobustBaseline | undefined;
  private refreshedAtSec = -Infinity;
  private stepsAtRefresh = 0;

  constructor(private readonly settings: BacktestSettings) {
    this.scorer = new StreamScorer({
      anomalyShare: settings.anomalyShare, retrainEverySec: settings.trainIntervalSec,
      trainWindowSec: settings.trainWindowSec, minTrainRows: settings.minTrainRows,
    });
  }

  next(timestampSec: number, row: readonly number[]): BandedScore | undefined {
    const [value] = row;
    const score = this.scorer.next(timestampSec, [value]);
    const band = this.previous === undefined || this.baseline === undefined ? undefined
      : robustNormalSet({ median: this.previous + this.baseline.median, sigma: this.baseline.sigma }).bandFor(value);
    this.learn(timestampSec, value);
    return Number.isNaN(score) ? undefined : { score, band };
  }

  private learn(timestampSec: number, value: number): void {
    if (this.previous !== undefined) this.steps.push({ t: timestampSec, step: value - this.previous });
    this.previous = value;
    while (this.steps.length > 0 && this.steps[0].t < timestampSec - this.settings.trainWindowSec) this.steps.shift();
    // Also whenever the history has doubled, so that a young series does not keep the baseline of its first rows.
    const due = timestampSec - this.refreshedAtSec >= this.settings.trainIntervalSec || this.steps.length >= 2 * this.stepsAtRefresh;
    if (due && this.steps.length >= 2) {
      this.baseline = robustBaseline(this.steps.map((s) => s.step));
      this.refreshedAtSec = timestampSec;
      this.stepsAtRefresh = this.steps.length;
    }
  }
}
