/**
 * The Numenta Anomaly Benchmark's scoring, implemented from its published description and following the
 * conventions of NAB's own sweeper (numenta/NAB, nab/sweeper.py): label windows, a probationary period,
 * sigmoid-weighted true and false positives, one threshold per detector and profile, and normalisation between
 * a detector that never fires (0) and one that fires at the start of every window (100).
 */

/** Weights of one NAB application profile (labels/profiles.json). */
export interface CostProfile {
  readonly name: string;
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** NAB's three application profiles. */
export const NAB_PROFILES: readonly CostProfile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
];

/** One data file with a detector's scores and its label windows, all times in unix seconds. */
export interface ScoredSeries {
  readonly name: string;
  readonly timestamps: readonly number[];
  readonly scores: readonly number[];
  /** Anomaly windows as [start, end] times, inclusive, in time order. */
  readonly windows: ReadonlyArray<readonly [number, number]>;
}

/** NAB's share of each file that is probationary (never scored). */
const PROBATION_SHARE = 0.15;
/** NAB caps the probationary period at 15% of 5000 rows. */
const PROBATION_CAP_ROWS = PROBATION_SHARE * 5000;

/**
 * NAB's scaled sigmoid: about +1 well before 0, −1 well after; exactly −1 more than three window lengths after
 * a window, where NAB stops discounting false positives.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** The sigmoid at a window's start, which NAB divides by so that the earliest detection earns the full TP weight. */
const MAX_TP = scaledSigmoid(-1);

/** Rows before this index are probationary: min(floor(15% of rows), 750). */
export function probationaryLength(rowCount: number): number {
  return Math.min(Math.floor(PROBATION_SHARE * rowCount), PROBATION_CAP_ROWS);
}

/** A scorable row: its score, its unweighted sigmoid value and the window (corpus-wide id) it lies in, if any. */
export interface SweepRow {
  readonly score: number;
  /** Sigmoid value before profile weights: in a window already divided by MAX_TP. */
  readonly unweighted: number;
  /** Corpus-wide window id, or undefined outside every window. */
  readonly windowId: string | undefined;
}

/** Row indices of a window: the first row at or after its start and the last row at or before its end. */
function windowRows(timestamps: readonly number[], [start, end]: readonly [number, number]): [number, number] {
  const first = timestamps.findIndex((t) => t >= start);
  let last = first;
  while (last + 1 < timestamps.length && timestamps[last + 1] <= end) last++;
  if (first < 0 || timestamps[first] > end) throw new Error(`window [${start}, ${end}] holds no row of the data`);
  return [first, last];
}

/** The window ids of a file: one per label window, unique across the corpus. */
function windowIds(series: ScoredSeries): string[] {
  return series.windows.map(([start]) => `${series.name}|${start}`);
}

/**
 * NAB's calcSweepScore: each row after the probationary period, with the sigmoid weight it would earn if it were a
 * detection. In a window the weight falls from 1 at the window's first row towards 0 at its last; outside,
 * a false positive right after a window costs less than one long after it, and one before any window costs fully.
 */
export function sweepRows(series: ScoredSeries): SweepRow[] {
  const { timestamps, scores } = series;
  if (scores.length !== timestamps.length) {
    throw new Error(`${series.name}: ${scores.length} scores for ${timestamps.length} rows`);
  }
  const ranges = series.windows.map((w) => windowRows(timestamps, w));
  const ids = windowIds(series);
  const probation = probationaryLength(timestamps.length);
  const rows: SweepRow[] = [];
  let next = 0; // the first window that does not end before row i
  for (let i = 0; i < timestamps.length; i++) {
    while (next < ranges.length && ranges[next][1] < i) next++;
    if (i < probation) continue;
    const inWindow = next < ranges.length && ranges[next][0] <= i;
    rows.push({
      // A row the detector could not score (NaN) is never a detection.
      score: Number.isNaN(scores[i]) ? Number.NEGATIVE_INFINITY : scores[i],
      unweighted: inWindow ? truePositiveWeight(ranges[next], i) : falsePositiveWeight(ranges[next - 1], i),
      windowId: inWindow ? ids[next] : undefined,
    });
  }
  return rows;
}

function truePositiveWeight([first, last]: [number, number], i: number): number {
  const width = last - first + 1;
  return scaledSigmoid(-(last - i + 1) / width) / MAX_TP;
}

function falsePositiveWeight(previous: [number, number] | undefined, i: number): number {
  if (previous === undefined) return -1;
  const [first, last] = previous;
  // NAB measures the distance in (width − 1) rows; a one-row window would divide by zero there.
  const span = Math.max(last - first, 1);
  return scaledSigmoid((i - last) / span);
}

/** The windows a file's score counts: those with at least one row after the probationary period. */
function scorableWindowIds(rows: readonly SweepRow[]): Set<string> {
  const ids = new Set<string>();
  for (const row of rows) if (row.windowId !== undefined) ids.add(row.windowId);
  return ids;
}

/** Counts and raw score of one file (or the corpus) at one threshold. */
export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/**
 * Raw NAB score of rows at a threshold: a row with score ≥ threshold is a detection. Each window counts its best
 * (earliest) detection as a TP, or costs the FN weight when it has none; every detection outside windows is an FP.
 */
export function scoreAtThreshold(rows: readonly SweepRow[], profile: CostProfile, threshold: number): ThresholdScore {
  const best = new Map<string, number>();
  for (const id of scorableWindowIds(rows)) best.set(id, -profile.fnWeight);
  const detected = new Set<string>();
  let fpScore = 0;
  let fp = 0;
  for (const row of rows) {
    if (row.score < threshold) continue;
    if (row.windowId === undefined) {
      fpScore += row.unweighted * profile.fpWeight;
      fp++;
    } else {
      detected.add(row.windowId);
      best.set(row.windowId, Math.max(best.get(row.windowId)!, row.unweighted * profile.tpWeight));
    }
  }
  let score = fpScore;
  for (const value of best.values()) score += value;
  return { threshold, score, tp: detected.size, fp, fn: best.size - detected.size };
}

/**
 * NAB's threshold sweep over the whole corpus: every distinct score is tried as the threshold, from the highest
 * down, and the one with the highest total wins (ties go to the higher threshold, as in NAB's optimizer).
 * Returns +Infinity (never fire) when no threshold beats staying silent.
 */
export function bestThreshold(rows: readonly SweepRow[], profile: CostProfile): number {
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  const best = new Map<string, number>();
  let total = 0;
  for (const id of scorableWindowIds(rows)) {
    best.set(id, -profile.fnWeight);
    total -= profile.fnWeight;
  }
  let bestTotal = total;
  let bestAt = Number.POSITIVE_INFINITY;
  for (let i = 0; i < sorted.length; i++) {
    const row = sorted[i];
    if (row.windowId === undefined) {
      total += row.unweighted * profile.fpWeight;
    } else {
      const previous = best.get(row.windowId)!;
      const candidate = Math.max(previous, row.unweighted * profile.tpWeight);
      best.set(row.windowId, candidate);
      total += candidate - previous;
    }
    const lastOfItsScore = i + 1 === sorted.length || sorted[i + 1].score !== row.score;
    if (lastOfItsScore && total > bestTotal) {
      bestTotal = total;
      bestAt = row.score;
    }
  }
  return bestAt;
}

/** A profile's result: the threshold it chose, the per-file scores and the normalised total. */
export interface ProfileResult {
  readonly profile: CostProfile;
  readonly threshold: number;
  readonly files: ReadonlyArray<{ readonly name: string } & ThresholdScore>;
  readonly raw: number;
  readonly nullScore: number;
  readonly perfectScore: number;
  /** 100 × (raw − null) / (perfect − null). */
  readonly normalized: number;
}

/**
 * Scores a detector on a corpus under one profile: NAB's optimised threshold (or a given one), per-file raw
 * scores, and the normalised total. Null is the never-firing detector (every scorable window missed); perfect
 * counts every label window at the full TP weight, as NAB's normalisation does.
 */
export function scoreCorpus(corpus: readonly ScoredSeries[], profile: CostProfile, fixedThreshold?: number): ProfileResult {
  const perFile = corpus.map((series) => ({ name: series.name, rows: sweepRows(series) }));
  const threshold = fixedThreshold ?? bestThreshold(perFile.flatMap((f) => f.rows), profile);
  const files = perFile.map((f) => ({ name: f.name, ...scoreAtThreshold(f.rows, profile, threshold) }));
  const raw = sum(files.map((f) => f.score));
  const nullScore = -profile.fnWeight * sum(perFile.map((f) => scorableWindowIds(f.rows).size));
  const perfectScore = profile.tpWeight * sum(corpus.map((s) => s.windows.length));
  if (perfectScore === nullScore) throw new Error('the corpus has no scorable label window: nothing to normalise against');
  const normalized = (100 * (raw - nullScore)) / (perfectScore - nullScore);
  return { profile, threshold, files, raw, nullScore, perfectScore, normalized };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
