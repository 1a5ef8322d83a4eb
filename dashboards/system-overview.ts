import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import { healthMatrixPanel, instantQuery, odinDashboard, promQuery, row, statPanel, tablePanel } from './common.js';

/** The first screen: is everything up, what is firing, and the one number per resource that matters. */
export const systemOverviewDashboard = (): DashboardBuilder =>
  odinDashboard('odin-system-overview', 'ODIN / System overview', 'Health matrix of every scrape job, firing alerts and key resources.')
    .withRow(row('Health'))
    .withPanel(healthMatrixPanel('Health matrix: scrape jobs', [promQuery(`${RecordedMetric.JOB_UP} >= bool 1`, '{{job}}')],
      { span: 24, height: 10 }))
    .withPanel(statPanel('Critical alerts firing', units.Short,
      [promQuery('count(ALERTS{alertstate="firing", severity="critical"}) or vector(0)')], {}, [[null, 'green'], [1, 'red']]))
    .withPanel(statPanel('Warnings firing', units.Short,
      [promQuery('count(ALERTS{alertstate="firing", severity="warning"}) or vector(0)')], {}, [[null, 'green'], [1, 'orange']]))
    .withPanel(statPanel('Anomalies now', units.Short,
      [promQuery(`sum(${RecordedMetric.DETECTOR_ANOMALIES}) or vector(0)`)], {}, [[null, 'green'], [1, 'orange']]))
    .withPanel(statPanel('Process threats now', units.Short,
      [promQuery('sum(odin_process_threats) or vector(0)')], {}, [[null, 'green'], [1, 'red']]))
    .withRow(row('Resources'))
    .withPanel(statPanel('CPU busy', units.PercentUnit, [promQuery(`max(${RecordedMetric.NODE_CPU_UTILISATION})`)], {},
      [[null, 'green'], [0.8, 'orange'], [0.95, 'red']]))
    .withPanel(statPanel('Memory used', units.PercentUnit, [promQuery(`max(${RecordedMetric.NODE_MEMORY_UTILISATION})`)], {},
      [[null, 'green'], [0.8, 'orange'], [0.9, 'red']]))
    .withPanel(statPanel('Hottest GPU', units.Celsius, [promQuery('max(nvidia_gpu_temperature_celsius)')], {},
      [[null, 'green'], [80, 'orange'], [85, 'red']]))
    .withPanel(statPanel('Least free filesystem', units.PercentUnit, [promQuery(`min(${RecordedMetric.FILESYSTEM_AVAILABLE})`)], {},
      [[null, 'red'], [0.1, 'orange'], [0.2, 'green']]))
    .withPanel(tablePanel('Firing alerts by component and severity', units.Short,
      [instantQuery('count by (component, severity) (ALERTS{alertstate="firing"})')], { span: 24 }));
