/**
 * House defaults every ODIN dashboard starts from: datasources, queries, panels, variables and label selectors.
 * Dashboards compose these; none builds a panel or a variable of its own from scratch.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statushistory from '@grafana/grafana-foundation-sdk/statushistory';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DatasourceUid } from './datasources.js';

export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: DatasourceUid.PROMETHEUS };
export const LOKI: common.DataSourceRef = { type: 'loki', uid: DatasourceUid.LOKI };

/** Label selectors bound to the shared variables below. */
export const NODE = 'node=~"$node"';
export const NAMESPACE = 'namespace=~"$namespace"';
export const GPU = 'gpu=~"$gpu"';

/** Log streams Promtail ships (see lib/loki/promtail.ts): detector containers by name, whatever their namespace. */
export const DETECTOR_LOGS = '{container=~".+-detector"}';
export const PROCESS_DETECTOR_LOGS = '{container="process-detector"}';
export const HOST_LOGS = '{job=~"systemd-journal|varlog"}';

/** Width and height of a panel on Grafana's 24-column grid. */
export interface PanelSize {
  /** @default 12 */
  readonly span?: number;
  /** @default 8 */
  readonly height?: number;
}

type Query = prometheus.DataqueryBuilder | loki.DataqueryBuilder;
type Panel = timeseries.PanelBuilder | stat.PanelBuilder | table.PanelBuilder | statushistory.PanelBuilder | logs.PanelBuilder;

/** A PromQL range query; `legend` is a Grafana legend template such as '{{node}}'. */
export const promQuery = (expr: string, legend = ''): prometheus.DataqueryBuilder =>
  new prometheus.DataqueryBuilder().datasource(PROMETHEUS).expr(expr).legendFormat(legend).range();

/** A PromQL instant query in table format, for tables and stats that show the value now. */
export const instantQuery = (expr: string, legend = ''): prometheus.DataqueryBuilder =>
  new prometheus.DataqueryBuilder().datasource(PROMETHEUS).expr(expr).legendFormat(legend)
    .instant().format(prometheus.PromQueryFormat.Table);

/** A LogQL query: a log stream selector with a pipeline, or a metric query over one. */
export const lokiQuery = (expr: string, legend = ''): loki.DataqueryBuilder =>
  new loki.DataqueryBuilder().datasource(LOKI).expr(expr).legendFormat(legend);

/**
 * Give the queries of one panel distinct refIds (A, B, ...), as Grafana requires, name their datasource on the panel
 * too (a panel without one falls back to the default datasource), and size the panel.
 */
function place<P extends Panel>(panel: P, queries: readonly Query[], size: PanelSize): P {
  queries.forEach((query, index) => panel.withTarget(query.refId(String.fromCharCode(65 + index))));
  panel.datasource(queries.every((query) => query instanceof loki.DataqueryBuilder) ? LOKI : PROMETHEUS);
  panel.span(size.span ?? 12).height(size.height ?? 8);
  return panel;
}

/** Threshold steps from [value, colour] pairs; the first value is null (everything below the next step). */
export const thresholds = (...steps: ReadonlyArray<readonly [number | null, string]>): dashboard.ThresholdsConfigBuilder =>
  new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));

const legend = () => new common.VizLegendOptionsBuilder()
  .showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);

/** A line chart of one or more queries. */
export const timeseriesPanel = (title: string, unit: string, queries: readonly Query[], size: PanelSize = {}) =>
  place(new timeseries.PanelBuilder().title(title).unit(unit).legend(legend()).fillOpacity(10), queries, size);

/** The score above which a detector calls a point anomalous (calibrated: about 5% of normal points). */
export const ANOMALY_THRESHOLD = 90;

/** Anomaly scores (0-100) of the series `selector` picks, with the anomaly threshold drawn as a dashed line. */
export const anomalyScorePanel = (title: string, selector: string, legendFormat: string, size: PanelSize = {}) =>
  timeseriesPanel(title, 'none', [promQuery(`odin_anomaly_score{${selector}}`, legendFormat)], size).min(0).max(100)
    .thresholds(thresholds([null, 'green'], [ANOMALY_THRESHOLD, 'red']))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));

/** Where the panels of a repeated panel go: one per selected value of `variable`, `perRow` side by side. */
export interface Repeat {
  readonly variable: string;
  /** @default 2 */
  readonly perRow?: number;
}

/** What one band panel draws (see `anomalyBandPanel`). */
export interface AnomalyBand {
  /** Matchers of the band's series: odin_anomaly_value and odin_anomaly_expected (e.g. `detector="gpu", metric="power", gpu=~"$gpu"`). */
  readonly selector: string;
  /** Matchers of the score, when a score covers several inputs and the band is one of them (the disk's rates). @default selector */
  readonly scoreSelector?: string;
  /** Legend of the values; one value per panel unless it shows several (a namespace's pods). @default 'value' */
  readonly valueLegend?: string;
}

const byName = (name: string, properties: ReadonlyArray<readonly [string, unknown]>) => ({
  matcher: { id: 'byName', options: name },
  properties: properties.map(([id, value]) => ({ id, value })),
});

/**
 * A value as a detector saw it: the value, the band it expected the value in (filled between lower and upper:
 * the score is at most 90 inside), the expected value dashed, and the score on its own axis on the right with
 * the threshold. Grafana fills between two series named by the panel, so the band's bounds are aggregated into
 * one series each (the pods of a namespace share one band), and panels are repeated per subject.
 */
export const anomalyBandPanel = (title: string, unit: string, band: AnomalyBand, repeat: Repeat, size: PanelSize = {}) => {
  const expected = (bound: string, aggregation: string) =>
    promQuery(`${aggregation}(odin_anomaly_expected{${band.selector}, bound="${bound}"})`, bound);
  const green = { mode: 'fixed', fixedColor: 'green' };
  return timeseriesPanel(title, unit, [
    promQuery(`odin_anomaly_value{${band.selector}}`, band.valueLegend ?? 'value'),
    expected('lower', 'min'),
    expected('expected', 'avg'),
    expected('upper', 'max'),
    promQuery(`max(odin_anomaly_score{${band.scoreSelector ?? band.selector}})`, 'score'),
  ], size).fillOpacity(0).repeat(repeat.variable).repeatDirection('h').maxPerRow(repeat.perRow ?? 2).overrides([
    byName('upper', [['custom.fillBelowTo', 'lower'], ['custom.fillOpacity', 25], ['custom.lineWidth', 0], ['color', green]]),
    byName('lower', [['custom.lineWidth', 0], ['color', green]]),
    byName('expected', [['custom.lineStyle', { fill: 'dash', dash: [6, 4] }], ['color', green]]),
    byName('score', [
      ['unit', 'none'], ['min', 0], ['max', 100], ['custom.axisPlacement', 'right'], ['custom.axisLabel', 'score'],
      ['color', { mode: 'fixed', fixedColor: 'red' }],
      ['thresholds', { mode: 'absolute', steps: [{ value: null, color: 'transparent' }, { value: ANOMALY_THRESHOLD, color: 'red' }] }],
      ['custom.thresholdsStyle', { mode: common.GraphThresholdsStyleMode.Dashed }],
    ]),
  ]);
};

/**
 * Where each value lies in its expected range, for many series at once: 0 is the band's lower edge, 1 its
 * upper edge, so every series shares one shaded band whatever its unit (Grafana cannot fill between bounds of
 * many series in one panel). Bands are matched without `pod`, so a namespace's band serves each of its pods.
 */
export const bandPositionPanel = (title: string, selector: string, legendFormat: string, size: PanelSize = {}) => {
  const bound = (name: string) => `odin_anomaly_expected{${selector}, bound="${name}"}`;
  return timeseriesPanel(title, 'none', [promQuery(
    `(odin_anomaly_value{${selector}} - ignoring(pod, bound) group_left() ${bound('lower')})`
      + ` / ignoring(pod, bound) group_left() (${bound('upper')} - ignoring(bound) ${bound('lower')})`,
    legendFormat,
  )], size)
    .thresholds(thresholds([null, 'red'], [0, 'green'], [1, 'red']))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.DashedAndArea));
};

/** A big number: the last value of each series, coloured by `steps` (green by default). */
export const statPanel = (
  title: string, unit: string, queries: readonly Query[], size: PanelSize = {},
  steps: ReadonlyArray<readonly [number | null, string]> = [[null, 'green']],
) => place(
  new stat.PanelBuilder().title(title).unit(unit).thresholds(thresholds(...steps))
    .colorMode(common.BigValueColorMode.Background).graphMode(common.BigValueGraphMode.Area),
  queries, { span: 6, height: 4, ...size },
);

/** A table of instant values, one row per series. */
export const tablePanel = (title: string, unit: string, queries: readonly Query[], size: PanelSize = {}) =>
  place(new table.PanelBuilder().title(title).unit(unit), queries, size);

/** Log lines of a LogQL stream query. */
export const logsPanel = (title: string, expr: string, size: PanelSize = {}) =>
  place(new logs.PanelBuilder().title(title).showTime(true).wrapLogMessage(true).enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending), [lokiQuery(expr)], { span: 24, height: 12, ...size });

/** How a 0/1 series reads in a health matrix: the words for 1 and 0, and which of them is healthy. */
export interface BinaryStates {
  readonly one: string;
  readonly zero: string;
  readonly healthy: 0 | 1;
}

export const UP_DOWN: BinaryStates = { one: 'UP', zero: 'DOWN', healthy: 1 };

const stateMappings = (states: BinaryStates): dashboard.ValueMapping[] => {
  const color = (value: 0 | 1) => (value === states.healthy ? 'green' : 'red');
  return [{
    type: dashboard.MappingType.ValueToText,
    options: { 1: { text: states.one, color: color(1), index: 0 }, 0: { text: states.zero, color: color(0), index: 1 } },
  }];
};

/** A health matrix: one row per 0/1 series, one cell per time slot, green while healthy and red otherwise. */
export const healthMatrixPanel = (title: string, queries: readonly Query[], size: PanelSize = {}, states = UP_DOWN) =>
  place(new statushistory.PanelBuilder().title(title).mappings(stateMappings(states))
    .showValue(common.VisibilityMode.Never), queries, size);

/** A multi-value variable over the values of `label` of `metric`, with an "All" entry that stands for `allValue`. */
const labelVariable = (name: string, label: string, metric: string, allValue = '.*'): dashboard.QueryVariableBuilder =>
  new dashboard.QueryVariableBuilder(name).label(label).datasource(PROMETHEUS)
    .query(`label_values(${metric}, ${name})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged).sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true).includeAll(true).allValue(allValue);

/** The Kubernetes node, as every scrape job labels its series (`node`). */
export const nodeVariable = () => labelVariable('node', 'Node', 'node_uname_info');
/**
 * Namespaces also select Loki streams, and Loki refuses a selector whose every matcher matches the empty string:
 * "All" is `.+`, never `.*` (every pod's series and streams have a namespace, so PromQL panels lose nothing).
 */
export const namespaceVariable = () => labelVariable('namespace', 'Namespace', 'kube_pod_info', '.+');
export const gpuVariable = () => labelVariable('gpu', 'GPU', 'nvidia_gpu_info');
export const detectorVariable = () => labelVariable('detector', 'Detector', 'odin_detector_last_success_timestamp_seconds');
/** The disks the disk detector scores. */
export const deviceVariable = () => labelVariable('device', 'Disk', 'odin_anomaly_value{detector="disk"}');

/** A dashboard with the house defaults: tagged `odin`, shared crosshair, 30 s refresh, the last 6 hours. */
export const odinDashboard = (uid: string, title: string, description: string): dashboard.DashboardBuilder =>
  new dashboard.DashboardBuilder(title).uid(uid).description(description).tags(['odin'])
    .tooltip(dashboard.DashboardCursorSync.Crosshair).refresh('30s').time({ from: 'now-6h', to: 'now' }).timezone('browser');

export const row = (title: string): dashboard.RowBuilder => new dashboard.RowBuilder(title);

/** Build the dashboard JSON, numbering panels so links and "view panel" URLs stay stable across builds. */
export function buildDashboard(builder: dashboard.DashboardBuilder): dashboard.Dashboard {
  const built = builder.build();
  built.panels?.forEach((panel, index) => { panel.id = index + 1; });
  return built;
}
