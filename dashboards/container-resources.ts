import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { POD_CONTAINERS } from '../lib/prometheus/rules/index.js';
import { NAMESPACE, instantQuery, namespaceVariable, odinDashboard, promQuery, row, tablePanel, timeseriesPanel } from './common.js';

const CONTAINERS = `${NAMESPACE}, ${POD_CONTAINERS}`;
const LEGEND = '{{namespace}}/{{pod}}/{{container}}';
const perContainer = (expr: string) => `sum by (namespace, pod, container) (${expr})`;

/** Per-container CPU, memory against limits, CPU throttling and filesystem I/O, from cAdvisor and kube-state-metrics. */
export const containerResourcesDashboard = (): DashboardBuilder =>
  odinDashboard('odin-container-resources', 'ODIN / Container resources', 'Container CPU, memory, limits, throttling and I/O.')
    .withVariable(namespaceVariable())
    .withRow(row('CPU'))
    .withPanel(timeseriesPanel('CPU', 'cores',
      [promQuery(perContainer(`rate(container_cpu_usage_seconds_total{${CONTAINERS}}[$__rate_interval])`), LEGEND)]))
    .withPanel(timeseriesPanel('CPU throttled periods', units.PercentUnit, [promQuery(
      `${perContainer(`rate(container_cpu_cfs_throttled_periods_total{${CONTAINERS}}[$__rate_interval])`)} / ` +
      `${perContainer(`rate(container_cpu_cfs_periods_total{${CONTAINERS}}[$__rate_interval])`)}`, LEGEND)]).max(1))
    .withRow(row('Memory'))
    .withPanel(timeseriesPanel('Working set', units.BytesIEC,
      [promQuery(perContainer(`container_memory_working_set_bytes{${CONTAINERS}}`), LEGEND)]))
    .withPanel(timeseriesPanel('Working set of limit', units.PercentUnit, [promQuery(
      `${perContainer(`container_memory_working_set_bytes{${CONTAINERS}}`)} / ` +
      `(${perContainer(`container_spec_memory_limit_bytes{${CONTAINERS}}`)} > 0)`, LEGEND)]).max(1))
    .withPanel(tablePanel('Requests and limits', units.NoUnit, [
      instantQuery(`kube_pod_container_resource_requests{${NAMESPACE}}`, 'request'),
      instantQuery(`kube_pod_container_resource_limits{${NAMESPACE}}`, 'limit'),
    ], { span: 24 }))
    .withRow(row('I/O'))
    .withPanel(timeseriesPanel('Filesystem reads and writes', units.BytesPerSecondSI, [
      promQuery(perContainer(`rate(container_fs_reads_bytes_total{${CONTAINERS}}[$__rate_interval])`), `read ${LEGEND}`),
      promQuery(perContainer(`rate(container_fs_writes_bytes_total{${CONTAINERS}}[$__rate_interval])`), `write ${LEGEND}`),
    ]))
    .withPanel(tablePanel('Top 10 containers by memory', units.BytesIEC,
      [instantQuery(`topk(10, ${perContainer(`container_memory_working_set_bytes{${CONTAINERS}}`)})`)]));
