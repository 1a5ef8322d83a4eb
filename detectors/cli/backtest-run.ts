/**
 * The backtest itself: a query's history read from Prometheus in chunks the range API accepts, each series
 * replayed through a detector row by row (each row scored only from the rows before it, on the detector's
 * training schedule), and the episodes an alert on the score would have fired for.
 */
import { UTILIZATION } from '../gpu/gpu-features.js';
import { GpuReplay } from '../gpu/gpu-replay.js';
import { perGpu } from '../gpu/gpu-series.js';
import { rangeChunks } from '../runtime/prometheus-client.js';
import type { PrometheusClient, Series } from '../runtime/mode.js';
import { ANOMALY_THRESHOLD } from '../scoring/calibrate.js';
import { directionOf, type Direction, type ExpectedBand } from '../scoring/expected-band.js';
import type { BacktestDetector, BacktestSettings } from './backtest-detector.js';
import { StreamBacktest } from './backtest-stream.js';

export const BACKTEST_DETECTORS = ['gpu', 'stream'] as const;
export type BacktestDetectorName = (typeof BACKTEST_DETECTORS)[number];

/** What one backtest reads and how it replays it. */
export interface BacktestPlan {
  readonly query: string;
  readonly detector: BacktestDetectorName;
  readonly settings: BacktestSettings;
  /** The range reported on (unix seconds); rows from `warmupStartSec` on train the detector but are not reported. */
  readonly startSec: number;
  readonly endSec: number;
  readonly warmupStartSec: number;
  readonly stepSec: number;
  /** How long the score must stay above 90 before the alert fires (the alert rule's `for`). */
  readonly forSec: number;
}

/** One scored row. `band` is undefined when the detector had none (nothing learned yet, or no value normal). */
export interface BacktestRow {
  readonly timestampSec: number;
  readonly value: number;
  readonly score: number;
  readonly band: ExpectedBand | undefined;
}

/** A run of rows scored above 90: an alert fired for it when it lasted at least the rule's `for`. */
export interface Episode {
  readonly startSec: number;
  readonly endSec: number;
  readonly peakScore: number;
  /** Where the value was against its band at the peak (or, if inside, wherever most of the run was); undefined without a band. */
  readonly direction: Direction | undefined;
  readonly alerted: boolean;
}

export interface SeriesBacktest {
  readonly labels: Readonly<Record<string, string>>;
  readonly rows: readonly BacktestRow[];
  readonly episodes: readonly Episode[];
}

/** Where a long backtest tells the user how far it got (stderr in the command). */
export type Progress = (message: string) => void;

/** Series a query may return: each is replayed and drawn on its own. */
export const MAX_SERIES = 20;

export async function runBacktest(prometheus: PrometheusClient, plan: BacktestPlan, progress: Progress): Promise<SeriesBacktest[]> {
  const series = await readRange(prometheus, plan.query, plan, progress);
  if (series.length === 0) {
    throw new Error(`the query returned no series between the warm-up start and the end of the range; check the query and that Prometheus still holds that time (its retention): ${plan.query}`);
  }
  if (series.length > MAX_SERIES) {
    throw new Error(`the query returned ${series.length} series; a backtest replays at most ${MAX_SERIES}: narrow it with label matchers or aggregate it (e.g. sum by (...))`);
  }
  const inputs = plan.detector === 'gpu' ? await gpuInputs(prometheus, series, plan, progress) : series.map((s) => ({ labels: s.labels, rows: valueRows(s) }));
  return inputs.map(({ labels, rows }, i) => {
    progress(`replaying series ${i + 1} of ${inputs.length} (${rows.length} rows) with the ${plan.detector} detector`);
    const scored = replay(createDetector(plan), rows, plan.startSec, progress);
    return { labels, rows: scored, episodes: findEpisodes(scored, plan.stepSec, plan.forSec) };
  });
}

function createDetector(plan: BacktestPlan): BacktestDetector {
  return plan.detector === 'gpu' ? new GpuReplay(plan.settings) : new StreamBacktest();
}

type Rows = Array<readonly [number, number[]]>;

/** The range query in chunks under the 11,000-point limit, one request at a time, merged per series. */
async function readRange(prometheus: PrometheusClient, query: string, plan: BacktestPlan, progress: Progress): Promise<Series[]> {
  const chunks = rangeChunks(plan.warmupStartSec, plan.endSec, plan.stepSec);
  const merged = new Map<string, { labels: Record<string, string>; points: Array<readonly [number, number]> }>();
  for (const [i, [from, to]] of chunks.entries()) {
    if (chunks.length > 1) progress(`reading ${query}: chunk ${i + 1} of ${chunks.length}`);
    for (const s of await prometheus.queryRange(query, from, to, plan.stepSec)) {
      const key = JSON.stringify(Object.entries(s.labels).sort());
      const entry = merged.get(key) ?? { labels: { ...s.labels }, points: [] };
      entry.points.push(...s.points);
      merged.set(key, entry);
    }
  }
  return [...merged.values()];
}

function valueRows(series: Series): Rows {
  return series.points.filter(([, v]) => Number.isFinite(v)).map(([t, v]) => [t, [v]] as const);
}

/**
 * The GPU detector scores a value in the context of its GPU's utilisation, as GpuMode reads it: each series is
 * joined, by the GPU's uuid and the timestamp, with the utilisation.
 */
async function gpuInputs(prometheus: PrometheusClient, series: Series[], plan: BacktestPlan, progress: Progress): Promise<Array<{ labels: Readonly<Record<string, string>>; rows: Rows }>> {
  const missing = series.find((s) => s.labels.uuid === undefined);
  if (missing) {
    throw new Error(`--detector gpu scores a GPU's series in the context of its utilisation, found by the GPU's uuid label (as on nvidia_gpu_power_draw_watts); this series has none: ${JSON.stringify(missing.labels)}`);
  }
  const utilization = new Map((await readRange(prometheus, perGpu(UTILIZATION.series), plan, progress)).map((s) => [s.labels.uuid, new Map(s.points)]));
  return series.map((s) => {
    const context = utilization.get(s.labels.uuid);
    if (context === undefined) throw new Error(`no ${UTILIZATION.series} for the GPU with uuid ${s.labels.uuid} in the range: the GPU detector has no context to score it in`);
    const rows: Rows = [];
    for (const [t, v] of s.points) {
      const util = context.get(t);
      if (util !== undefined && Number.isFinite(v) && Number.isFinite(util)) rows.push([t, [v, util]]);
    }
    return { labels: s.labels, rows };
  });
}

/** Every row through the detector in time order; rows before `fromSec` only teach it. */
function replay(detector: BacktestDetector, rows: Rows, fromSec: number, progress: Progress): BacktestRow[] {
  const out: BacktestRow[] = [];
  let reported = Date.now();
  rows.forEach(([t, row], i) => {
    const scored = detector.next(t, row);
    if (t >= fromSec && scored !== undefined) out.push({ timestampSec: t, value: row[0], score: scored.score, band: scored.band });
    if (Date.now() - reported > 2000) {
      progress(`scored ${i + 1} of ${rows.length} rows`);
      reported = Date.now();
    }
  });
  return out;
}

/**
 * Runs of consecutive rows above 90, as an alert rule `score > 90 for: forSec` sees them: a missing row (a gap of
 * more than one and a half steps) ends a run as an absent series resolves an alert, and a run alerts when its last
 * row is at least `forSec` after its first.
 */
export function findEpisodes(rows: readonly BacktestRow[], stepSec: number, forSec: number): Episode[] {
  const episodes: Episode[] = [];
  let run: BacktestRow[] = [];
  const close = () => {
    if (run.length > 0) episodes.push(episodeOf(run, forSec));
    run = [];
  };
  for (const row of rows) {
    const continues = run.length > 0 && row.timestampSec - run[run.length - 1].timestampSec <= 1.5 * stepSec;
    if (!continues) close();
    if (row.score > ANOMALY_THRESHOLD) run.push(row);
    else close();
  }
  close();
  return episodes;
}

function episodeOf(run: readonly BacktestRow[], forSec: number): Episode {
  const peak = run.reduce((best, row) => (row.score > best.score ? row : best));
  const directions = run.flatMap((r) => (r.band ? [directionOf(r.value, r.band)] : []));
  let direction = peak.band ? directionOf(peak.value, peak.band) : undefined;
  if (direction === 0 || direction === undefined) {
    const above = directions.filter((d) => d === 1).length;
    const below = directions.filter((d) => d === -1).length;
    if (above + below > 0) direction = above >= below ? 1 : -1;
  }
  const startSec = run[0].timestampSec;
  const endSec = run[run.length - 1].timestampSec;
  return { startSec, endSec, peakScore: peak.score, direction, alerted: endSec - startSec >= forSec };
}
