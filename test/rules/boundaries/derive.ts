/**
 * Boundary cases derived from an alert rule's numbers: its `for` and the threshold of its condition, as the rule
 * has them or as its intent declares them (test/rules/alert-intent.ts; the cases then judge the rule against what
 * it is meant to do, so a number moved in the rule alone fails them). For each alert, a series just past the
 * threshold must be pending one evaluation before `for` has elapsed and firing one evaluation after, and a series
 * just inside it must stay quiet as long. The series are planned with the PromQL model (promql-model.ts) and judged
 * by promtool (see docs/DEVELOPING.md, "Alert rule tests").
 *
 * How a rule is read: the threshold comparison is the `x OP number` the condition ends with (looking through
 * `and`/`or` to their right side and through `unless` to its left). The first series it compares drives the
 * quantity; every other series of the expression is held present at 1, at 0 or absent, whichever keeps the
 * driver in control. Series take their labels from the rule's hand-written cases where one matches, are born
 * absent two evaluations in, and counters start at 0, as counters a rule reads with increase() must.
 */
import type { AlertRule } from '../../../lib/prometheus/rules/index.js';
import type { AlertCase } from '../cases/types.js';
import { type Ast, type Selector, callsFunction, constantValue, durationSeconds, parsePromql, selectorsOf, selects, seriesText } from './promql-ast.js';
import { ENGINES, type SyntheticSeries, type World, evaluate } from './promql-model.js';

/** Evaluation interval of the boundary cases and the step of their series. */
export const STEP_SEC = 15;
/** Series are absent until then, as the series of a new target or a new pod are. */
export const BORN_SEC = 2 * STEP_SEC;
/** How far past or inside the threshold the levels are: well within the ±10% a mutation moves it. */
const MARGINS = [0.01, 0.02, 0.03];
/** Closer to a threshold than this, the model and Prometheus could round differently. */
const KNIFE_EDGE = 1e-9;

type Labels = Readonly<Record<string, string>>;
type Binary = Extract<Ast, { kind: 'binary' }>;
export type AlertState = 'pending' | 'firing' | 'quiet';

/** One promtool test group: input series (selector → values) and the state of the alert at some times. */
export interface BoundaryCase {
  readonly alert: string;
  readonly severity: string;
  readonly name: string;
  readonly series: Readonly<Record<string, string>>;
  readonly checks: ReadonlyArray<{ readonly atSec: number; readonly state: AlertState }>;
}

/** The numbers an alert is meant to have: its `for` and its threshold comparison (`'> 85'`). */
export interface AlertIntent {
  readonly for: string;
  readonly threshold: string;
}

export interface Boundary {
  readonly alert: string;
  readonly severity: string;
  readonly forSec: number;
  readonly threshold: { readonly op: string; readonly value: number };
  /** The quantity the threshold compares, in the case that fires and in the one that stays quiet. */
  readonly past: number;
  readonly inside: number;
  /** The first evaluation at which the condition holds in the case that fires. */
  readonly onsetSec: number;
  readonly cases: readonly BoundaryCase[];
}

const COMPARISONS = ['==', '!=', '>', '<', '>=', '<='];
const COUNTER_FUNCTIONS = ['rate', 'increase', 'irate', 'resets'];

/** The comparison against a number that decides the alert (see the file comment). */
export function thresholdComparison(ast: Ast): Binary | undefined {
  if (ast.kind === 'aggregate') return thresholdComparison(ast.args[ast.args.length - 1]);
  if (ast.kind !== 'binary') return undefined;
  if (ast.op === 'unless') return thresholdComparison(ast.lhs);
  if (ast.op === 'and' || ast.op === 'or') return thresholdComparison(ast.rhs) ?? thresholdComparison(ast.lhs);
  const constant = constantValue(ast.rhs) !== undefined && constantValue(ast.lhs) === undefined;
  return COMPARISONS.includes(ast.op) && constant ? ast : undefined;
}

/** The quantity just past the threshold and just inside it, `share` of the threshold away (1 when it is 0). */
function levels(op: string, threshold: number, share: number): { past: number; inside: number } {
  const delta = threshold === 0 ? 1 : Math.abs(threshold) * share;
  switch (op) {
    case '>': return { past: threshold + delta, inside: threshold === 0 ? 0 : threshold - delta };
    case '>=': return { past: threshold + delta, inside: threshold - delta };
    case '<': return { past: threshold - delta, inside: threshold === 0 ? 0 : threshold + delta };
    case '<=': return { past: threshold - delta, inside: threshold + delta };
    case '==': return { past: threshold, inside: threshold === 0 ? 1 : 0 };
    default: return { past: threshold + delta, inside: threshold };
  }
}

const selectorKey = (sel: Selector): string => JSON.stringify(sel);

/** The label set of a hand-written case's series key, e.g. `up{job="x"}`. */
function exampleLabels(key: string): Labels {
  const ast = parsePromql(key);
  if (ast.kind !== 'selector') throw new Error(`not a series: ${key}`);
  return { __name__: ast.selector.name, ...Object.fromEntries(ast.selector.matchers.map((m) => [m.label, m.value])) };
}

/** Labels satisfying a selector built from its matchers alone: `=` values, and a literal alternative of `=~`. */
function labelsFromMatchers(sel: Selector): Labels {
  const labels: Record<string, string> = { __name__: sel.name };
  for (const m of sel.matchers) {
    if (m.op === '=') labels[m.label] = m.value;
    if (m.op === '=~') labels[m.label] = m.value.split('|').find((alt) => !/[.*+?()[\]{}^$\\]/.test(alt)) ?? '';
  }
  return labels;
}

const sameLabels = (a: Labels, b: Labels): boolean => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * Labels for each selector: a hand-written case's series that it selects (and no earlier selector took), else
 * the driver's labels under its own name (a recorded series keeps the labels of what it is computed from), else
 * built from its matchers.
 */
function chooseLabels(selectors: readonly Selector[], examples: readonly Labels[]): Labels[] {
  const chosen: Labels[] = [];
  for (const sel of selectors) {
    const { __name__: _, ...driverLabels } = chosen[0] ?? {};
    const candidates = [...examples, { ...driverLabels, __name__: sel.name }, labelsFromMatchers(sel)];
    const pick = candidates.find((labels) => selects(sel, labels) && !chosen.some((c) => sameLabels(c, labels)));
    if (!pick) throw new Error(`no labels satisfy ${selectorKey(sel)}: add a hand-written case with such a series`);
    chosen.push(pick);
  }
  return chosen;
}

/** Upper bounds of a histogram driver's buckets, in units of its threshold (+Inf besides). */
const BUCKET_BOUNDS = [0.25, 0.5, 0.75, 0.9, 0.95, 1, 1.05, 1.1, 1.25, 1.5, 2, 4];

/**
 * How one series is fed: a gauge's value (constant, or per sample time), a counter's slope from 0, absent, or, for
 * the `_bucket` series of a histogram_quantile, one observation a step spread evenly over [0, scale].
 */
type Feed =
  | { readonly kind: 'gauge'; readonly value: number | ((tSec: number) => number) }
  | { readonly kind: 'counter'; readonly perSec: number }
  | { readonly kind: 'histogram'; readonly scale: number; readonly unit: number }
  | { readonly kind: 'absent' };

function syntheticSeries(labels: Labels, feed: Feed): SyntheticSeries[] {
  if (feed.kind === 'absent') return [];
  if (feed.kind === 'histogram') {
    const { le: _, ...family } = labels;
    const bounds = [...BUCKET_BOUNDS.map((b) => b * feed.unit), Infinity];
    return bounds.flatMap((le) => syntheticSeries({ ...family, le: le === Infinity ? '+Inf' : String(le) },
      { kind: 'counter', perSec: Math.min(1, le / feed.scale) / STEP_SEC }));
  }
  const valueAt = feed.kind === 'counter' ? (t: number) => feed.perSec * (t - BORN_SEC)
    : typeof feed.value === 'number' ? (() => feed.value as number) : feed.value;
  return [{ labels, startSec: BORN_SEC, valueAt }];
}

/** promtool's values for a series from t=0 to `untilSec`: `_` before it is born, runs written as `vxN`. */
function promtoolValues(series: SyntheticSeries, untilSec: number): string {
  const tokens: string[] = [];
  for (let t = 0; t <= untilSec; t += STEP_SEC) {
    const value = t < series.startSec ? undefined : series.valueAt(t);
    tokens.push(typeof value === 'number' ? String(value) : '_');
  }
  const runs: string[] = [];
  for (let i = 0; i < tokens.length;) {
    let j = i;
    while (j + 1 < tokens.length && tokens[j + 1] === tokens[i]) j++;
    const length = j - i + 1;
    runs.push(tokens[i] === '_' || length < 3 ? Array(length).fill(tokens[i]).join(' ') : `${tokens[i]}x${length - 1}`);
    i = j + 1;
  }
  return runs.join(' ');
}

const close = (value: number | undefined, target: number): boolean =>
  value !== undefined && Math.abs(value - target) <= KNIFE_EDGE * Math.max(1, Math.abs(target));

/**
 * Finds m with quantity(m) = target, for a quantity monotonic in m: solved from two points when it is linear (the
 * usual case), else bisected once the target is bracketed between 0 and ±2^k (ratios).
 */
function solve(quantity: (m: number) => number | undefined, target: number, nonNegative: boolean): number | undefined {
  const [q0, q1] = [quantity(0), quantity(1)];
  if (q0 !== undefined && q1 !== undefined && q1 !== q0) {
    const m = (target - q0) / (q1 - q0);
    if ((!nonNegative || m >= 0) && close(quantity(m), target)) return m;
  }
  const side = (m: number): number | undefined => {
    const value = quantity(m);
    return value === undefined ? undefined : Math.sign(value - target);
  };
  for (const direction of nonNegative ? [1] : [1, -1]) {
    let [low, high] = [0, direction];
    const lowSide = side(low);
    if (lowSide === undefined) continue;
    let highSide = side(high);
    for (let k = 0; k < 64 && highSide === lowSide; k++) highSide = side((high *= 2));
    if (highSide === undefined || highSide === lowSide) continue;
    for (let i = 0; i < 200; i++) {
      const middle = (low + high) / 2;
      const value = quantity(middle);
      if (value === undefined) break;
      if (close(value, target)) return middle;
      if (Math.sign(value - target) === lowSide) low = middle;
      else high = middle;
    }
  }
  return undefined;
}

interface Plan {
  readonly selectors: readonly Selector[];
  readonly labels: readonly Labels[];
  readonly counters: ReadonlySet<string>;
}

/** The value of the threshold's left side at t with the driver fed `driver`, if it is exactly one number. */
function quantityAt(ast: Binary, plan: Plan, held: readonly Feed[], driver: Feed, tSec: number): number | undefined {
  const world = worldOf(plan, driver, held);
  const value = evaluate(ast.lhs, world, 'prometheus-2', tSec);
  if (value.kind === 'scalar') return value.value;
  return value.elements.length === 1 ? value.elements[0].value : undefined;
}

function worldOf(plan: Plan, driver: Feed, held: readonly Feed[]): World {
  return { stepSec: STEP_SEC, series: plan.selectors.flatMap((_, i) => syntheticSeries(plan.labels[i], i === 0 ? driver : held[i - 1])) };
}

/**
 * The driver's feed that holds the quantity at `level`: a histogram's scale, a counter's slope, a gauge's value (per
 * time when the expression reads time()).
 */
function driverFeed(expr: Ast, threshold: Binary, plan: Plan, held: readonly Feed[], level: number): Feed | undefined {
  const isCounter = plan.counters.has(selectorKey(plan.selectors[0]));
  const maxRange = Math.max(0, ...selectorsOf(expr).map((s) => s.rangeSec ?? 0));
  const steady = BORN_SEC + maxRange + 2 * STEP_SEC;
  if (plan.selectors[0].name.endsWith('_bucket') && callsFunction(expr, 'histogram_quantile')) {
    const unit = Math.abs(constantValue(threshold.rhs)!) || 1;
    const histogram = (scale: number): Feed => ({ kind: 'histogram', scale, unit });
    const scale = solve((m) => quantityAt(threshold, plan, held, histogram(m), steady), level, true);
    return scale === undefined ? undefined : histogram(scale);
  }
  const at = (tSec: number) => (m: number) => quantityAt(threshold, plan, held, isCounter ? { kind: 'counter', perSec: m } : { kind: 'gauge', value: m }, tSec);
  if (isCounter) {
    const perSec = solve(at(steady), level, true);
    return perSec === undefined ? undefined : { kind: 'counter', perSec };
  }
  if (!callsFunction(expr, 'time')) {
    const value = solve(at(steady), level, false);
    return value === undefined ? undefined : { kind: 'gauge', value };
  }
  if (maxRange > 0) return undefined;
  const solved = new Map<number, number>();
  return {
    kind: 'gauge',
    value: (tSec: number) => {
      if (!solved.has(tSec)) solved.set(tSec, solve(at(tSec), level, false) ?? NaN);
      return solved.get(tSec)!;
    },
  };
}

/**
 * Whether the alert's condition holds at t, the same in both engines and with no comparison on a knife edge;
 * a string says why the plan cannot be used.
 */
function holds(expr: Ast, world: World, tSec: number): boolean | string {
  const verdicts = ENGINES.map((engine) => {
    let knifeEdge = false;
    const value = evaluate(expr, world, engine, tSec, (lhs, rhs) => {
      const exact = lhs === rhs && Number.isInteger(lhs);
      if (!exact && Math.abs(lhs - rhs) <= KNIFE_EDGE * Math.max(1, Math.abs(rhs))) knifeEdge = true;
    });
    if (knifeEdge) return `at ${tSec}s a comparison is within ${KNIFE_EDGE} of its threshold`;
    const count = value.kind === 'vector' ? value.elements.length : 1;
    return count > 1 ? `${count} alert instances at ${tSec}s` : count === 1;
  });
  const problem = verdicts.find((v) => typeof v === 'string');
  if (problem !== undefined) return problem;
  return verdicts[0] === verdicts[1] ? verdicts[0] : `Prometheus 2 and 3 disagree at ${tSec}s (one-sample range edge)`;
}

interface Timeline {
  readonly onsetSec: number;
  readonly pastWorld: World;
  readonly insideWorld: World;
}

/** The onset of the condition in the past world, checked to hold through the last check, and quiet inside. */
function timeline(expr: Ast, forSec: number, pastWorld: World, insideWorld: World): Timeline | string {
  const maxRange = Math.max(0, ...selectorsOf(expr).map((s) => s.rangeSec ?? 0));
  let onsetSec: number | undefined;
  for (let t = BORN_SEC; t <= BORN_SEC + maxRange + 4 * STEP_SEC && onsetSec === undefined; t += STEP_SEC) {
    const verdict = holds(expr, pastWorld, t);
    if (typeof verdict === 'string') return verdict;
    if (verdict) onsetSec = t;
  }
  if (onsetSec === undefined) return 'the condition never holds just past the threshold';
  const lastSec = onsetSec + forSec + STEP_SEC;
  for (let t = onsetSec; t <= lastSec; t += STEP_SEC) {
    const verdict = holds(expr, pastWorld, t);
    if (verdict !== true) return typeof verdict === 'string' ? verdict : `the condition stops holding at ${t}s`;
  }
  for (let t = BORN_SEC; t <= lastSec; t += STEP_SEC) {
    const verdict = holds(expr, insideWorld, t);
    if (verdict !== false) return typeof verdict === 'string' ? verdict : `the condition holds just inside the threshold at ${t}s`;
  }
  return { onsetSec, pastWorld, insideWorld };
}

/** Every way to feed the held series: present at 1 (a counter: +1 a step), at 0, or absent. */
function heldChoices(plan: Plan): Feed[][] {
  const options = plan.selectors.slice(1).map((sel): Feed[] => (plan.counters.has(selectorKey(sel))
    ? [{ kind: 'counter', perSec: 1 / STEP_SEC }, { kind: 'counter', perSec: 0 }, { kind: 'absent' }]
    : [{ kind: 'gauge', value: 1 }, { kind: 'gauge', value: 0 }, { kind: 'absent' }]));
  return options.reduce<Feed[][]>((combos, feeds) => combos.flatMap((c) => feeds.map((f) => [...c, f])), [[]]);
}

function counterSelectors(ast: Ast): Set<string> {
  const found = new Set<string>();
  const walk = (node: Ast): void => {
    if (node.kind === 'call' && COUNTER_FUNCTIONS.includes(node.fn)) selectorsOf(node).forEach((s) => found.add(selectorKey(s.selector)));
    if (node.kind === 'call' || node.kind === 'aggregate') node.args.forEach(walk);
    if (node.kind === 'binary') [node.lhs, node.rhs].forEach(walk);
    if (node.kind === 'unary') walk(node.expr);
  };
  walk(ast);
  return found;
}

/** The selectors of `expr`, the driver (first of the threshold's left side) first, each once. */
function orderedSelectors(expr: Ast, threshold: Binary): Selector[] {
  const [driver] = selectorsOf(threshold.lhs).map((s) => s.selector);
  if (!driver) throw new Error('the threshold compares no series');
  const rest = selectorsOf(expr).map((s) => s.selector).filter((s) => selectorKey(s) !== selectorKey(driver));
  return [driver, ...new Map(rest.map((s) => [selectorKey(s), s])).values()];
}

function formatSec(sec: number): string {
  return sec % 60 === 0 ? `${sec / 60}m` : `${sec}s`;
}

function casesOf(rule: AlertRule, boundary: Omit<Boundary, 'cases'>, found: Timeline): BoundaryCase[] {
  const { alert, labels: { severity } } = rule;
  const { onsetSec, forSec, threshold, past, inside } = boundary;
  const lastSec = onsetSec + forSec + STEP_SEC;
  const series = (world: World) => Object.fromEntries(world.series.map((s) => [seriesText(s.labels), promtoolValues(s, lastSec)]));
  const condition = `${threshold.op} ${threshold.value}`;
  const pending = forSec > STEP_SEC ? [{ atSec: onsetSec + forSec - STEP_SEC, state: 'pending' as const }] : [];
  const before = onsetSec > BORN_SEC ? [{ atSec: onsetSec - STEP_SEC, state: 'quiet' as const }] : [];
  return [
    { alert, severity, series: series(found.pastWorld),
      name: `${past} (${condition}) holds from ${formatSec(onsetSec)}: pending ${STEP_SEC}s before for: ${formatSec(forSec)}, firing ${STEP_SEC}s after`,
      checks: [...before, ...pending, { atSec: lastSec, state: 'firing' }] },
    { alert, severity, series: series(found.insideWorld),
      name: `${inside} (not ${condition}) stays quiet for ${formatSec(lastSec)}`,
      checks: [{ atSec: lastSec, state: 'quiet' }] },
  ];
}

/**
 * The boundary cases of one alert rule, labelled from `examples` (the rule's hand-written cases). Throws, saying
 * why, when the rule's form is beyond the model.
 */
export function deriveBoundary(rule: AlertRule, examples: readonly AlertCase[], intent?: AlertIntent): Boundary {
  const name = `${rule.alert}/${rule.labels.severity}`;
  try {
    return boundaryOf(rule, examples, intent);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(message.startsWith(name) ? message : `${name}: ${message}`);
  }
}

function boundaryOf(rule: AlertRule, examples: readonly AlertCase[], intent?: AlertIntent): Boundary {
  const name = `${rule.alert}/${rule.labels.severity}`;
  const written = parsePromql(rule.expr);
  const writtenThreshold = thresholdComparison(written);
  if (!writtenThreshold) throw new Error(`${name}: its condition does not end in a comparison with a number`);
  const expr = intent ? intendedExpr(name, written, writtenThreshold, intent.threshold) : written;
  const threshold = thresholdComparison(expr)!;
  const selectors = orderedSelectors(expr, threshold);
  const examplesLabels = examples.flatMap((c) => Object.keys(c.series)).map(exampleLabels);
  const plan: Plan = { selectors, labels: chooseLabels(selectors, examplesLabels), counters: counterSelectors(expr) };
  const duration = intent ? intent.for : rule.for;
  const forSec = duration ? durationSeconds(duration) : 0;
  const thresholdValue = constantValue(threshold.rhs)!;
  const reasons = new Set<string>();
  for (const share of MARGINS) {
    const { past, inside } = levels(threshold.op, thresholdValue, share);
    for (const held of heldChoices(plan)) {
      const [pastFeed, insideFeed] = [past, inside].map((level) => driverFeed(expr, threshold, plan, held, level));
      if (!pastFeed || !insideFeed) {
        reasons.add('no driver value reaches the levels');
        continue;
      }
      const found = timeline(expr, forSec, worldOf(plan, pastFeed, held), worldOf(plan, insideFeed, held));
      if (typeof found === 'string') {
        reasons.add(found);
        continue;
      }
      const boundary = { alert: rule.alert, severity: rule.labels.severity, forSec, threshold: { op: threshold.op, value: thresholdValue }, past, inside, onsetSec: found.onsetSec };
      return { ...boundary, cases: casesOf(rule, boundary, found) };
    }
  }
  throw new Error(`${name}: no boundary cases (${[...reasons].join('; ')})`);
}

/** The rule's expression with its threshold comparison's number as `intended` (`'> 85'`) says; the operator must agree. */
function intendedExpr(name: string, expr: Ast, threshold: Binary, intended: string): Ast {
  const match = /^(==|!=|>=|<=|>|<)\s*(-?[\d.]+(?:e-?\d+)?)$/.exec(intended.trim());
  if (!match) throw new Error(`${name}: its intended threshold '${intended}' is not an operator and a number`);
  if (match[1] !== threshold.op) throw new Error(`${name}: compares with ${threshold.op}, its intent with ${match[1]}`);
  return replaceNode(expr, threshold, { ...threshold, rhs: { kind: 'number', value: Number(match[2]) } });
}

function replaceNode(ast: Ast, target: Ast, replacement: Ast): Ast {
  if (ast === target) return replacement;
  switch (ast.kind) {
    case 'call': return { ...ast, args: ast.args.map((a) => replaceNode(a, target, replacement)) };
    case 'aggregate': return { ...ast, args: ast.args.map((a) => replaceNode(a, target, replacement)) };
    case 'binary': return { ...ast, lhs: replaceNode(ast.lhs, target, replacement), rhs: replaceNode(ast.rhs, target, replacement) };
    case 'unary': return { ...ast, expr: replaceNode(ast.expr, target, replacement) };
    default: return ast;
  }
}
