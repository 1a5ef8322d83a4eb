/**
 * A model of Prometheus evaluating the PromQL the alert rules use, over synthetic series sampled on a fixed
 * grid. It plans the boundary cases (when does an alert's condition start to hold?); promtool, the real engine,
 * then judges them. It models both range-selector semantics the project meets: Prometheus 2.x (Debian's 2.42,
 * which the tests run) selects the samples of `x[5m]` at t in [t-5m, t], Prometheus 3.x (deployed) in (t-5m, t].
 * rate() and increase() follow Prometheus' extrapolatedRate (promql/functions.go), whose only difference between
 * the two is the order of its zero-point clamp and its extrapolation threshold.
 */
import type { Ast, Selector, VectorMatching } from './promql-ast.js';
import { selects } from './promql-ast.js';

/** The two range-selector semantics: closed on the left (2.x) or left-open (3.x). */
export type Engine = 'prometheus-2' | 'prometheus-3';
export const ENGINES: readonly Engine[] = ['prometheus-2', 'prometheus-3'];

type Labels = Readonly<Record<string, string>>;

/**
 * One input series: its labels (name under `__name__`), its first sample time, and at each grid time from then on
 * a sample, no sample (undefined: promtool's `_`) or a staleness marker (null: a recorded series that vanished).
 */
export interface SyntheticSeries {
  readonly labels: Labels;
  readonly startSec: number;
  valueAt(tSec: number): number | null | undefined;
}

/** Series sampled every `stepSec` seconds (integer times), from their start on. */
export interface World {
  readonly stepSec: number;
  readonly series: readonly SyntheticSeries[];
}

interface Element {
  readonly labels: Labels;
  readonly value: number;
}

export type Value = { readonly kind: 'scalar'; readonly value: number } | { readonly kind: 'vector'; readonly elements: readonly Element[] };

/** Called with both operands of every comparison evaluated, so a planner can refuse values on a knife edge. */
export type ComparisonObserver = (lhs: number, rhs: number) => void;

interface Context {
  readonly world: World;
  readonly engine: Engine;
  readonly tSec: number;
  readonly observe?: ComparisonObserver;
}

const LOOKBACK_SEC = 300;
const vector = (elements: readonly Element[]): Value => ({ kind: 'vector', elements });
const withoutName = ({ __name__: _, ...rest }: Labels): Labels => rest;

/** Evaluates `ast` at `tSec` over `world` as `engine` would. */
export function evaluate(ast: Ast, world: World, engine: Engine, tSec: number, observe?: ComparisonObserver): Value {
  return evalNode(ast, { world, engine, tSec, observe });
}

function evalNode(ast: Ast, ctx: Context): Value {
  switch (ast.kind) {
    case 'number': return { kind: 'scalar', value: ast.value };
    case 'selector':
      if (ast.rangeSec !== undefined) throw new Error('a range selector is only modelled as a function argument');
      return vector(instant(ast.selector, ctx));
    case 'unary': {
      const inner = evalNode(ast.expr, ctx);
      const sign = ast.op === '-' ? -1 : 1;
      return inner.kind === 'scalar' ? { kind: 'scalar', value: sign * inner.value }
        : vector(inner.elements.map((e) => ({ labels: withoutName(e.labels), value: sign * e.value })));
    }
    case 'call': return call(ast.fn, ast.args, ctx);
    case 'aggregate': return aggregate(ast.op, ast.grouping, asVector(evalNode(ast.args[ast.args.length - 1], ctx)));
    case 'binary': return binary(ast, evalNode(ast.lhs, ctx), evalNode(ast.rhs, ctx), ctx.observe);
  }
}

function asVector(value: Value): readonly Element[] {
  if (value.kind !== 'vector') throw new Error('expected an instant vector');
  return value.elements;
}

/** The sample times of a series at or before `tSec`, from `fromSec` on (inclusive or not). */
function sampleTimes(s: SyntheticSeries, step: number, fromSec: number, inclusive: boolean, tSec: number): number[] {
  const first = Math.max(s.startSec, inclusive ? Math.ceil(fromSec / step) * step : (Math.floor(fromSec / step) + 1) * step);
  const times: number[] = [];
  for (let t = first; t <= tSec; t += step) times.push(t);
  return times;
}

/** The latest sample at or before t within the lookback (5 minutes), unless a staleness marker came after it. */
function instant(sel: Selector, ctx: Context): Element[] {
  const step = ctx.world.stepSec;
  return ctx.world.series.filter((s) => selects(sel, s.labels)).flatMap((s) => {
    for (let t = Math.floor(ctx.tSec / step) * step; t >= s.startSec && ctx.tSec - t <= LOOKBACK_SEC; t -= step) {
      const value = s.valueAt(t);
      if (value === null) return [];
      if (value !== undefined) return [{ labels: s.labels, value }];
    }
    return [];
  });
}

type Sample = readonly [number, number];

/** The samples of each matching series in the range `rangeSec` ending at t, as `ctx.engine` selects them. */
function ranged(arg: Ast, ctx: Context): Array<{ labels: Labels; samples: Sample[]; rangeSec: number }> {
  if (arg.kind !== 'selector' || arg.rangeSec === undefined) throw new Error('expected a range selector such as x[5m]');
  const { rangeSec, selector } = arg;
  const inclusive = ctx.engine === 'prometheus-2';
  return ctx.world.series.filter((s) => selects(selector, s.labels)).map((s) => ({
    labels: s.labels,
    rangeSec,
    samples: sampleTimes(s, ctx.world.stepSec, ctx.tSec - rangeSec, inclusive, ctx.tSec)
      .flatMap((t): Sample[] => {
        const value = s.valueAt(t);
        return typeof value === 'number' ? [[t, value]] : [];
      }),
  }));
}

/** Prometheus' extrapolatedRate for floats: rate(), increase() and delta(). */
function extrapolatedRate(samples: Sample[], rangeStart: number, rangeEnd: number, rangeSec: number, isCounter: boolean, isRate: boolean, engine: Engine): number | undefined {
  if (samples.length < 2) return undefined;
  const [firstT, firstV] = samples[0];
  const [lastT, lastV] = samples[samples.length - 1];
  let result = lastV - firstV;
  if (isCounter) for (let i = 1; i < samples.length; i++) if (samples[i][1] < samples[i - 1][1]) result += samples[i - 1][1];
  let toStart = firstT - rangeStart;
  let toEnd = rangeEnd - lastT;
  const sampled = lastT - firstT;
  const average = sampled / (samples.length - 1);
  const threshold = average * 1.1;
  const zeroClamp = (): void => {
    if (isCounter && result > 0 && firstV >= 0) toStart = Math.min(toStart, sampled * (firstV / result));
  };
  if (engine === 'prometheus-2') {
    zeroClamp();
    if (toStart >= threshold) toStart = average / 2;
  } else {
    if (toStart >= threshold) toStart = average / 2;
    zeroClamp();
  }
  if (toEnd >= threshold) toEnd = average / 2;
  let factor = (sampled + toStart + toEnd) / sampled;
  if (isRate) factor /= rangeSec;
  return result * factor;
}

/** Least squares through the samples, predicted `aheadSec` after t (Prometheus' predict_linear). */
function predictLinear(samples: Sample[], tSec: number, aheadSec: number): number | undefined {
  if (samples.length < 2) return undefined;
  if (samples.every(([, v]) => v === samples[0][1])) return samples[0][1];
  const n = samples.length;
  let sumX = 0; let sumY = 0; let sumXY = 0; let sumX2 = 0;
  for (const [t, v] of samples) {
    const x = t - tSec;
    sumX += x; sumY += v; sumXY += x * v; sumX2 += x * x;
  }
  const slope = (sumXY - (sumX * sumY) / n) / (sumX2 - (sumX * sumX) / n);
  const intercept = sumY / n - (slope * sumX) / n;
  return intercept + slope * aheadSec;
}

const OVER_TIME: Record<string, (values: number[]) => number> = {
  max_over_time: (v) => Math.max(...v),
  min_over_time: (v) => Math.min(...v),
  avg_over_time: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  sum_over_time: (v) => v.reduce((a, b) => a + b, 0),
  count_over_time: (v) => v.length,
  last_over_time: (v) => v[v.length - 1],
};

/** Prometheus' bucketQuantile for classic histograms: `buckets` are [upper bound, cumulative count] pairs. */
function bucketQuantile(q: number, buckets: Array<readonly [number, number]>): number {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  if (sorted.length < 2 || sorted[sorted.length - 1][0] !== Infinity) return NaN;
  const observations = sorted[sorted.length - 1][1];
  if (observations === 0) return NaN;
  let rank = q * observations;
  const b = sorted.findIndex(([, count], i) => i === sorted.length - 1 || count >= rank);
  if (b === sorted.length - 1) return sorted[sorted.length - 2][0];
  if (b === 0 && sorted[0][0] <= 0) return sorted[0][0];
  let [start, count] = [0, sorted[b][1]];
  if (b > 0) {
    start = sorted[b - 1][0];
    count -= sorted[b - 1][1];
    rank -= sorted[b - 1][1];
  }
  return start + (sorted[b][0] - start) * (rank / count);
}

/** histogram_quantile(q, buckets): per series of buckets (all labels but `le`), the q-quantile. */
function histogramQuantile(q: number, elements: readonly Element[]): Value {
  const groups = new Map<string, { labels: Labels; buckets: Array<readonly [number, number]> }>();
  for (const { labels: { le, ...labels }, value } of elements) {
    if (le === undefined) continue;
    const rest = withoutName(labels);
    const key = JSON.stringify(Object.entries(rest).sort());
    if (!groups.has(key)) groups.set(key, { labels: rest, buckets: [] });
    groups.get(key)!.buckets.push([le === '+Inf' ? Infinity : Number(le), value]);
  }
  return vector([...groups.values()].map((g) => ({ labels: g.labels, value: bucketQuantile(q, g.buckets) })));
}

function call(fn: string, args: readonly Ast[], ctx: Context): Value {
  if (fn === 'time') return { kind: 'scalar', value: ctx.tSec };
  if (fn === 'histogram_quantile') {
    const q = evalNode(args[0], ctx);
    if (q.kind !== 'scalar') throw new Error('histogram_quantile needs a scalar quantile');
    return histogramQuantile(q.value, asVector(evalNode(args[1], ctx)));
  }
  const perSeries = (compute: (samples: Sample[], rangeSec: number) => number | undefined): Value => vector(ranged(args[0], ctx).flatMap(({ labels, samples, rangeSec }) => {
    const value = samples.length > 0 ? compute(samples, rangeSec) : undefined;
    return value === undefined ? [] : [{ labels: withoutName(labels), value }];
  }));
  const rateLike = (isCounter: boolean, isRate: boolean) => perSeries((samples, rangeSec) =>
    extrapolatedRate(samples, ctx.tSec - rangeSec, ctx.tSec, rangeSec, isCounter, isRate, ctx.engine));
  switch (fn) {
    case 'rate': return rateLike(true, true);
    case 'increase': return rateLike(true, false);
    case 'delta': return rateLike(false, false);
    case 'predict_linear': {
      const ahead = evalNode(args[1], ctx);
      if (ahead.kind !== 'scalar') throw new Error('predict_linear needs a scalar');
      return perSeries((samples) => predictLinear(samples, ctx.tSec, ahead.value));
    }
    default:
      if (OVER_TIME[fn]) return perSeries((samples) => OVER_TIME[fn](samples.map(([, v]) => v)));
      throw new Error(`function ${fn}() is not modelled`);
  }
}

const AGGREGATE: Record<string, (values: number[]) => number> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  count: (v) => v.length,
};

function groupLabels(labels: Labels, grouping: VectorMatching | undefined): Labels {
  if (!grouping) return {};
  const kept = Object.entries(withoutName(labels)).filter(([k]) => grouping.labels.includes(k) === grouping.on);
  return Object.fromEntries(kept);
}

function aggregate(op: string, grouping: VectorMatching | undefined, elements: readonly Element[]): Value {
  const reduce = AGGREGATE[op];
  if (!reduce) throw new Error(`aggregation ${op} is not modelled`);
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const e of elements) {
    const labels = groupLabels(e.labels, grouping);
    const key = JSON.stringify(Object.entries(labels).sort());
    if (!groups.has(key)) groups.set(key, { labels, values: [] });
    groups.get(key)!.values.push(e.value);
  }
  return vector([...groups.values()].map((g) => ({ labels: g.labels, value: reduce(g.values) })));
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b, '%': (a, b) => a % b, '^': (a, b) => a ** b,
};
const COMPARISON: Record<string, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b, '!=': (a, b) => a !== b, '>': (a, b) => a > b, '<': (a, b) => a < b, '>=': (a, b) => a >= b, '<=': (a, b) => a <= b,
};

/** The labels vector matching compares: all but the name, only `on (...)`, or all but `ignoring (...)`. */
function signature(labels: Labels, matching: VectorMatching | undefined): string {
  const entries = Object.entries(withoutName(labels))
    .filter(([k]) => (matching === undefined ? true : matching.on ? matching.labels.includes(k) : !matching.labels.includes(k)));
  return JSON.stringify(entries.sort());
}

function binary(ast: Extract<Ast, { kind: 'binary' }>, lhs: Value, rhs: Value, observe?: ComparisonObserver): Value {
  const { op, bool, matching } = ast;
  if (op === 'and' || op === 'or' || op === 'unless') {
    const [left, right] = [asVector(lhs), asVector(rhs)];
    const rightKeys = new Set(right.map((e) => signature(e.labels, matching)));
    const leftKeys = new Set(left.map((e) => signature(e.labels, matching)));
    if (op === 'and') return vector(left.filter((e) => rightKeys.has(signature(e.labels, matching))));
    if (op === 'unless') return vector(left.filter((e) => !rightKeys.has(signature(e.labels, matching))));
    return vector([...left, ...right.filter((e) => !leftKeys.has(signature(e.labels, matching)))]);
  }
  const isComparison = op in COMPARISON;
  const apply = (a: number, b: number): number | undefined => {
    if (!isComparison) return ARITHMETIC[op](a, b);
    observe?.(a, b);
    const holds = COMPARISON[op](a, b);
    return bool ? Number(holds) : holds ? a : undefined;
  };
  const dropsName = !isComparison || bool;
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    if (isComparison && !bool) throw new Error('a comparison between scalars needs bool');
    return { kind: 'scalar', value: apply(lhs.value, rhs.value)! };
  }
  if (lhs.kind === 'scalar' || rhs.kind === 'scalar') {
    const scalarOnLeft = lhs.kind === 'scalar';
    const scalar = (scalarOnLeft ? lhs : rhs) as { value: number };
    return vector(asVector(scalarOnLeft ? rhs : lhs).flatMap((e) => {
      const value = scalarOnLeft ? apply(scalar.value, e.value) : apply(e.value, scalar.value);
      // A filtering comparison keeps the vector's sample value, whichever side it is on.
      const kept = isComparison && !bool ? e.value : value;
      return value === undefined ? [] : [{ labels: dropsName ? withoutName(e.labels) : e.labels, value: kept! }];
    }));
  }
  const right = new Map<string, Element>();
  for (const e of asVector(rhs)) {
    const key = signature(e.labels, matching);
    if (right.has(key)) throw new Error('many-to-many matching is not modelled');
    right.set(key, e);
  }
  return vector(asVector(lhs).flatMap((e) => {
    const match = right.get(signature(e.labels, matching));
    const value = match === undefined ? undefined : apply(e.value, match.value);
    if (value === undefined) return [];
    const base = dropsName ? withoutName(e.labels) : e.labels;
    const labels = matching === undefined ? base
      : Object.fromEntries(Object.entries(base).filter(([k]) => k === '__name__' || matching.labels.includes(k) === matching.on));
    return [{ labels, value }];
  }));
}
