/**
 * ODIN's default streaming detector: CAD OSE (cad/cad-ose.ts) over the value, with one more fact per row — how
 * the value compares with the same time a day earlier — and a value range that is learned when it is not known.
 * Each row is scored from earlier rows only, then learned. `odin-detect score`, the NAB benchmark and the
 * process mode's per-name scores use it.
 *
 * - Daily change: once a day of data is remembered (stream-day-ago.ts), each row also carries one of three
 *   facts: its bin is more than one bin below, within one bin of, or more than one bin above the bin of the value
 *   a day earlier. CAD then learns daily patterns as contexts, so a broken pattern (a quiet holiday, a flat day
 *   where the series cycles) forms contexts it has not seen. One bin is the detector's own resolution; a change
 *   of one bin is often just a value near a bin edge.
 * - Range: NAB gives every detector the file's minimum and maximum in advance (`valueRange`). Live metrics have
 *   none: the range is that of the first `probationRows` rows, and when a later value falls
 *   outside it, the range grows past that value by half the new span (so growth, and its cost, happen a
 *   logarithmic number of times however far values go). Growth re-cuts every bin, which changes what every
 *   learned fact means, so the memory is rebuilt: a fresh CAD replays the last `replayRows` rows with the new
 *   bins, which leaves it as if the new range had been known when they arrived, then scores the new value.
 * - Score: CAD's [0, 1] score on ODIN's 0–100 scale, with the threshold (90) at CAD's own event level 0.75 (the
 *   reference starts its rest period there): 90 × raw / 0.75 below it, 90 + 40 × (raw − 0.75) above. After a
 *   detection CAD reports 0 for the rest period (a fifth of `probationRows`): one event, one detection.
 * - Expected band: see `StreamScore`.
 * - While the range is learned (the probation rows of a live metric), CAD cannot score; once `EARLY_ROWS` rows are
 *   remembered, the robust z-score of the value against them stands in, with its median ± 3.5 sigma band, as every
 *   ODIN detector falls back to robust statistics while its model is missing. With a known range (NAB) CAD scores
 *   from the first row and the fallback never runs.
 */
import { ANOMALY_THRESHOLD, robustZToScore } from './calibrate.js';
import { robustNormalSet } from './expected-band.js';
import { robustBaseline, robustZ } from './robust-stats.js';
import { CadOse, CONTEXT_FACT_BASE, type CadOseState } from './cad/cad-ose.js';
import { finite, finiteOrNull, integer, list, record } from './state-checks.js';
import { DayAgo, type TimedValue } from './stream-day-ago.js';

/** One scored row. */
export interface StreamScore {
  /**
   * 0–100; above 90 is an anomaly. NaN for a non-finite value and, while the range is still being learned, until
   * `EARLY_ROWS` rows are remembered (then the robust fallback scores).
   */
  readonly score: number;
  /**
   * The value the detector expected: the middle of the value bin that would confirm the most of its current
   * predictions (contexts whose left half the previous rows matched); before it predicts anything, the previous
   * value's bin.
   */
  readonly expected: number;
  /**
   * The band of values around `expected` that cannot score above 90: the neighbouring bins that either complete
   * a context already stored (raw score ≤ 0.5) or confirm at least half of the predictions (raw ≤ 0.75). Exact in
   * that direction. Outside it a row forms a context never seen, the only way the score can cross 90; whether it
   * does depends on how many of the contexts it could add are new, which the band does not predict. Bins are an
   * eighth of the range wide, so the band is coarse. While CAD rests after a detection the score is 0 whatever
   * the value; the band still describes the detector. ±Infinity where a known range's end bins reach.
   */
  readonly lower: number;
  readonly upper: number;
  /** Where the value lies against the band: −1 below, 0 within, 1 above. */
  readonly direction: -1 | 0 | 1;
}

export interface StreamScorerOptions {
  /**
   * Rows learned before the first score (with a known range: rows whose detections rest, as in NAB); the rest
   * period after a detection is a fifth of it. @default 750 (NAB's probationary period of a long file)
   */
  readonly probationRows?: number;
  /** The range of the values when it is known in advance (NAB's look-ahead). @default - learned from the data */
  readonly valueRange?: { readonly min: number; readonly max: number };
  /**
   * Contexts CAD keeps per series; beyond it the least recently used are forgotten, which bounds memory, state size
   * and the time per row (all proportional to it). @default 5000
   */
  readonly maxContexts?: number;
  /** Rows replayed into a fresh memory when the learned range grows. @default 2016 (a week at 5-minute steps) */
  readonly replayRows?: number;
}

/** CAD's own event level: the reference starts a rest period at a raw score of 0.75. */
const CAD_EVENT_LEVEL = 0.75;
/** How far past a new extreme a learned range grows, as a share of the new span. */
const GROWTH_MARGIN = 0.5;
/** Bins of a value (CAD OSE's default): 8 bins. */
const VALUE_BITS = 3;
const STATE_VERSION = 1;
/**
 * Rows the robust fallback needs before it scores during probation: a median and MAD from fewer swing with every
 * row (30 at the process detector's minute cycles is half an hour).
 */
export const EARLY_ROWS = 30;

/** A remembered row for replay: its value and the value a day before it, if known. */
type ReplayRow = [value: number, dayAgo: number | null];

/** The JSON form of a `StreamScorer` (see `StreamScorer.fromState`). */
export interface StreamScorerState {
  readonly version: number;
  readonly options: Required<Omit<StreamScorerOptions, 'valueRange'>> & { readonly valueRange: { min: number; max: number } | null };
  readonly lastTimeSec: number | null;
  readonly lastBin: number | null;
  readonly range: { min: number; max: number } | null;
  readonly replay: ReplayRow[];
  readonly dayAgo: TimedValue[];
  readonly cad: CadOseState | null;
}

export class StreamScorer {
  private readonly options: StreamScorerState['options'];
  private readonly replay: ReplayRow[] = [];
  private dayAgo = new DayAgo();
  private cad: CadOse | undefined;
  private range: { min: number; max: number } | undefined;
  private lastTimeSec: number | undefined;
  private lastBin: number | undefined;

  constructor(options: StreamScorerOptions = {}) {
    this.options = {
      probationRows: options.probationRows ?? 750,
      maxContexts: options.maxContexts ?? 5000,
      replayRows: options.replayRows ?? 2016,
      valueRange: options.valueRange ? { min: options.valueRange.min, max: options.valueRange.max } : null,
    };
    const { probationRows, maxContexts, replayRows, valueRange } = this.options;
    if (!Number.isInteger(probationRows) || probationRows < 5) throw new Error(`probationRows must be an integer >= 5 (the rest period is a fifth of it), got ${probationRows}`);
    if (!Number.isInteger(maxContexts) || maxContexts < 100) throw new Error(`maxContexts must be an integer >= 100, got ${maxContexts}`);
    if (!Number.isInteger(replayRows) || replayRows < probationRows) throw new Error(`replayRows must be an integer >= probationRows (${probationRows}), got ${replayRows}`);
    if (valueRange && !(Number.isFinite(valueRange.min) && Number.isFinite(valueRange.max) && valueRange.min <= valueRange.max)) {
      throw new Error(`valueRange must have finite min <= max, got ${JSON.stringify(valueRange)}`);
    }
    if (valueRange) this.rebuild(valueRange);
  }

  /** Contexts CAD currently stores (0 before the range is known). */
  get contexts(): number {
    return this.cad?.contexts ?? 0;
  }

  /**
   * Scores a row from earlier rows only, then learns it. A time before the previous row's (a clock step back, a
   * NAB file's repeated hour) is taken as the previous row's time.
   */
  next(timeSec: number, value: number): StreamScore {
    if (!Number.isFinite(timeSec)) throw new Error(`timestamp must be a finite number, got ${timeSec}`);
    if (!Number.isFinite(value)) return unscored();
    const time = Math.max(timeSec, this.lastTimeSec ?? timeSec);
    this.lastTimeSec = time;
    const dayAgo = this.dayAgo.valueBefore(time) ?? null;
    this.dayAgo.add(time, value);
    if (!this.cad) {
      const early = this.earlyScore(value);
      this.remember([value, dayAgo]);
      this.endProbation();
      return early;
    }
    const result = this.score(value, dayAgo);
    this.remember([value, dayAgo]);
    return result;
  }

  toState(): StreamScorerState {
    return {
      version: STATE_VERSION,
      options: this.options,
      lastTimeSec: this.lastTimeSec ?? null,
      lastBin: this.lastBin ?? null,
      range: this.range ?? null,
      replay: this.replay.map(([v, d]) => [v, d]),
      dayAgo: this.dayAgo.toState(),
      cad: this.cad?.toState() ?? null,
    };
  }

  /** Restores `toState()`'s JSON; throws on anything else (a model store then reports it and starts fresh). */
  static fromState(raw: unknown): StreamScorer {
    const state = record(raw, 'state');
    if (state.version !== STATE_VERSION) throw new Error(`state: not a stream scorer state of version ${STATE_VERSION} (version ${JSON.stringify(state.version)})`);
    const o = record(state.options, 'state.options');
    const scorer = new StreamScorer({
      probationRows: integer(o.probationRows, 'state.options.probationRows'),
      maxContexts: integer(o.maxContexts, 'state.options.maxContexts'),
      replayRows: integer(o.replayRows, 'state.options.replayRows'),
      valueRange: o.valueRange === null ? undefined : range(o.valueRange, 'state.options.valueRange'),
    });
    scorer.range = state.range === null ? undefined : range(state.range, 'state.range');
    scorer.lastTimeSec = finiteOrNull(state.lastTimeSec, 'state.lastTimeSec') ?? undefined;
    scorer.lastBin = state.lastBin === null ? undefined : integer(state.lastBin, 'state.lastBin', 0);
    const replay = list(state.replay, 'state.replay').map((row, i): ReplayRow => {
      const [value, dayAgo] = list(row, `state.replay[${i}]`);
      return [finite(value, `state.replay[${i}]`), finiteOrNull(dayAgo, `state.replay[${i}]`)];
    });
    scorer.replay.push(...replay.slice(-scorer.options.replayRows));
    scorer.dayAgo = new DayAgo(list(state.dayAgo, 'state.dayAgo').map((row, i): TimedValue => {
      const [t, v] = list(row, `state.dayAgo[${i}]`);
      return [finite(t, `state.dayAgo[${i}]`), finite(v, `state.dayAgo[${i}]`)];
    }));
    scorer.cad = state.cad === null ? undefined : CadOse.fromState(state.cad);
    if ((scorer.cad === undefined) !== (scorer.range === undefined)) throw new Error('state: a range goes with a detector');
    return scorer;
  }

  private score(value: number, dayAgo: number | null): StreamScore {
    const range = this.range!;
    if (!this.options.valueRange && (value < range.min || value > range.max)) this.grow(value);
    const cad = this.cad!;
    const band = this.band(cad, value, dayAgo);
    const raw = cad.next(value, this.contextFacts(cad, value, dayAgo));
    this.lastBin = cad.bins.binOf(value);
    return { score: toScore(raw), ...band };
  }

  /** The robust fallback while the range is learned: the value's robust z against the rows remembered so far. */
  private earlyScore(value: number): StreamScore {
    if (this.replay.length < EARLY_ROWS) return unscored();
    const baseline = robustBaseline(this.replay.map(([v]) => v));
    const band = robustNormalSet(baseline).bandFor(value);
    if (band === undefined) return unscored();
    return { score: robustZToScore(robustZ(value, baseline)), ...band, direction: value < band.lower ? -1 : value > band.upper ? 1 : 0 };
  }

  /** Learned range: once the probation rows are remembered, their range is the first range, and CAD learns them. */
  private endProbation(): void {
    if (this.replay.length < this.options.probationRows) return;
    const values = this.replay.map(([v]) => v);
    this.rebuild({ min: Math.min(...values), max: Math.max(...values) });
    this.lastBin = this.cad!.bins.binOf(values[values.length - 1]);
  }

  /** Widens the learned range past `value` and rebuilds CAD's memory from the remembered rows. */
  private grow(value: number): void {
    const { min, max } = this.range!;
    const span = Math.max(max, value) - Math.min(min, value);
    this.rebuild(value > max ? { min, max: value + GROWTH_MARGIN * span } : { min: value - GROWTH_MARGIN * span, max });
  }

  /** A fresh CAD over `range` that has learned the remembered rows. */
  private rebuild(range: { min: number; max: number }): void {
    this.range = range;
    const cad = new CadOse({ minValue: range.min, maxValue: range.max, restPeriod: this.options.probationRows / 5, valueBits: VALUE_BITS, maxContexts: this.options.maxContexts });
    for (const [value, dayAgo] of this.replay) cad.next(value, this.contextFacts(cad, value, dayAgo));
    this.cad = cad;
  }

  private remember(row: ReplayRow): void {
    this.replay.push(row);
    if (this.replay.length > this.options.replayRows) this.replay.shift();
  }

  /** The daily-change fact: more than one bin below, within one bin of, or above the value a day earlier. */
  private contextFacts(cad: CadOse, value: number, dayAgo: number | null): number[] {
    return dayAgo === null ? [] : [dailyChangeFact(cad.bins.binOf(value) - cad.bins.binOf(dayAgo))];
  }

  /** The expected value and the band of values that cannot score above the threshold (see `StreamScore`). */
  private band(cad: CadOse, value: number, dayAgo: number | null): Omit<StreamScore, 'score'> {
    const bins = cad.bins;
    const dayAgoBin = dayAgo === null ? undefined : bins.binOf(dayAgo);
    const candidates = Array.from({ length: bins.count }, (_, bin) => ({ bin, contextFacts: dayAgoBin === undefined ? [] : [dailyChangeFact(bin - dayAgoBin)] }));
    const outlook = cad.outlook(candidates);
    const safe = outlook.map((o) => o.known || o.confirmed >= 0.5);
    let best = this.lastBin ?? bins.binOf(value);
    for (let bin = 0; bin < bins.count; bin++) if (outlook[bin].confirmed > outlook[best].confirmed) best = bin;
    let low = best;
    let high = best;
    while (low > 0 && safe[low - 1]) low--;
    while (high < bins.count - 1 && safe[high + 1]) high++;
    // A known range's end bins take every value beyond it; a learned range grows instead (a new context).
    const known = this.options.valueRange !== null;
    const lower = low === 0 && known ? Number.NEGATIVE_INFINITY : bins.lowerEdge(low);
    const upper = high === bins.count - 1 && known ? Number.POSITIVE_INFINITY : Math.min(bins.lowerEdge(high + 1), bins.max);
    const expected = Math.min(bins.lowerEdge(best) + bins.width / 2, bins.max);
    return { expected, lower, upper, direction: value < lower ? -1 : value > upper ? 1 : 0 };
  }
}

function range(value: unknown, where: string): { min: number; max: number } {
  const r = record(value, where);
  const [min, max] = [finite(r.min, `${where}.min`), finite(r.max, `${where}.max`)];
  if (min > max) throw new Error(`${where}: min ${min} > max ${max}`);
  return { min, max };
}

function dailyChangeFact(binChange: number): number {
  return CONTEXT_FACT_BASE + (binChange < -1 ? 0 : binChange > 1 ? 2 : 1);
}

/** CAD's [0, 1] on 0–100 with CAD's event level at the threshold. */
export function toScore(raw: number): number {
  if (raw <= CAD_EVENT_LEVEL) return (ANOMALY_THRESHOLD * raw) / CAD_EVENT_LEVEL;
  return ANOMALY_THRESHOLD + ((100 - ANOMALY_THRESHOLD) * (raw - CAD_EVENT_LEVEL)) / (1 - CAD_EVENT_LEVEL);
}

function unscored(): StreamScore {
  return { score: Number.NaN, expected: Number.NaN, lower: Number.NaN, upper: Number.NaN, direction: 0 };
}
