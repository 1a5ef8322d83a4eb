/**
 * The model every ODIN detector scores with: an Isolation Forest over the values plus calendar features,
 * calibrated to 0–100 on its own training scores. The live detectors and the offline CSV scorer share it, so
 * detection quality measured offline is the quality of the live service.
 */
import { ANOMALY_THRESHOLD, Calibration, ROBUST_Z_AT_THRESHOLD, robustZToScore, type CalibrationJson } from './calibrate.js';
import { NormalSet, type ExpectedBand } from './expected-band.js';
import { calendarFeatures, calendarFeaturesFor, type CalendarFeatureSet } from './features.js';
import { IsolationForest, type IsolationForestJson } from './isolation-forest.js';
import { robustBaseline } from './robust-stats.js';

const MODEL_VERSION = 1;
/** Calibration scores at most this many training rows (evenly spaced) to bound training time. */
const MAX_CALIBRATION_ROWS = 20_000;

/** Options of `AnomalyModel.fit`. */
export interface AnomalyModelOptions {
  /** @default 0.05 */
  readonly anomalyShare?: number;
  /** @default 42 */
  readonly seed?: number;
  /**
   * How many leading value columns get the range guard (see `RangeGuard`); the others are context.
   * @default 0
   */
  readonly rangeGuardedColumns?: number;
}

/**
 * An Isolation Forest cannot tell how far outside the training range a value lies: beyond the outermost split
 * every value takes the same path as the most extreme training point, so a power draw of 700 W after a week at
 * 100 W scores no higher than the highest 100 W reading. The guard adds that distance: the excess beyond the
 * training [min, max] in robust standard deviations, on the robust z scale (3.5 → 90). The final score is the
 * larger of the forest's and the guard's. The deviation has a floor of 1% of the median, about the resolution of
 * the sensors, so that a constant training series does not make every small change infinitely surprising.
 */
export interface RangeGuard {
  readonly min: number[];
  readonly max: number[];
  readonly sigma: number[];
}

/** The JSON form of an `AnomalyModel`, as stored under the models directory. */
export interface AnomalyModelJson {
  readonly kind: 'odin.anomaly-model';
  readonly version: number;
  /** Unix seconds of the training. */
  readonly trainedAtSec: number;
  readonly trainingRows: number;
  readonly calendar: CalendarFeatureSet;
  readonly forest: IsolationForestJson;
  readonly calibration: CalibrationJson;
  readonly rangeGuard: RangeGuard;
}

export class AnomalyModel {
  private constructor(
    public readonly trainedAtSec: number,
    public readonly trainingRows: number,
    private readonly calendar: CalendarFeatureSet,
    private readonly forest: IsolationForest,
    private readonly calibration: Calibration,
    private readonly rangeGuard: RangeGuard,
  ) {}

  /** Fits on rows of values observed at `timestampsSec` (at least two rows). */
  static fit(timestampsSec: ArrayLike<number>, rows: ReadonlyArray<ArrayLike<number>>, trainedAtSec: number, options: AnomalyModelOptions = {}): AnomalyModel {
    if (timestampsSec.length !== rows.length) throw new Error(`timestamps and rows differ in length: ${timestampsSec.length} vs ${rows.length}`);
    const calendar = calendarFeaturesFor(timestampsSec[timestampsSec.length - 1] - timestampsSec[0]);
    const features = rows.map((row, i) => withCalendar(row, timestampsSec[i], calendar));
    const forest = new IsolationForest({ seed: options.seed ?? 42 }).fit(features);
    const calibration = Calibration.fit(forest.scoreMany(evenlySpaced(features, MAX_CALIBRATION_ROWS)), { anomalyShare: options.anomalyShare, rawCeiling: 1 });
    return new AnomalyModel(trainedAtSec, rows.length, calendar, forest, calibration, fitRangeGuard(rows, options.rangeGuardedColumns ?? 0));
  }

  /** The calibrated 0–100 score of one row (above 90: anomalous). */
  score(timestampSec: number, values: ArrayLike<number>): number {
    const forestScore = this.calibration.score(this.forest.score(withCalendar(values, timestampSec, this.calendar)));
    return Math.max(forestScore, rangeGuardScore(this.rangeGuard, values));
  }

  /**
   * The values of column `column` that score at most 90 with the time and the other values as given (see
   * expected-band.ts), found exactly rather than searched for: the forest's score is a step function of one input
   * (IsolationForest.scoreProfile), a step scores at most 90 exactly when its raw score is at most the
   * calibration's raw threshold, and the range guard allows [min − 3.5 sigma, max + 3.5 sigma] of a guarded column.
   * `limits` narrows the set further (a caller's own rule, e.g. a robust z). A range's expected value is the middle
   * of its lowest-scoring step.
   */
  normalSet(timestampSec: number, values: ArrayLike<number>, column = 0, limits: readonly [number, number] = [-Infinity, Infinity]): NormalSet {
    if (!Number.isInteger(column) || column < 0 || column >= this.valueCount) throw new Error(`column must be an integer in [0, ${this.valueCount}), got ${column}`);
    let [lo, hi] = limits;
    const guard = this.rangeGuard;
    for (let j = 0; j < guard.min.length; j++) {
      const reach = ROBUST_Z_AT_THRESHOLD * guard.sigma[j];
      if (j === column) {
        lo = Math.max(lo, guard.min[j] - reach);
        hi = Math.min(hi, guard.max[j] + reach);
      } else if (columnGuardScore(guard, j, values[j]) > ANOMALY_THRESHOLD) {
        return NormalSet.EMPTY;
      }
    }
    if (!(lo <= hi)) return NormalSet.EMPTY;
    const { starts, scores } = this.forest.scoreProfile(withCalendar(values, timestampSec, this.calendar), column);
    const ranges: ExpectedBand[] = [];
    let open: { lower: number; upper: number; best: number; expected: number } | undefined;
    for (let i = 0; i < starts.length; i++) {
      const from = Math.max(starts[i], lo);
      const to = Math.min(i + 1 < starts.length ? starts[i + 1] : Infinity, hi);
      if (from > to) continue;
      if (scores[i] > this.calibration.rawThreshold) {
        if (open) ranges.push(open);
        open = undefined;
        continue;
      }
      const expected = middle(from, to, values[column]);
      if (open && open.upper === from) {
        open.upper = to;
        if (scores[i] < open.best) Object.assign(open, { best: scores[i], expected });
      } else {
        if (open) ranges.push(open);
        open = { lower: from, upper: to, best: scores[i], expected };
      }
    }
    if (open) ranges.push(open);
    return new NormalSet(ranges.map(({ lower, upper, expected }) => ({ lower, upper, expected })));
  }

  toJSON(): AnomalyModelJson {
    return {
      kind: 'odin.anomaly-model',
      version: MODEL_VERSION,
      trainedAtSec: this.trainedAtSec,
      trainingRows: this.trainingRows,
      calendar: this.calendar,
      forest: this.forest.toJSON(),
      calibration: this.calibration.toJSON(),
      rangeGuard: this.rangeGuard,
    };
  }

  /** Rebuilds a model from `toJSON` output; throws an error naming the problem for anything else. */
  static fromJSON(raw: unknown): AnomalyModel {
    if (typeof raw !== 'object' || raw === null) throw new Error(`anomaly model JSON must be an object, got ${typeof raw}`);
    const json = raw as Partial<Record<keyof AnomalyModelJson, unknown>>;
    if (json.kind !== 'odin.anomaly-model') throw new Error(`anomaly model JSON kind must be 'odin.anomaly-model', got ${JSON.stringify(json.kind)}`);
    if (json.version !== MODEL_VERSION) throw new Error(`anomaly model JSON version ${JSON.stringify(json.version)} is not supported (expected ${MODEL_VERSION})`);
    if (typeof json.trainedAtSec !== 'number' || typeof json.trainingRows !== 'number') throw new Error('anomaly model JSON needs numeric trainedAtSec and trainingRows');
    const calendar = json.calendar as Partial<CalendarFeatureSet> | undefined;
    if (typeof calendar?.timeOfDay !== 'boolean' || typeof calendar.dayOfWeek !== 'boolean') throw new Error('anomaly model JSON calendar must have boolean timeOfDay and dayOfWeek');
    const forest = IsolationForest.fromJSON(json.forest);
    const model = new AnomalyModel(json.trainedAtSec, json.trainingRows, { timeOfDay: calendar.timeOfDay, dayOfWeek: calendar.dayOfWeek }, forest, Calibration.fromJSON(json.calibration), parseRangeGuard(json.rangeGuard));
    const calendarCount = calendarFeatures(0, model.calendar).length;
    if (model.valueCount < 1) throw new Error(`anomaly model JSON forest has ${forest.numFeatures} features, its calendar implies more than ${calendarCount}`);
    if (model.rangeGuard.min.length > model.valueCount) throw new Error(`anomaly model JSON range guard covers ${model.rangeGuard.min.length} columns of ${model.valueCount}`);
    return model;
  }

  /** How many values (without calendar features) a row must have. */
  get valueCount(): number {
    return (this.forest.numFeatures ?? 0) - calendarFeatures(0, this.calendar).length;
  }
}

function withCalendar(values: ArrayLike<number>, timestampSec: number, calendar: CalendarFeatureSet): number[] {
  return [...Array.from(values), ...calendarFeatures(timestampSec, calendar)];
}

function evenlySpaced<T>(items: readonly T[], max: number): readonly T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]);
}

function fitRangeGuard(rows: ReadonlyArray<ArrayLike<number>>, columns: number): RangeGuard {
  const guard: RangeGuard = { min: [], max: [], sigma: [] };
  for (let j = 0; j < columns; j++) {
    const column = rows.map((row) => row[j]);
    const baseline = robustBaseline(column);
    // A loop, not Math.min(...column): a week of rows would overflow the argument limit.
    guard.min.push(column.reduce((a, b) => Math.min(a, b), Infinity));
    guard.max.push(column.reduce((a, b) => Math.max(a, b), -Infinity));
    guard.sigma.push(Math.max(baseline.sigma, 0.01 * Math.abs(baseline.median), Number.MIN_VALUE));
  }
  return guard;
}

function rangeGuardScore(guard: RangeGuard, values: ArrayLike<number>): number {
  let worst = 0;
  for (let j = 0; j < guard.min.length; j++) worst = Math.max(worst, columnGuardScore(guard, j, values[j]));
  return worst;
}

function columnGuardScore(guard: RangeGuard, column: number, value: number): number {
  const excess = Math.max(0, value - guard.max[column], guard.min[column] - value);
  return robustZToScore(excess / guard.sigma[column]);
}

/** The middle of [from, to]; its finite end when it is unbounded on one side, `fallback` when on both. */
function middle(from: number, to: number, fallback: number): number {
  if (Number.isFinite(from) && Number.isFinite(to)) return from + (to - from) / 2;
  if (Number.isFinite(from)) return from;
  if (Number.isFinite(to)) return to;
  return fallback;
}

function parseRangeGuard(raw: unknown): RangeGuard {
  const guard = raw as Partial<Record<keyof RangeGuard, unknown>> | undefined;
  const arrays = [guard?.min, guard?.max, guard?.sigma];
  const valid = arrays.every((a) => Array.isArray(a) && a.length === (guard?.min as unknown[]).length && a.every((x) => typeof x === 'number' && Number.isFinite(x)));
  if (!valid || !(guard!.sigma as number[]).every((x) => x > 0)) throw new Error('anomaly model JSON rangeGuard must hold equal-length arrays min, max and positive sigma');
  return guard as RangeGuard;
}
