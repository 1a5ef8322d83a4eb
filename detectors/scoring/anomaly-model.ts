/**
 * The model every ODIN detector scores with: an Isolation Forest over the values plus calendar features,
 * calibrated to 0–100 on its own training scores. The live detectors and the offline CSV scorer share it, so
 * detection quality measured offline is the quality of the live service.
 */
import { Calibration, type CalibrationJson } from './calibrate.js';
import { calendarFeatures, calendarFeaturesFor, type CalendarFeatureSet } from './features.js';
import { IsolationForest, type IsolationForestJson } from './isolation-forest.js';

const MODEL_VERSION = 1;
/** Calibration scores at most this many training rows (evenly spaced) to bound training time. */
const MAX_CALIBRATION_ROWS = 20_000;

/** Options of `AnomalyModel.fit`. */
export interface AnomalyModelOptions {
  /** @default 0.05 */
  readonly anomalyShare?: number;
  /** @default 42 */
  readonly seed?: number;
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
}

export class AnomalyModel {
  private constructor(
    public readonly trainedAtSec: number,
    public readonly trainingRows: number,
    private readonly calendar: CalendarFeatureSet,
    private readonly forest: IsolationForest,
    private readonly calibration: Calibration,
  ) {}

  /** Fits on rows of values observed at `timestampsSec` (at least two rows). */
  static fit(timestampsSec: ArrayLike<number>, rows: ReadonlyArray<ArrayLike<number>>, trainedAtSec: number, options: AnomalyModelOptions = {}): AnomalyModel {
    if (timestampsSec.length !== rows.length) throw new Error(`timestamps and rows differ in length: ${timestampsSec.length} vs ${rows.length}`);
    const calendar = calendarFeaturesFor(timestampsSec[timestampsSec.length - 1] - timestampsSec[0]);
    const features = rows.map((row, i) => withCalendar(row, timestampsSec[i], calendar));
    const forest = new IsolationForest({ seed: options.seed ?? 42 }).fit(features);
    const calibration = Calibration.fit(forest.scoreMany(evenlySpaced(features, MAX_CALIBRATION_ROWS)), { anomalyShare: options.anomalyShare, rawCeiling: 1 });
    return new AnomalyModel(trainedAtSec, rows.length, calendar, forest, calibration);
  }

  /** The calibrated 0–100 score of one row (above 90: anomalous). */
  score(timestampSec: number, values: ArrayLike<number>): number {
    return this.calibration.score(this.forest.score(withCalendar(values, timestampSec, this.calendar)));
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
    const model = new AnomalyModel(json.trainedAtSec, json.trainingRows, { timeOfDay: calendar.timeOfDay, dayOfWeek: calendar.dayOfWeek }, forest, Calibration.fromJSON(json.calibration));
    const expected = model.valueCount + calendarFeatures(0, model.calendar).length;
    if (forest.numFeatures !== expected) throw new Error(`anomaly model JSON forest has ${forest.numFeatures} features, its calendar implies ${expected}`);
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
