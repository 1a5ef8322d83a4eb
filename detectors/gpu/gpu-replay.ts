/**
 * The GPU detector replayed over recorded rows in data time, for the backtest: the same model (GpuMetricModel)
 * on the same schedule as GpuMode on the runtime. A training at the first row and every `trainIntervalSec`
 * after, on the rows of the trailing `trainWindowSec`; while the forest is missing (too little history), a retry
 * every `untrainedRetrySec`. Each row is scored by the model trained before it, then kept for later trainings.
 */
import type { BandedScore } from '../scoring/expected-band.js';
import { GpuMetricModel } from './gpu-metric-model.js';

export interface GpuReplayOptions {
  readonly anomalyShare: number;
  readonly trainIntervalSec: number;
  readonly trainWindowSec: number;
  /** Rows needed before the forest replaces the robust z-score (detector.json gpu.minTrainRows). */
  readonly minTrainRows: number;
  /** detector.json gpu.untrainedRetrySec. */
  readonly untrainedRetrySec: number;
}

export class GpuReplay {
  private readonly model = new GpuMetricModel();
  private readonly timestamps: number[] = [];
  private readonly rows: number[][] = [];
  private nextTrainingSec = -Infinity;
  private lastTrainingSec = -Infinity;

  constructor(private readonly options: GpuReplayOptions) {}

  /** Scores a row ([value, utilisation]) from the earlier rows only, then learns it; undefined before any training data. */
  next(timestampSec: number, row: readonly number[]): BandedScore | undefined {
    this.forgetBefore(timestampSec - this.options.trainWindowSec);
    const scheduled = timestampSec >= this.nextTrainingSec;
    const retry = !this.model.model && timestampSec - this.lastTrainingSec >= this.options.untrainedRetrySec;
    if (scheduled || retry) this.train(timestampSec, scheduled);
    const scored = this.model.scoreWithBand(timestampSec, row);
    this.timestamps.push(timestampSec);
    this.rows.push([...row]);
    return scored;
  }

  private train(nowSec: number, scheduled: boolean): void {
    this.lastTrainingSec = nowSec;
    // As the runtime's schedule: the next training one interval after this one started.
    if (scheduled) this.nextTrainingSec = nowSec + this.options.trainIntervalSec;
    if (this.rows.length === 0) return;
    this.model.train(this.timestamps, this.rows, nowSec, { anomalyShare: this.options.anomalyShare, minTrainRows: this.options.minTrainRows });
  }

  private forgetBefore(cutoffSec: number): void {
    let drop = 0;
    while (drop < this.timestamps.length && this.timestamps[drop] < cutoffSec) drop++;
    this.timestamps.splice(0, drop);
    this.rows.splice(0, drop);
  }
}
