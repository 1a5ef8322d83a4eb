import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import { NODE, nodeVariable, odinDashboard, promQuery, row, timeseriesPanel } from './common.js';

/** A series now, the same hour a week ago, and its 7-day median and 95th percentile: what "normal" looks like. */
const baselinePanel = (title: string, unit: string, series: string) => timeseriesPanel(title, unit, [
  promQuery(series, 'now {{node}}{{gpu}}'),
  promQuery(`${series} offset 1w`, 'a week ago'),
  promQuery(`quantile_over_time(0.5, ${series}[7d])`, '7d median'),
  promQuery(`quantile_over_time(0.95, ${series}[7d])`, '7d p95'),
]);

/** Baselines the detectors learn from, drawn so a person can judge a score against them. */
export const performanceBaselinesDashboard = (): DashboardBuilder =>
  odinDashboard('odin-performance-baselines', 'ODIN / Performance baselines',
    'Current values against last week and the 7-day median and p95, the window the detectors train on.')
    .withVariable(nodeVariable())
    .withRow(row('Host'))
    .withPanel(baselinePanel('CPU busy', units.PercentUnit, `${RecordedMetric.NODE_CPU_UTILISATION}{${NODE}}`))
    .withPanel(baselinePanel('Memory used', units.PercentUnit, `${RecordedMetric.NODE_MEMORY_UTILISATION}{${NODE}}`))
    .withPanel(baselinePanel('Disk busy', units.PercentUnit, `max by (node) (${RecordedMetric.DISK_IO_UTILISATION}{${NODE}})`))
    .withPanel(baselinePanel('Network in', units.BytesPerSecondSI, `${RecordedMetric.NETWORK_RECEIVE_BYTES}{${NODE}}`))
    .withRow(row('GPU'))
    .withPanel(baselinePanel('GPU temperature', units.Celsius, 'max by (gpu) (nvidia_gpu_temperature_celsius)'))
    .withPanel(baselinePanel('GPU power draw', units.Watt, 'max by (gpu) (nvidia_gpu_power_draw_watts)'));
