import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { Component } from '../lib/prometheus/rules/index.js';
import { UP_DOWN, healthMatrixPanel, instantQuery, odinDashboard, promQuery, row, statPanel, tablePanel, timeseriesPanel } from './common.js';

const firingIn = (component: Component) =>
  statPanel(`Firing: ${component}`, units.Short, [promQuery(`count(ALERTS{alertstate="firing", component="${component}"}) or vector(0)`)],
    { span: 4 }, [[null, 'green'], [1, 'red']]);

/** What is firing, what fired, and whether Alertmanager gets the notifications out. */
export const alertsOverviewDashboard = (): DashboardBuilder =>
  odinDashboard('odin-alerts', 'ODIN / Alerts overview', 'Firing and pending alerts per component and severity, history and delivery.')
    .withRow(row('Now'))
    .withPanel(firingIn(Component.GPU))
    .withPanel(firingIn(Component.NODE))
    .withPanel(firingIn(Component.KUBERNETES))
    .withPanel(firingIn(Component.SECURITY))
    .withPanel(firingIn(Component.ML))
    .withPanel(firingIn(Component.STACK))
    .withPanel(tablePanel('Firing and pending alerts', units.Short, [instantQuery('ALERTS')], { span: 24, height: 10 }))
    .withRow(row('History'))
    .withPanel(healthMatrixPanel('Alert timeline', [promQuery('max by (alertname, severity) (ALERTS{alertstate="firing"})',
      '{{alertname}} {{severity}}')], { span: 24, height: 10 }, { ...UP_DOWN, one: 'FIRING', zero: 'ok', healthy: 0 }))
    .withPanel(timeseriesPanel('Firing alerts by severity', units.Short,
      [promQuery('count by (severity) (ALERTS{alertstate="firing"})', '{{severity}}')]))
    .withRow(row('Delivery'))
    .withPanel(timeseriesPanel('Notifications sent and failed', units.OpsPerSecond, [
      promQuery('sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval]))', 'sent {{integration}}'),
      promQuery('sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))', 'failed {{integration}}'),
    ]))
    .withPanel(timeseriesPanel('Alerts in Alertmanager', units.Short, [promQuery('sum by (state) (alertmanager_alerts)', '{{state}}')]));
