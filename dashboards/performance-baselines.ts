import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import { NODE, nodeVariable, odinDashboard, promQuery, row, timeseriesPanel } from './common.js';

/**
 * A series now, the same hour a week ago, and its 7-day median and 95th percentile: what "normal" looks like.
 * `selector` is a metric selector; `aggregate` (e.g. `max by (gpu)`) is applied to it. The week-old value puts
 * `offset` on the selector, where PromQL allows it, and an aggregated series goes through a subquery at 5-minute
 * resolution for its 7-day quantiles (a range only applies to a selector).
 */
const baselinePanel = (title: string, unit: string, legend: string, selector: string, aggregate?: string) => {
  const series = (modifier = '') => (aggregate ? `${aggregate} (${selector}${modifier})` : `${selector}${modifier}`);
  const week = aggregate ? `${series()}[7d:5m]` : `${selector}[7d]`;
  return timeseriesPanel(title, unit, [
    promQuery(series(), `now ${legend}`),
    promQuery(series(' offset 1w'), `a week ago ${legend}`),
    promQuery(`quantile_over_time(0.5, ${week})`, `7d median ${legend}`),
    promQuery(`quantile_over_time(0.95, ${week})`, `7d p95 ${legend}`),
  ]);
};

/** Baselines the detectors learn from, drawn so a person can judge a score against them. */
export const performanceBaselinesDashboard = (): DashboardBuilder =>
  odinDashboard('odin-performance-baselines', 'ODIN / Performance baselines',
    'Current values against last week and the 7-day median and p95, the window the detectors train on.')
    .withVariable(nodeVariable())
    .withRow(row('Host'))
    .withPanel(baselinePanel('CPU busy', units.PercentUnit, '{{node}}', `${RecordedMetric.NODE_CPU_UTILISATION}{${NODE}}`))
    .withPanel(baselinePanel('Memory used', units.PercentUnit, '{{node}}', `${RecordedMetric.NODE_MEMORY_UTILISATION}{${NODE}}`))
    .withPanel(baselinePanel('Disk busy', units.PercentUnit, '{{node}}', `${RecordedMetric.DISK_IO_UTILISATION}{${NODE}}`, 'max by (node)'))
    .withPanel(baselinePanel('Network in', units.BytesPerSecondSI, '{{node}}', `${RecordedMetric.NETWORK_RECEIVE_BYTES}{${NODE}}`))
    .withRow(row('GPU'))
    .withPanel(baselinePanel('GPU temperature', units.Celsius, 'GPU {{gpu}}', 'nvidia_gpu_temperature_celsius', 'max by (gpu)'))
    .withPanel(baselinePanel('GPU power draw', units.Watt, 'GPU {{gpu}}', 'nvidia_gpu_power_draw_watts', 'max by (gpu)'));
