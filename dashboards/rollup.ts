import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import { instantQuery, odinDashboard, promQuery, row, statPanel, tablePanel, timeseriesPanel } from './common.js';

/** Averages and peaks of a resource over the last day and week, per node. */
const rollupTable = (title: string, unit: string, series: string) => tablePanel(title, unit, [
  instantQuery(`avg_over_time(${series}[1d])`, 'avg 1d'),
  instantQuery(`max_over_time(${series}[1d])`, 'max 1d'),
  instantQuery(`avg_over_time(${series}[7d])`, 'avg 7d'),
  instantQuery(`max_over_time(${series}[7d])`, 'max 7d'),
], { span: 12 });

/** How the last day and week went, rolled up: the numbers for a weekly look rather than a live one. */
export const rollupDashboard = (): DashboardBuilder =>
  odinDashboard('odin-rollup', 'ODIN / Rollup', 'Daily and weekly averages and peaks of every resource, alert and anomaly.')
    .time({ from: 'now-7d', to: 'now' })
    .withRow(row('Last 24 hours'))
    .withPanel(statPanel('Alerts that fired (24h)', units.Short,
      [promQuery('count(count by (alertname) (max_over_time(ALERTS{alertstate="firing"}[1d]))) or vector(0)')]))
    .withPanel(statPanel('Anomalous detector-hours (24h)', units.Short,
      [promQuery(`sum(sum_over_time(${RecordedMetric.DETECTOR_ANOMALIES}[1d:1h])) or vector(0)`)]))
    .withPanel(statPanel('Threat findings (24h)', units.Short,
      [promQuery('sum(increase(odin_process_threats_total[1d])) or vector(0)')], {}, [[null, 'green'], [1, 'red']]))
    .withPanel(statPanel('Target availability (24h)', units.PercentUnit,
      [promQuery(`avg(avg_over_time(${RecordedMetric.JOB_UP}[1d]))`)], {}, [[null, 'red'], [0.99, 'green']]))
    .withRow(row('Resources, day and week'))
    .withPanel(rollupTable('CPU busy', units.PercentUnit, RecordedMetric.NODE_CPU_UTILISATION))
    .withPanel(rollupTable('Memory used', units.PercentUnit, RecordedMetric.NODE_MEMORY_UTILISATION))
    .withPanel(rollupTable('GPU temperature', units.Celsius, 'nvidia_gpu_temperature_celsius'))
    .withPanel(rollupTable('GPU power draw', units.Watt, 'nvidia_gpu_power_draw_watts'))
    .withRow(row('Trends'))
    .withPanel(timeseriesPanel('Daily average CPU and memory', units.PercentUnit, [
      promQuery(`avg_over_time(${RecordedMetric.NODE_CPU_UTILISATION}[1d])`, 'CPU {{node}}'),
      promQuery(`avg_over_time(${RecordedMetric.NODE_MEMORY_UTILISATION}[1d])`, 'memory {{node}}'),
    ]))
    .withPanel(timeseriesPanel('GPU energy per day', 'watth', [
      promQuery('avg_over_time(nvidia_gpu_power_draw_watts[1d]) * 24', 'GPU {{gpu}}'),
    ]));
