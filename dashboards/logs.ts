import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder, TextBoxVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DETECTOR_LOGS, HOST_LOGS, NAMESPACE, logsPanel, lokiQuery, namespaceVariable, odinDashboard, row, timeseriesPanel } from './common.js';

/** Log lines that say something went wrong, whatever the format. */
const ERRORS = '|~ "(?i)(error|fatal|panic|exception)"';

/** Pod and system logs from Loki, filtered by namespace and a search text. */
export const logsDashboard = (): DashboardBuilder =>
  odinDashboard('odin-logs', 'ODIN / Logs', 'Pod and host logs collected by Promtail into Loki.')
    .time({ from: 'now-1h', to: 'now' })
    .withVariable(namespaceVariable())
    .withVariable(new TextBoxVariableBuilder('search').label('Search (regex)').defaultValue(''))
    .withRow(row('Volume'))
    .withPanel(timeseriesPanel('Log lines per namespace', units.Short,
      [lokiQuery(`sum by (namespace) (count_over_time({${NAMESPACE}} [$__auto]))`, '{{namespace}}')]))
    .withPanel(timeseriesPanel('Error lines per namespace', units.Short,
      [lokiQuery(`sum by (namespace) (count_over_time({${NAMESPACE}} ${ERRORS} [$__auto]))`, '{{namespace}}')]))
    .withRow(row('Lines'))
    .withPanel(logsPanel('Pod logs', `{${NAMESPACE}} |~ "$search"`))
    .withPanel(logsPanel('Errors', `{${NAMESPACE}} ${ERRORS} |~ "$search"`))
    .withPanel(logsPanel('Detector errors and warnings', `${DETECTOR_LOGS} | json | level=~"error|warn"`))
    .withPanel(logsPanel('Host system logs', `${HOST_LOGS} |~ "$search"`));
