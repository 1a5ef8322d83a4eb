import { AnomalyModel } from '../scoring/anomaly-model.js';
import { ANOMALY_THRESHOLD, robustZToScore } from '../scoring/calibrate.js';
import { fromLog1p, NormalSet, robustNormalSet, type ScoredValue } from '../scoring/expected-band.js';
import { MIN_ROBUST_ROWS, robustBaseline, robustZ, type RobustBaseline } from '../scoring/robust-stats.js';
import { IO_METRICS, type DeviceIo, type DeviceIoRow } from './disk-queries.js';

const JSON_KIND = 'odin.disk-io-models';
/** 2: the forest's range guard on the three rates, and the training rows counted (models of version 1 are retrained). */
const JSON_VERSION = 2;

/** One disk's training: the forest over its three I/O rates (and the time of day), and each rate's robust baseline. */
interface DeviceModel {
  readonly baselines: readonly RobustBaseline[];
  /** Absent when training saw fewer than `minTrainRows` rows or nothing but idle (identical) rows. */
  readonly forest?: AnomalyModel;
  /** Rows the training saw: fewer than `minTrainRows` is a model still maturing (see `immature`). */
  readonly rows: number;
}

/** A disk's current I/O score, 0–100 (above 90: anomalous), and each rate with its band (the others held as they are). */
export interface DeviceIoScore {
  readonly key: string;
  readonly score: number;
  readonly rates: readonly ScoredValue[];
}

/** Throughput spans orders of magnitude (idle KB/s to GB/s bursts): the models look at log rates. */
function features(values: readonly number[]): number[] {
  return values.map((v) => Math.log1p(Math.max(0, v)));
}

/**
 * Per disk, an Isolation Forest over I/O time and read/write throughput together: a burst of writes at
 * 03:00 while reads are idle is stranger than the same burst during the day's builds. The range guard watches all
 * three rates (see RangeGuard in anomaly-model.ts): beyond the outermost split a burst takes the busiest training
 * row's path and scores no higher than that row (about 93 after three days of jittery rates, whether the burst is
 * twice or fifty times the usual); the guard adds how far beyond the training range it is. A forest needs
 * `minTrainRows` rows (one fitted on the two rows a first start may find scores every row alike); until then, and
 * for a disk that was only ever idle, the largest robust z of the three rates stands in.
 */
export class DeviceIoModels {
  private constructor(private readonly byDevice: ReadonlyMap<string, DeviceModel>) {}

  static empty(): DeviceIoModels {
    return new DeviceIoModels(new Map());
  }

  /** Disks with fewer than MIN_ROBUST_ROWS rows get no model: no score until a training has more of them. */
  static train(history: DeviceIo, trainedAtSec: number, options: DeviceIoTrainingOptions): DeviceIoModels {
    const models = new Map<string, DeviceModel>();
    for (const [key, rows] of history) {
      if (rows.length >= MIN_ROBUST_ROWS) models.set(key, trainDevice(rows, trainedAtSec, options));
    }
    return new DeviceIoModels(models);
  }

  get deviceCount(): number {
    return this.byDevice.size;
  }

  /** Whether a disk in `current` has no model yet or one trained on fewer than `minTrainRows` rows: train again soon. */
  immature(current: DeviceIo, minTrainRows: number): boolean {
    return [...current.keys()].some((key) => (this.byDevice.get(key)?.rows ?? 0) < minTrainRows);
  }

  /** Scores each disk's latest row; disks never seen in training get no score until the next training. */
  score(current: DeviceIo): DeviceIoScore[] {
    const scores: DeviceIoScore[] = [];
    for (const [key, rows] of current) {
      const model = this.byDevice.get(key);
      const latest = rows[rows.length - 1];
      if (model !== undefined && latest !== undefined) scores.push({ key, score: scoreRow(model, latest), rates: explainRow(model, latest) });
    }
    return scores;
  }

  toJSON(): unknown {
    const devices: Record<string, unknown> = {};
    for (const [key, m] of this.byDevice) devices[key] = { baselines: m.baselines, forest: m.forest?.toJSON(), rows: m.rows };
    return { kind: JSON_KIND, version: JSON_VERSION, devices };
  }

  /** Rebuilds from `toJSON` output; throws an error naming the problem for anything else. */
  static fromJSON(raw: unknown): DeviceIoModels {
    const json = raw as { kind?: unknown; version?: unknown; devices?: unknown } | null;
    if (json?.kind !== JSON_KIND || json.version !== JSON_VERSION) {
      throw new Error(`disk I/O models must be ${JSON_KIND} version ${JSON_VERSION}, got ${JSON.stringify([json?.kind, json?.version])}`);
    }
    if (typeof json.devices !== 'object' || json.devices === null) throw new Error('disk I/O models need a devices object');
    const models = new Map<string, DeviceModel>();
    for (const [key, entry] of Object.entries(json.devices)) models.set(key, deviceModelFromJSON(key, entry));
    return new DeviceIoModels(models);
  }
}

export interface DeviceIoTrainingOptions {
  readonly anomalyShare: number;
  /** Rows a disk needs before its forest replaces the robust z-score (detector.json disk.minTrainRows). */
  readonly minTrainRows: number;
}

function trainDevice(rows: readonly DeviceIoRow[], trainedAtSec: number, options: DeviceIoTrainingOptions): DeviceModel {
  const featureRows = rows.map((r) => features(r.values));
  const baselines = IO_METRICS.map((_, i) => robustBaseline(featureRows.map((f) => f[i])));
  const varies = baselines.some((b) => b.sigma > 0);
  const forest = featureRows.length >= Math.max(2, options.minTrainRows) && varies
    ? AnomalyModel.fit(rows.map((r) => r.timestampSec), featureRows, trainedAtSec, { anomalyShare: options.anomalyShare, rangeGuardedColumns: IO_METRICS.length })
    : undefined;
  return { baselines, forest, rows: rows.length };
}

function scoreRow(model: DeviceModel, row: DeviceIoRow): number {
  const x = features(row.values);
  if (model.forest !== undefined) return model.forest.score(row.timestampSec, x);
  return Math.max(...x.map((v, i) => robustZToScore(robustZ(v, model.baselines[i]))));
}

/** Each rate of the row, with the band in which it would keep the score at most 90 (see expected-band.ts). */
function explainRow(model: DeviceModel, row: DeviceIoRow): ScoredValue[] {
  const x = features(row.values);
  return IO_METRICS.map((metric, j) => ({ feature: metric.name, value: row.values[j], band: normalRates(model, row.timestampSec, x, j).bandFor(row.values[j]) }));
}

/** Rates of input `j` scoring at most 90, as `scoreRow` scores: by the forest, or by the largest robust z. */
function normalRates(model: DeviceModel, timestampSec: number, x: readonly number[], j: number): NormalSet {
  if (model.forest !== undefined) return fromLog1p(model.forest.normalSet(timestampSec, x, j));
  const othersNormal = x.every((v, i) => i === j || robustZToScore(robustZ(v, model.baselines[i])) <= ANOMALY_THRESHOLD);
  return othersNormal ? fromLog1p(robustNormalSet(model.baselines[j])) : NormalSet.EMPTY;
}

function deviceModelFromJSON(key: string, raw: unknown): DeviceModel {
  const entry = raw as { baselines?: unknown; forest?: unknown; rows?: unknown } | null;
  const baselines = entry?.baselines;
  const valid = Array.isArray(baselines) && baselines.length === IO_METRICS.length
    && baselines.every((b) => typeof b?.median === 'number' && typeof b?.sigma === 'number');
  if (!valid) throw new Error(`disk I/O model ${key} needs ${IO_METRICS.length} baselines with numeric median and sigma`);
  const forest = entry?.forest === undefined ? undefined : AnomalyModel.fromJSON(entry.forest);
  if (forest !== undefined && forest.valueCount !== IO_METRICS.length) throw new Error(`disk I/O model ${key} forest takes ${forest.valueCount} values, expected ${IO_METRICS.length}`);
  const rows = entry?.rows;
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0) throw new Error(`disk I/O model ${key} needs a whole number of training rows, got ${JSON.stringify(rows)}`);
  return { baselines: baselines.map((b: RobustBaseline) => ({ median: b.median, sigma: b.sigma })), forest, rows };
}
