/**
 * A value's robust baseline as a function of one context variable: what the value is, and how much it varies,
 * at each level of its context — a GPU's power draw at each utilisation (physically close to idle power plus a
 * slope times utilisation), its temperature likewise (it follows power, with a lag).
 *
 * Fitted in three robust steps. The rows are sorted by context and cut into bins at least `BIN_SHARE` of the
 * context's range wide holding at least `MIN_BIN_ROWS` rows (equal contexts never split). The median value of each
 * bin, at its median context, is made non-decreasing by weighted isotonic regression (pool adjacent violators):
 * more load never means less power or heat, and a bin that breaks the order is pooled with its neighbours rather
 * than trusted. Each bin's spread is the robust sigma of its rows' residuals from that curve, with a floor (see
 * `fit`), and its lowest and highest residual in sigmas are kept (`seenRange`). Between bin centres all are
 * interpolated linearly; beyond the outermost they stay flat, so a context never seen (a first full load after a
 * week idle) is judged by the nearest one seen.
 *
 * The residual in sigmas, z = (value − expected(context)) / sigma(context), is increasing in the value for any
 * context, so a range of z maps back to a range of values exactly (`valueAt`).
 */
import { median, robustSigma } from './robust-stats.js';

/** Fewest rows a bin's median and sigma are taken from. */
const MIN_BIN_ROWS = 20;
/** Narrowest bin, as a share of the training contexts' range (20 bins over 0–100% utilisation). */
const BIN_SHARE = 0.05;
/** A sigma below this share of the expected value means nothing (the sensors' resolution, as RangeGuard's floor). */
const RELATIVE_FLOOR = 0.01;
const JSON_KIND = 'odin.conditional-baseline';
const JSON_VERSION = 1;

/**
 * One bin: its median context, the (isotonic) expected value there, the residuals' sigma, the lowest and highest
 * residual its rows had (in sigmas) and how many rows it holds.
 */
export interface Knot {
  readonly context: number;
  readonly expected: number;
  readonly sigma: number;
  readonly low: number;
  readonly high: number;
  readonly rows: number;
}

export interface ConditionalBaselineJson {
  readonly kind: typeof JSON_KIND;
  readonly version: number;
  readonly knots: Knot[];
}

export class ConditionalBaseline {
  private constructor(public readonly knots: readonly Knot[]) {}

  /**
   * Fits on pairs (contexts[i], values[i]); pairs with a non-finite number are left out, at least one must remain.
   * Sigma's floor is the larger of 1% of the expected value and the readings' step (the smallest difference
   * between two distinct values seen: a temperature read in whole degrees varies by at least one).
   */
  static fit(contexts: ArrayLike<number>, values: ArrayLike<number>): ConditionalBaseline {
    if (contexts.length !== values.length) throw new Error(`contexts and values differ in length: ${contexts.length} vs ${values.length}`);
    const pairs = Array.from({ length: contexts.length }, (_, i) => [contexts[i], values[i]] as const)
      .filter(([c, v]) => Number.isFinite(c) && Number.isFinite(v))
      .sort((a, b) => a[0] - b[0]);
    if (pairs.length === 0) throw new Error('a conditional baseline needs at least one pair of finite context and value, got none');
    const bins = binBounds(pairs.map(([c]) => c));
    const centres = bins.map(([from, to]) => median(pairs.slice(from, to).map(([c]) => c)));
    const expected = isotonic(bins.map(([from, to]) => median(pairs.slice(from, to).map(([, v]) => v))), bins.map(([from, to]) => to - from));
    const curve = new ConditionalBaseline(centres.map((context, k) => ({ context, expected: expected[k], sigma: 1, low: 0, high: 0, rows: bins[k][1] - bins[k][0] })));
    const step = readingStep(pairs.map(([, v]) => v));
    return new ConditionalBaseline(curve.knots.map((knot, k) => {
      const residuals = pairs.slice(bins[k][0], bins[k][1]).map(([c, v]) => v - curve.expected(c));
      const sigma = Math.max(robustSigma(residuals, 0), RELATIVE_FLOOR * Math.abs(knot.expected), step, Number.MIN_VALUE);
      const low = residuals.reduce((a, b) => Math.min(a, b), Infinity) / sigma;
      const high = residuals.reduce((a, b) => Math.max(a, b), -Infinity) / sigma;
      return { ...knot, sigma, low, high };
    }));
  }

  /** The value expected at this context. */
  expected(context: number): number {
    return this.interpolate(context, (k) => k.expected);
  }

  /** The robust sigma of the value around `expected` at this context (always > 0). */
  sigma(context: number): number {
    return this.interpolate(context, (k) => k.sigma);
  }

  /** How many sigmas `value` lies above (or below, negative) what this context leads to expect. */
  z(value: number, context: number): number {
    return (value - this.expected(context)) / this.sigma(context);
  }

  /**
   * The residuals (in sigmas) the training saw at this context: [lowest, highest], interpolated between bins as
   * the rest. A value beyond them is beyond anything seen at this load, not merely beyond the whole range of idle
   * and load together.
   */
  seenRange(context: number): [number, number] {
    return [this.interpolate(context, (k) => k.low), this.interpolate(context, (k) => k.high)];
  }

  /** The value `z` sigmas from the expected one at this context: the inverse of `z`. */
  valueAt(z: number, context: number): number {
    return this.expected(context) + z * this.sigma(context);
  }

  toJSON(): ConditionalBaselineJson {
    return { kind: JSON_KIND, version: JSON_VERSION, knots: this.knots.map((k) => ({ ...k })) };
  }

  /** Rebuilds from `toJSON` output; throws an error naming the problem for anything else. */
  static fromJSON(raw: unknown): ConditionalBaseline {
    const json = raw as Partial<ConditionalBaselineJson> | null;
    if (json?.kind !== JSON_KIND || json.version !== JSON_VERSION) {
      throw new Error(`conditional baseline JSON must be ${JSON_KIND} version ${JSON_VERSION}, got ${JSON.stringify([json?.kind, json?.version])}`);
    }
    const knots = json.knots;
    const valid = Array.isArray(knots) && knots.length > 0 && knots.every((k, i) => typeof k === 'object' && k !== null
      && [k.context, k.expected, k.sigma, k.low, k.high, k.rows].every((x) => typeof x === 'number' && Number.isFinite(x))
      && k.sigma > 0 && k.low <= k.high && (i === 0 || (k.context > knots[i - 1].context && k.expected >= knots[i - 1].expected)));
    if (!valid) throw new Error('conditional baseline JSON knots must be finite, with ascending contexts, non-decreasing expected values, positive sigmas and low <= high');
    return new ConditionalBaseline(knots.map((k) => ({ context: k.context, expected: k.expected, sigma: k.sigma, low: k.low, high: k.high, rows: k.rows })));
  }

  private interpolate(context: number, read: (knot: Knot) => number): number {
    const knots = this.knots;
    if (!(context > knots[0].context)) return read(knots[0]);
    if (context >= knots[knots.length - 1].context) return read(knots[knots.length - 1]);
    let hi = 1;
    while (knots[hi].context < context) hi++;
    const lo = knots[hi - 1];
    const share = (context - lo.context) / (knots[hi].context - lo.context);
    return read(lo) + share * (read(knots[hi]) - read(lo));
  }
}

/**
 * [from, to) index ranges of the sorted contexts: each bin spans at least BIN_SHARE of the range and holds at
 * least MIN_BIN_ROWS rows, and rows of equal context stay together; a short last bin joins the one before.
 */
function binBounds(sorted: readonly number[]): Array<[number, number]> {
  const width = BIN_SHARE * (sorted[sorted.length - 1] - sorted[0]);
  const bins: Array<[number, number]> = [];
  let from = 0;
  while (from < sorted.length) {
    let to = from + 1;
    while (to < sorted.length && (sorted[to] === sorted[to - 1] || to - from < MIN_BIN_ROWS || sorted[to] - sorted[from] < width)) to++;
    bins.push([from, to]);
    from = to;
  }
  const last = bins[bins.length - 1];
  if (bins.length > 1 && last[1] - last[0] < MIN_BIN_ROWS) bins.splice(-2, 2, [bins[bins.length - 2][0], last[1]]);
  return bins;
}

/** Weighted isotonic (non-decreasing) regression by pool adjacent violators: the closest non-decreasing sequence. */
function isotonic(values: readonly number[], weights: readonly number[]): number[] {
  const blocks: Array<{ mean: number; weight: number; count: number }> = [];
  values.forEach((value, i) => {
    blocks.push({ mean: value, weight: weights[i], count: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].mean > blocks[blocks.length - 1].mean) {
      const b = blocks.pop()!;
      const a = blocks[blocks.length - 1];
      a.mean = (a.mean * a.weight + b.mean * b.weight) / (a.weight + b.weight);
      a.weight += b.weight;
      a.count += b.count;
    }
  });
  return blocks.flatMap((b) => Array<number>(b.count).fill(b.mean));
}

/** The smallest difference between two distinct values: the step the readings come in (0 when all are equal). */
function readingStep(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] > sorted[i - 1]) step = Math.min(step, sorted[i] - sorted[i - 1]);
  return Number.isFinite(step) ? step : 0;
}
