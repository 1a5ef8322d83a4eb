/**
 * What the panel check evaluates: every dashboard query (PromQL run against the check's Prometheus, LogQL checked
 * statically), every variable query and every rule, each with the metric names it reads.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DatasourceUid } from '../../dashboards/index.js';
import { queriesOf } from '../../dashboards/inspect.js';
import { AlertRule, RecordingRule, RuleGroup } from '../../lib/prometheus/rules/index.js';
import { DashboardVariable, IntervalMacros, dashboardVariables, substitute } from '../dashboards/grafana-variables.js';
import { StreamLabels, refusedSelectors, unmatchedStreamLabels } from '../dashboards/logql.js';
import { logqlErrors, variableMetric } from '../dashboards/queries.js';
import { metricNames } from '../rules/promql.js';

/** One thing the check evaluates. */
export interface CheckItem {
  readonly kind: 'panel' | 'variable' | 'recording rule' | 'alert rule';
  /** Where it is, e.g. `odin-network / DNS answer time (CoreDNS) / B`. */
  readonly name: string;
  readonly language: 'promql' | 'logql';
  readonly expr: string;
  /** The dashboard's variables (panels and variable queries only). */
  readonly variables: readonly DashboardVariable[];
  /** A Grafana legend template such as `{{namespace}}/{{pod}}` (time series panels). */
  readonly legend?: string;
}

/** The outcome of one item: no series (or refused), and why. */
export interface CheckResult {
  readonly item: CheckItem;
  readonly empty: boolean;
  readonly notes: readonly string[];
  readonly metrics: readonly string[];
}

/** A Prometheus instant-query API. */
export interface InstantQueries {
  /** The series `expr` gives at `timeSec`; throws with Prometheus's message on an error. */
  query(expr: string, timeSec: number): Promise<Array<{ metric: Record<string, string> }>>;
}

/** What evaluating needs besides the item. */
export interface CheckEnvironment {
  readonly prometheus: InstantQueries;
  /** Evaluation time (unix seconds). */
  readonly nowSec: number;
  readonly macros: IntervalMacros;
  /** Stream labels Promtail attaches, for LogQL selectors. */
  readonly streams: StreamLabels;
}

/** Every dashboard query and query variable, and every rule. */
export function checkItems(dashboards: readonly Dashboard[], groups: readonly RuleGroup[]): CheckItem[] {
  const fromDashboards = dashboards.flatMap((d) => {
    const variables = dashboardVariables(d);
    const panels = queriesOf(d).map((q): CheckItem => ({
      kind: 'panel', name: `${q.dashboard} / ${q.panel} / ${q.refId}`, variables, expr: q.expr,
      language: q.datasourceUid === DatasourceUid.LOKI ? 'logql' : 'promql', legend: legendOf(d, q.panel, q.refId),
    }));
    const queries = variables.filter((v) => v.type === 'query')
      .map((v): CheckItem => ({ kind: 'variable', name: `${d.uid} / $${v.name}`, variables, expr: v.query, language: 'promql' }));
    return [...panels, ...queries];
  });
  const fromRules = groups.flatMap((g) => g.rules.map((r): CheckItem => ('record' in r
    ? { kind: 'recording rule', name: `${g.name} / ${(r as RecordingRule).record}`, variables: [], expr: r.expr, language: 'promql' }
    : { kind: 'alert rule', name: `${g.name} / ${(r as AlertRule).alert} (${(r as AlertRule).labels.severity})`, variables: [], expr: r.expr, language: 'promql' })));
  return [...fromDashboards, ...fromRules];
}

/** The legend template of a time series panel's target (table and stat panels draw no legend). */
function legendOf(d: Dashboard, panelTitle: string, refId: string | undefined): string | undefined {
  const panel = (d.panels ?? []).find((p) => p.title === panelTitle) as { type?: string; targets?: Array<{ refId?: string; legendFormat?: string }> } | undefined;
  if (panel?.type !== 'timeseries') return undefined;
  return panel.targets?.find((t) => t.refId === refId)?.legendFormat || undefined;
}

/** A subquery without a step runs at the global evaluation interval, which the check keeps at the stack's 15 s. */
export const SUBQUERY_DEFAULT_STEP_SEC = 15;

const UNIT_SEC: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** Seconds of a PromQL duration such as `1w` or `1h30m`. */
export function durationSec(duration: string): number {
  return [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)].reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SEC[unit], 0);
}

const DURATION = '\\d+(?:ms|s|m|h|d|w|y)(?:\\d+(?:ms|s|m|h|d|w|y))*';

/**
 * When to evaluate `expr` so that it reads the data a fresh Prometheus has, as a dashboard opened later reads a
 * running one's: an `offset` later (`x offset 1w` then reads now); and a subquery, whose points Prometheus aligns
 * to multiples of its step, at the next aligned time (its newest point then looks back over now).
 */
function evaluationTime(expr: string, nowSec: number): number {
  const offsets = [...expr.matchAll(new RegExp(`\\boffset\\s+(${DURATION})`, 'g'))].map((m) => durationSec(m[1]));
  const steps = [...expr.matchAll(new RegExp(`\\[${DURATION}:(${DURATION})?\\]`, 'g'))].map((m) => (m[1] ? durationSec(m[1]) : SUBQUERY_DEFAULT_STEP_SEC));
  const shifted = nowSec + Math.max(0, ...offsets);
  return steps.length === 0 ? shifted : Math.ceil(shifted / Math.max(...steps)) * Math.max(...steps);
}

/** The label names `{{...}}` of a legend template. */
const legendLabels = (legend: string) => [...legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);

/** Runs `expr`; an error counts as no data, with Prometheus's message. */
async function seriesOf(env: CheckEnvironment, expr: string, timeSec = env.nowSec): Promise<{ series: Array<{ metric: Record<string, string> }>; error?: string }> {
  try {
    return { series: await env.prometheus.query(expr, timeSec) };
  } catch (err) {
    return { series: [], error: (err as Error).message };
  }
}

/**
 * A panel's PromQL twice: as Grafana sends it with every variable on "All", and with every query variable at `.+` (a
 * value picked): the second is empty when the series lack the label a variable filters on, which `.*` would hide.
 * Series its legend cannot name, and groupings by labels the data lacks, are reported too.
 */
async function checkPanelPromql(item: CheckItem, env: CheckEnvironment): Promise<string[]> {
  const picked = Object.fromEntries(item.variables.filter((v) => v.allValue !== undefined).map((v) => [v.name, '.+']));
  const notes: string[] = [];
  for (const [variant, values] of [['with All', {}], ['with a value picked', picked]] as const) {
    const expr = substitute(item.expr, item.variables, env.macros, values);
    const { series, error } = await seriesOf(env, expr, evaluationTime(expr, env.nowSec));
    if (series.length === 0) notes.push(`no series ${variant}${error ? `: ${error}` : ''}`);
    if (variant === 'with All' && series.length > 0) notes.push(...unnamedSeries(item.legend, series), ...await missingGroupings(env, expr));
  }
  return notes;
}

/** A legend that names no label of some series: Grafana draws it without a distinguishing name. */
function unnamedSeries(legend: string | undefined, series: ReadonlyArray<{ metric: Record<string, string> }>): string[] {
  const labels = legend === undefined ? [] : legendLabels(legend);
  if (labels.length === 0) return [];
  const unnamed = series.filter((s) => labels.every((label) => !s.metric[label]));
  return unnamed.length > 0 ? [`legend ${legend} names no label of ${unnamed.length} series`] : [];
}

/**
 * Aggregations grouping by a label the data does not have: `sum by (tool, decision)` over series without `tool`
 * still gives data, but one line where the panel meant one per tool.
 */
async function missingGroupings(env: CheckEnvironment, expr: string): Promise<string[]> {
  const notes: string[] = [];
  for (const { aggregation, labels } of groupings(expr)) {
    const { series } = await seriesOf(env, aggregation, evaluationTime(aggregation, env.nowSec));
    const missing = labels.filter((label) => series.length > 0 && series.every((s) => !s.metric[label]));
    if (missing.length > 0) notes.push(`groups by ${missing.join(', ')}, which no series of ${aggregation} has`);
  }
  return notes;
}

/** The `by (...)` aggregations of a PromQL expression and their grouping labels. */
export function groupings(expr: string): Array<{ aggregation: string; labels: string[] }> {
  const found: Array<{ aggregation: string; labels: string[] }> = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name !== 'AggregateExpr') return;
      const modifier = node.node.getChild('AggregateModifier');
      if (modifier === null || modifier.getChild('By') === null) return;
      const labels = modifier.getChild('GroupingLabels')?.getChildren('LabelName').map((l) => expr.slice(l.from, l.to)) ?? [];
      if (labels.length > 0) found.push({ aggregation: expr.slice(node.from, node.to), labels });
    },
  });
  return found;
}

/** LogQL cannot run without Loki: it is parsed, checked against Loki's selector rule and Promtail's labels. */
function checkLogql(item: CheckItem, env: CheckEnvironment): string[] {
  const expr = substitute(item.expr, item.variables, env.macros);
  return [
    ...logqlErrors(expr).map((e) => `LogQL syntax ${e}`),
    ...refusedSelectors(expr).map((s) => `Loki refuses ${s}: every matcher matches the empty string`),
    ...unmatchedStreamLabels(expr, env.streams),
  ];
}

/** `label_values(metric, label)`: the values Grafana would list. */
async function checkVariable(item: CheckItem, env: CheckEnvironment): Promise<string[]> {
  const metric = variableMetric(item.expr);
  const label = /,\s*(\w+)\)$/.exec(item.expr)?.[1];
  if (metric === undefined || label === undefined) return [`not a label_values(metric, label) query: ${item.expr}`];
  const { series, error } = await seriesOf(env, `count by (${label}) (${metric})`);
  return series.some((s) => s.metric[label]) ? [] : [`no values of ${label}${error ? `: ${error}` : ''}`];
}

/** The metric selectors of a PromQL expression, as written (without range or offset). */
export function vectorSelectors(expr: string): string[] {
  const selectors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      selectors.push(expr.slice(node.from, node.to));
      return false;
    },
  });
  return selectors;
}

/**
 * An alert's thresholds and `for` decide when it fires (the promtool rule tests cover that); here each of its metric
 * selectors must select series, so that the rule reads data that exists under those names and labels, and each
 * `by` label must be on the data it groups (the alert's labels and annotations name them).
 */
async function checkAlertRule(item: CheckItem, env: CheckEnvironment): Promise<string[]> {
  const notes: string[] = [];
  for (const selector of vectorSelectors(item.expr)) {
    const { series, error } = await seriesOf(env, `count(${selector})`);
    if (series.length === 0) notes.push(`selector ${selector} selects nothing${error ? `: ${error}` : ''}`);
  }
  return notes.length > 0 ? notes : missingGroupings(env, item.expr);
}

/** Evaluates one item. */
export async function checkItem(item: CheckItem, env: CheckEnvironment): Promise<CheckResult> {
  try {
    const notes = await notesOf(item, env);
    const metrics = item.language === 'promql' ? metricNames(substitute(item.expr, item.variables, env.macros)) : [];
    return { item, empty: notes.length > 0, notes, metrics };
  } catch (err) {
    return { item, empty: true, notes: [(err as Error).message], metrics: [] };
  }
}

function notesOf(item: CheckItem, env: CheckEnvironment): string[] | Promise<string[]> {
  if (item.language === 'logql') return checkLogql(item, env);
  if (item.kind === 'panel') return checkPanelPromql(item, env);
  if (item.kind === 'variable') return checkVariable(item, env);
  if (item.kind === 'alert rule') return checkAlertRule(item, env);
  // A recording rule: the series it wrote, as Prometheus evaluated it.
  return seriesOf(env, item.expr).then(({ series }) => (series.length > 0 ? [] : ['records nothing']));
}
