/**
 * The GPU detector's trained model of one metric of one GPU, scoring the metric in the context of utilisation.
 *
 * An Isolation Forest over [value, utilisation, time of day] cannot do that well: its splits are parallel to the
 * axes, so a point is isolated by a split on the value or on the utilisation, never by their relation, and with four
 * calendar features beside them the utilisation gets a sixth of the splits. 500 W at 1% utilisation at night sat
 * inside a band fitted to a week of daytime jobs. So the relation is modelled first, the forest scores what is left:
 * the metric's baseline at each utilisation (ConditionalBaseline: non-decreasing in utilisation, a robust sigma per
 * utilisation bin), and the forest (AnomalyModel) over the residual in those sigmas with the time of day, calibrated
 * to 0–100 on the training rows. The range guard (see RangeGuard in anomaly-model.ts: beyond the outermost split
 * the forest cannot tell how far out a value is) is conditional too: the excess beyond the residuals the training saw
 * at this utilisation (ConditionalBaseline.seenRange), in sigmas, on the robust z scale; the score is the larger of
 * the two. So the ceiling at full load is set by full-load rows, not by a sigma spanning idle and load, and the
 * rows of a duty-cycled job whose utilisation sample read 0% while it drew load power (the H100 trace has them)
 * widen the idle bins' range only.
 *
 * Rows are [value, utilisation percent] (gpu-features.ts). The band of the value at a utilisation is the forest's
 * normal set of the residual within the guard's limits, mapped back through the baseline (an increasing map):
 * exact as the forest's is.
 */
import { AnomalyModel } from '../scoring/anomaly-model.js';
import { ROBUST_Z_AT_THRESHOLD, robustZToScore } from '../scoring/calibrate.js';
import { ConditionalBaseline } from '../scoring/conditional-baseline.js';
import type { NormalSet } from '../scoring/expected-band.js';

const JSON_KIND = 'odin.gpu-utilization-model';
const JSON_VERSION = 1;

export interface UtilizationModelJson {
  readonly kind: typeof JSON_KIND;
  readonly version: number;
  readonly baseline: unknown;
  readonly forest: unknown;
}

export class UtilizationModel {
  private constructor(
    readonly baseline: ConditionalBaseline,
    private readonly forest: AnomalyModel,
  ) {}

  /** Fits on rows [value, utilisation] observed at `timestampsSec`, on `baseline` (fitted on the same rows). */
  static fit(timestampsSec: readonly number[], rows: readonly number[][], baseline: ConditionalBaseline, trainedAtSec: number, anomalyShare: number): UtilizationModel {
    const residuals = rows.map(([value, utilization]) => [baseline.z(value, utilization)]);
    const forest = AnomalyModel.fit(timestampsSec, residuals, trainedAtSec, { anomalyShare });
    return new UtilizationModel(baseline, forest);
  }

  get trainedAtSec(): number {
    return this.forest.trainedAtSec;
  }

  /** The calibrated 0–100 score of a row [value, utilisation] (above 90: anomalous). */
  score(timestampSec: number, row: readonly number[]): number {
    const [value, utilization] = row;
    const z = this.baseline.z(value, utilization);
    const [low, high] = this.baseline.seenRange(utilization);
    return Math.max(this.forest.score(timestampSec, [z]), robustZToScore(Math.max(0, z - high, low - z)));
  }

  /** The values that score at most 90 at this row's utilisation and time (see AnomalyModel.normalSet). */
  normalSet(timestampSec: number, row: readonly number[]): NormalSet {
    const [value, utilization] = row;
    const [low, high] = this.baseline.seenRange(utilization);
    const limits = [low - ROBUST_Z_AT_THRESHOLD, high + ROBUST_Z_AT_THRESHOLD] as const;
    return this.forest.normalSet(timestampSec, [this.baseline.z(value, utilization)], 0, limits).map((z) => this.baseline.valueAt(z, utilization));
  }

  toJSON(): UtilizationModelJson {
    return { kind: JSON_KIND, version: JSON_VERSION, baseline: this.baseline.toJSON(), forest: this.forest.toJSON() };
  }

  /**
   * Rebuilds from `toJSON` output; throws an error naming the problem for anything else, including the plain
   * forest over [value, utilisation] that ODIN stored before (the store reports it, and the mode retrains).
   */
  static fromJSON(raw: unknown): UtilizationModel {
    const json = raw as Partial<UtilizationModelJson> | null;
    if (json?.kind !== JSON_KIND || json.version !== JSON_VERSION) {
      throw new Error(`GPU model JSON must be ${JSON_KIND} version ${JSON_VERSION}, got ${JSON.stringify([json?.kind, (json as { version?: unknown } | null)?.version])}`);
    }
    const forest = AnomalyModel.fromJSON(json.forest);
    if (forest.valueCount !== 1) throw new Error(`GPU model JSON forest must score 1 value (the residual), it scores ${forest.valueCount}`);
    return new UtilizationModel(ConditionalBaseline.fromJSON(json.baseline), forest);
  }
}
