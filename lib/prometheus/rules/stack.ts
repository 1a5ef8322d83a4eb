import { RecordedMetric } from './recording.js';
import { alertTwins, componentAlerts } from './twins.js';
import { Component, RuleGroup, Severity } from './types.js';

const stackAlert = componentAlerts(Component.STACK);

/** Failed notifications per sent notification of each integration (email, webhook). */
const NOTIFICATION_FAILURE_RATIO = 'sum by (instance, integration) (rate(alertmanager_notifications_failed_total[5m])) / ' +
  'sum by (instance, integration) (rate(alertmanager_notifications_total[5m]))';

/** Loki requests answered with a server error, per route. */
const LOKI_ERROR_RATIO = 'sum by (instance, route) (rate(loki_request_duration_seconds_count{status_code=~"5.."}[5m])) / ' +
  'sum by (instance, route) (rate(loki_request_duration_seconds_count[5m]))';

/** The monitoring stack watching itself: scraping, rules, notifications, logs. */
export const stackRules: RuleGroup = {
  name: 'odin.stack',
  rules: [
    ...alertTwins({
      alert: 'TargetDown',
      component: Component.STACK,
      summary: 'Scrape job {{ $labels.job }} is down',
      description: 'Only {{ $value | humanizePercentage }} of the targets of job {{ $labels.job }} answer Prometheus.',
      warning: { expr: `${RecordedMetric.JOB_UP} < 1`, for: '10m' },
      critical: { expr: `${RecordedMetric.JOB_UP} == 0`, for: '5m' },
    }),
    stackAlert(Severity.CRITICAL, {
      alert: 'PrometheusRuleEvaluationFailures',
      expr: 'increase(prometheus_rule_evaluation_failures_total[5m]) > 0',
      for: '15m',
      annotations: {
        summary: 'Prometheus fails to evaluate rules of {{ $labels.rule_group }}',
        description: '{{ $value | humanize }} evaluations of rule group {{ $labels.rule_group }} failed in 5 minutes: ' +
          'alerts of that group may never fire.',
      },
    }),
    stackAlert(Severity.CRITICAL, {
      alert: 'PrometheusNotConnectedToAlertmanager',
      expr: 'prometheus_notifications_alertmanagers_discovered < 1',
      for: '10m',
      annotations: {
        summary: 'Prometheus {{ $labels.instance }} has no Alertmanager',
        description: 'Prometheus {{ $labels.instance }} discovers {{ $value | humanize }} Alertmanagers: no alert reaches anyone.',
      },
    }),
    stackAlert(Severity.WARNING, {
      alert: 'PrometheusConfigReloadFailed',
      expr: 'max_over_time(prometheus_config_last_reload_successful[5m]) == 0',
      for: '10m',
      annotations: {
        summary: 'Prometheus {{ $labels.instance }} rejected its configuration',
        description: 'The last configuration reload of Prometheus {{ $labels.instance }} failed (value {{ $value | humanize }}); ' +
          'it runs on the previous configuration.',
      },
    }),
    stackAlert(Severity.WARNING, {
      alert: 'PrometheusTsdbFailing',
      expr: 'increase(prometheus_tsdb_compactions_failed_total[3h]) + increase(prometheus_tsdb_reloads_failures_total[3h]) > 0',
      for: '5m',
      annotations: {
        summary: 'Prometheus {{ $labels.instance }} storage is failing',
        description: 'Prometheus {{ $labels.instance }} had {{ $value | humanize }} failed compactions or block reloads in 3 hours; ' +
          'the disk may be full or corrupt.',
      },
    }),
    ...alertTwins({
      alert: 'AlertmanagerNotificationsFailing',
      component: Component.STACK,
      summary: 'Alertmanager fails to send {{ $labels.integration }} notifications',
      description: 'Alertmanager {{ $labels.instance }} fails {{ $value | humanizePercentage }} of its {{ $labels.integration }} ' +
        'notifications; check the SMTP server and credentials.',
      warning: { expr: `${NOTIFICATION_FAILURE_RATIO} > 0.01`, for: '5m' },
      critical: { expr: `${NOTIFICATION_FAILURE_RATIO} > 0.5`, for: '5m' },
    }),
    stackAlert(Severity.CRITICAL, {
      alert: 'LokiRequestErrors',
      expr: `${LOKI_ERROR_RATIO} > 0.1`,
      for: '15m',
      annotations: {
        summary: 'Loki {{ $labels.instance }} fails requests on {{ $labels.route }}',
        description: 'Loki {{ $labels.instance }} answers {{ $value | humanizePercentage }} of {{ $labels.route }} requests ' +
          'with a server error: logs are lost or unreadable.',
      },
    }),
    stackAlert(Severity.WARNING, {
      alert: 'PromtailDroppingLogs',
      expr: 'increase(promtail_dropped_entries_total[10m]) > 0',
      for: '5m',
      annotations: {
        summary: 'Promtail on {{ $labels.instance }} drops log lines',
        description: 'Promtail on {{ $labels.instance }} dropped {{ $value | humanize }} log lines in 10 minutes, ' +
          'probably because Loki refused them.',
      },
    }),
  ],
};
