/**
 * How surprising a new value of one series is, given only its earlier values: the larger robust z-score of two
 * kinds of change, each judged against its own recent distribution.
 * - step: the change from the previous value against the usual changes (a spike or a sudden jump);
 * - seasonal: the change from the value one day and one week earlier against the usual changes over a day and a
 *   week (a broken pattern, such as a flat day where the series normally cycles, or a holiday), each once the
 *   history spans two periods. The smaller of the two counts: a Monday unlike Sunday but like last Monday is normal.
 * The level itself is not judged: against a week of history it flags every slow drift and every return to a
 * level last seen long ago, while a real change of level shows as a step or a seasonal change when it happens.
 * The residuals of the history window are kept (see stream-window.ts), and distributions are re-estimated every
 * `refreshSec` of data time (more often while the history is short), so the cost per row stays small.
 */
import { robustBaseline, robustZ, type RobustBaseline } from './robust-stats.js';
import { forgetOutside, type HistoryWindow } from './stream-window.js';

const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;

/** Residual kinds, each with its own history and baseline. */
type Residual = 'step' | 'daily' | 'weekly';
const RESIDUALS: readonly Residual[] = ['step', 'daily', 'weekly'];
const SEASONS: ReadonlyArray<readonly [Residual, number]> = [
  ['daily', SECONDS_PER_DAY],
  ['weekly', SECONDS_PER_WEEK],
];

/** Options of `ValueSurprise`. */
export interface ValueSurpriseOptions {
  /** The rows the baselines are estimated from. */
  readonly history: HistoryWindow;
  /** Baselines are re-estimated after this much data time in seconds. */
  readonly refreshSec: number;
  /** Rows needed before any surprise is reported (0 before). */
  readonly minRows: number;
}

/** Largest |z| reported: beyond it a value is simply "impossible" under the baseline (e.g. a flat line moving). */
const MAX_Z = 1000;

export class ValueSurprise {
  /** Earlier values with their time. */
  private readonly rows: Array<{ t: number; v: number }> = [];
  /** Residuals with the time of their row, forgotten with it. */
  private readonly residuals: Record<Residual, Array<{ t: number; v: number }>> = { step: [], daily: [], weekly: [] };
  private baselines: Partial<Record<Residual, RobustBaseline>> = {};
  private lastRefreshSec = -Infinity;
  private rowsAtRefresh = 0;

  constructor(private readonly options: ValueSurpriseOptions) {}

  /** Surprise of `value` at `timeSec` (largest |robust z|, 0 while the history is short); then learns it. */
  next(timeSec: number, value: number): number {
    const current = this.residualsOf(timeSec, value);
    const surprise = this.rows.length >= this.options.minRows ? this.combine(current) : 0;
    this.learn(timeSec, value, current);
    return surprise;
  }

  /** max(step, min(daily, weekly)) of the residuals' |z| that have a baseline. */
  private combine(current: Partial<Record<Residual, number>>): number {
    const z = (kind: Residual): number | undefined => {
      const baseline = this.baselines[kind];
      const r = current[kind];
      return baseline === undefined || r === undefined ? undefined : Math.min(MAX_Z, Math.abs(robustZ(r, baseline)));
    };
    const seasonal = SEASONS.map(([kind]) => z(kind)).filter((x): x is number => x !== undefined);
    return Math.max(z('step') ?? 0, seasonal.length > 0 ? Math.min(...seasonal) : 0);
  }

  private residualsOf(timeSec: number, value: number): Partial<Record<Residual, number>> {
    const n = this.rows.length;
    if (n === 0) return {};
    const residuals: Partial<Record<Residual, number>> = { step: value - this.rows[n - 1].v };
    for (const [kind, period] of SEASONS) {
      const ago = this.indexAtOrBefore(timeSec - period);
      if (ago >= 0 && timeSec - this.rows[0].t >= 2 * period) residuals[kind] = value - this.rows[ago].v;
    }
    return residuals;
  }

  private learn(timeSec: number, value: number, current: Partial<Record<Residual, number>>): void {
    this.rows.push({ t: timeSec, v: value });
    for (const kind of RESIDUALS) {
      const r = current[kind];
      if (r !== undefined) this.residuals[kind].push({ t: timeSec, v: r });
      forgetOutside(this.residuals[kind], timeSec, this.options.history);
    }
    // The values are kept a week longer than the residuals: the weekly residual looks a week back.
    forgetOutside(this.rows, timeSec - SECONDS_PER_WEEK, this.options.history);
    if (this.refreshDue(timeSec)) this.refresh(timeSec);
  }

  /** On the data-time schedule, and also whenever the history has grown by a quarter (early rows change a lot). */
  private refreshDue(timeSec: number): boolean {
    return timeSec - this.lastRefreshSec >= this.options.refreshSec || this.rows.length >= 1.25 * this.rowsAtRefresh + 1;
  }

  private refresh(timeSec: number): void {
    this.lastRefreshSec = timeSec;
    this.rowsAtRefresh = this.rows.length;
    const spread = this.valueSpread();
    for (const kind of RESIDUALS) {
      const history = this.residuals[kind];
      if (history.length < this.options.minRows) continue;
      const baseline = robustBaseline(history.map((h) => h.v));
      // A residual that never varied (a flat line) still needs a scale; a tiny share of the value range keeps a
      // real change enormous while rounding noise stays small.
      this.baselines[kind] = { median: baseline.median, sigma: Math.max(baseline.sigma, 1e-3 * spread, 1e-9) };
    }
  }

  private valueSpread(): number {
    let lo = Infinity;
    let hi = -Infinity;
    for (const { v } of this.rows) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return Math.max(hi - lo, Math.abs(hi));
  }

  /** Index of the last row at or before `timeSec`, or −1. */
  private indexAtOrBefore(timeSec: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid].t <= timeSec) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
