/**
 * The panel check: every dashboard query, variable query and rule of the synthesized stack, evaluated against a real
 * Prometheus fed by real exporters and upstream recordings (check-stack.ts). A query is empty when it gives no
 * series (with its variables on "All", or on a picked value), when a legend label is on none of its series, or, for
 * LogQL, when Loki would refuse it or its selector names labels Promtail never attaches.
 */
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { EXPORTED_METRIC_NAMES } from '../../lib/exporters/exported-metrics.js';
import { RuleGroup } from '../../lib/prometheus/rules/index.js';
import { Manifest } from '../../lib/synth.js';
import { eventually } from '../detectors/helpers/wait-for.js';
import { promtailStreamLabels } from '../dashboards/promtail-labels.js';
import { allowedBecause } from './allowed-empty.js';
import { CheckEnvironment, CheckResult, checkItem, checkItems, InstantQueries } from './check-items.js';
import { SCRAPE_INTERVAL_SEC, startCheckStack } from './check-stack.js';

/** What the check found. */
export interface PanelReport {
  readonly results: readonly CheckResult[];
  /** Empty results, each with the reason it is allowed or undefined. */
  readonly empty: ReadonlyArray<{ readonly result: CheckResult; readonly allowed: string | undefined }>;
  /** Catalog names no exporter or recording produced, each with the reason it is allowed or undefined. */
  readonly unseenNames: ReadonlyArray<{ readonly name: string; readonly allowed: string | undefined }>;
  /** The report, its last line `panels: <N> queries, <M> empty, <K> allowed`. */
  readonly lines: readonly string[];
}

/** Prometheus's HTTP API for instant queries and metric names. */
class PrometheusApi implements InstantQueries {
  constructor(private readonly url: string) {}

  async query(expr: string, timeSec: number): Promise<Array<{ metric: Record<string, string> }>> {
    const body = new URLSearchParams({ query: expr, time: String(timeSec) });
    const response = await fetch(`${this.url}/api/v1/query`, { method: 'POST', body });
    const answer = await response.json() as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    if (answer.status !== 'success') throw new Error(answer.error ?? `HTTP ${response.status}`);
    const { resultType, result } = answer.data!;
    return resultType === 'scalar' || resultType === 'string' ? [{ metric: {} }] : result as Array<{ metric: Record<string, string> }>;
  }

  async metricNames(): Promise<Set<string>> {
    const answer = await (await fetch(`${this.url}/api/v1/label/__name__/values`)).json() as { data: string[] };
    return new Set(answer.data);
  }
}

/** Catalog names the check waits for: all but the hardware-dependent ones. */
const EXPECTED_NAMES = [...EXPORTED_METRIC_NAMES].filter((name) => allowedBecause([name]) === undefined);
/** Besides names: what the detectors produce once trained, and the firing alerts. */
const EXPECTED_SERIES = [
  ...['gpu', 'pod', 'process', 'disk'].map((detector) => `odin_anomaly_score{detector="${detector}"}`),
  'odin_pod_status_anomaly == 1', 'ALERTS{alertstate="firing"}',
];

/** Waits until every expected name and series exists, or `timeoutMs` passed (what is missing then is reported). */
async function waitForData(api: PrometheusApi, timeoutMs: number): Promise<void> {
  await eventually('every catalog name and the detectors\' outputs', timeoutMs, async () => {
    const names = await api.metricNames();
    if (EXPECTED_NAMES.some((name) => !names.has(name))) return undefined;
    for (const expr of EXPECTED_SERIES) if ((await api.query(expr, Date.now() / 1000)).length === 0) return undefined;
    return true;
  }).catch(() => undefined);
}

const describeResult = (r: CheckResult) => `${r.item.kind} ${r.item.name}: ${r.notes.join('; ')}\n      ${r.item.expr}`;

function reportLines(results: readonly CheckResult[], empty: PanelReport['empty'], unseen: PanelReport['unseenNames']): string[] {
  const logql = results.filter((r) => r.item.language === 'logql').length;
  const allowed = empty.filter((e) => e.allowed !== undefined);
  return [
    ...empty.filter((e) => e.allowed === undefined).map((e) => `EMPTY ${describeResult(e.result)}`),
    ...allowed.map((e) => `allowed ${e.result.item.kind} ${e.result.item.name}: ${e.allowed}`),
    ...unseen.map((u) => `${u.allowed ? 'allowed unseen' : 'UNSEEN'} metric ${u.name}${u.allowed ? `: ${u.allowed}` : ' (in the catalog, produced by nothing here)'}`),
    `catalog: ${EXPORTED_METRIC_NAMES.size} names, ${unseen.length} never seen, ${unseen.filter((u) => u.allowed).length} allowed`,
    `LogQL: ${logql} queries not evaluated (no Loki here): parsed with lezer-logql, checked against Loki's empty-matcher ` +
      'rule and against the labels the synthesized Promtail configuration attaches.',
    'Rules: recording rules by the series they record; alert rules by their metric selectors and `by` labels (when ' +
      'thresholds and `for` make them fire is for the promtool rule tests). ALERTS panels read one always-firing alert ' +
      'per severity and component the rules use.',
    `panels: ${results.length} queries, ${empty.length} empty, ${allowed.length} allowed`,
  ];
}

/** Runs the check over `dashboards` and `ruleGroups` with the stack `manifests` synthesize. */
export async function runPanelCheck(
  manifests: readonly Manifest[], dashboards: readonly Dashboard[], ruleGroups: readonly RuleGroup[], waitMs = 120_000,
): Promise<PanelReport> {
  const stack = await startCheckStack(manifests);
  try {
    const api = new PrometheusApi(stack.prometheus.url);
    await waitForData(api, waitMs);
    const env: CheckEnvironment = {
      prometheus: api,
      nowSec: Date.now() / 1000,
      // Grafana's macros for a check scraping every second: $__rate_interval is four scrape intervals.
      macros: { interval: `${SCRAPE_INTERVAL_SEC}s`, rateInterval: `${4 * SCRAPE_INTERVAL_SEC}s`, auto: `${SCRAPE_INTERVAL_SEC}s`, range: '5m' },
      streams: promtailStreamLabels(manifests),
    };
    const results: CheckResult[] = [];
    for (const item of checkItems(dashboards, ruleGroups)) results.push(await checkItem(item, env));
    const empty = results.filter((r) => r.empty).map((result) => ({ result, allowed: allowedBecause(result.metrics) }));
    const seen = await api.metricNames();
    const unseenNames = [...EXPORTED_METRIC_NAMES].filter((name) => !seen.has(name)).map((name) => ({ name, allowed: allowedBecause([name]) }));
    return { results, empty, unseenNames, lines: reportLines(results, empty, unseenNames) };
  } finally {
    await stack.stop();
  }
}
