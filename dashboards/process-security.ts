import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  PROCESS_DETECTOR_LOGS, anomalyScorePanel, bandPositionPanel, instantQuery, logsPanel, odinDashboard, promQuery, row, statPanel, tablePanel, timeseriesPanel,
} from './common.js';

/** Threats found now, of one severity. */
const threatsNow = (severity: string) => promQuery(`sum(odin_process_threats{severity="${severity}"}) or vector(0)`);

/** What the process detector finds on the host: threats by category and severity, and odd per-process resource use. */
export const processSecurityDashboard = (): DashboardBuilder =>
  odinDashboard('odin-process-security', 'ODIN / Process security',
    'Suspicious processes found by the process detector; the evidence (PID, executable, parent) is in its logs.')
    .withRow(row('Threats now'))
    .withPanel(statPanel('Critical', units.Short, [threatsNow('critical')], {}, [[null, 'green'], [1, 'red']]))
    .withPanel(statPanel('High', units.Short, [threatsNow('high')], {}, [[null, 'green'], [1, 'red']]))
    .withPanel(statPanel('Medium', units.Short, [threatsNow('medium')], {}, [[null, 'green'], [1, 'orange']]))
    .withPanel(statPanel('Low', units.Short, [threatsNow('low')], {}, [[null, 'green'], [1, 'yellow']]))
    .withPanel(tablePanel('Current findings by rule', units.Short,
      [instantQuery('sum by (node, category, severity, rule) (odin_process_threats) > 0')], { span: 24 }))
    .withRow(row('History'))
    .withPanel(timeseriesPanel('Findings per hour by category', units.Short,
      [promQuery('sum by (category) (increase(odin_process_threats_total[1h]))', '{{category}}')]))
    .withPanel(timeseriesPanel('Findings per hour by severity', units.Short,
      [promQuery('sum by (severity) (increase(odin_process_threats_total[1h]))', '{{severity}}')]))
    .withRow(row('Per-process resource anomalies'))
    .withPanel(anomalyScorePanel('Process CPU and memory anomaly scores', 'detector="process"', '{{metric}} {{process_name}}'))
    .withPanel(bandPositionPanel('Where each process name lies in its expected range (0 lower edge, 1 upper edge)',
      'detector="process"', '{{metric}} {{process_name}}'))
    .withRow(row('Coverage'))
    .withPanel(timeseriesPanel('Processes scanned per cycle', units.Short, [promQuery('odin_process_scanned', '{{node}}')]))
    .withPanel(timeseriesPanel('/proc entries not fully read', units.Short,
      [promQuery('sum by (node, reason) (increase(odin_process_scan_skipped_total[$__rate_interval]))', '{{node}} {{reason}}')]))
    .withRow(row('Evidence'))
    .withPanel(logsPanel('Findings with evidence (process detector logs)',
      `${PROCESS_DETECTOR_LOGS} | json | category != ""`));
