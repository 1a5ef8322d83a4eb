import { withRuleLabels } from './labels.js';
import { AlertCase } from './types.js';

const PROMETHEUS = 'instance="prometheus:9090", job="prometheus"';
const PROMETHEUS_LABELS = { instance: 'prometheus:9090', job: 'prometheus' };
const RULE_GROUP = '/etc/prometheus/rules/odin.ml.rules.yaml;odin.ml';
const EMAIL = 'instance="alertmanager:9093", job="alertmanager", integration="email"';
const PUSH = 'instance="loki:3100", job="loki", route="loki_api_v1_push"';
const PROMTAIL = { instance: 'node-1:9080', job: 'promtail', host: 'loki:3100' };

const stack = (severity: string, labels: Record<string, string>) => withRuleLabels(severity, 'stack', labels);
const lokiTargets = (a: string, b: string) => ({ 'up{instance="loki-0:3100", job="loki"}': a, 'up{instance="loki-1:3100", job="loki"}': b });
const targetDown = (share: string) => ({
  summary: 'Scrape job loki is down',
  description: `Only ${share} of the targets of job loki answer Prometheus.`,
});
const notifications = (failed: string) => ({
  [`alertmanager_notifications_total{${EMAIL}}`]: '0+10x30', [`alertmanager_notifications_failed_total{${EMAIL}}`]: failed,
});
const notificationsFailing = (share: string) => ({
  summary: 'Alertmanager fails to send email notifications',
  description: `Alertmanager alertmanager:9093 fails ${share} of its email notifications; check the SMTP server and credentials.`,
});
const lokiRequests = (errors: string, ok: string) => ({
  [`loki_request_duration_seconds_count{${PUSH}, status_code="500"}`]: errors,
  [`loki_request_duration_seconds_count{${PUSH}, status_code="204"}`]: ok,
});

export const stackCases: AlertCase[] = [
  { alert: 'TargetDown', name: 'warns when half a job is down for 10m', series: lokiTargets('0x20', '1x20'), at: '12m',
    fires: [{ labels: stack('warning', { job: 'loki' }), ...targetDown('50%') }] },
  { alert: 'TargetDown', name: 'pages when a whole job is down for 5m', series: lokiTargets('0x20', '0x20'), at: '12m',
    fires: [
      { labels: stack('warning', { job: 'loki' }), ...targetDown('0%') },
      { labels: stack('critical', { job: 'loki' }), ...targetDown('0%') },
    ] },
  { alert: 'TargetDown', name: 'quiet when every target answers', series: lokiTargets('1x20', '1x20'), at: '12m', fires: [] },
  { alert: 'TargetDown', name: 'quiet when a target was down 5m only', series: lokiTargets('1x5 0x5 1x5', '1x15'), at: '15m', fires: [] },

  { alert: 'PrometheusRuleEvaluationFailures', name: 'pages after 15m of failures',
    series: { [`prometheus_rule_evaluation_failures_total{${PROMETHEUS}, rule_group="${RULE_GROUP}"}`]: '0+1x30' }, at: '20m',
    fires: [{ labels: stack('critical', { ...PROMETHEUS_LABELS, rule_group: RULE_GROUP }),
      summary: `Prometheus fails to evaluate rules of ${RULE_GROUP}`,
      description: `5 evaluations of rule group ${RULE_GROUP} failed in 5 minutes: alerts of that group may never fire.` }] },
  { alert: 'PrometheusRuleEvaluationFailures', name: 'quiet without failures',
    series: { [`prometheus_rule_evaluation_failures_total{${PROMETHEUS}, rule_group="${RULE_GROUP}"}`]: '0x30' }, at: '20m', fires: [] },

  { alert: 'PrometheusNotConnectedToAlertmanager', name: 'pages when no Alertmanager is discovered for 10m',
    series: { [`prometheus_notifications_alertmanagers_discovered{${PROMETHEUS}}`]: '0x20' }, at: '11m',
    fires: [{ labels: stack('critical', PROMETHEUS_LABELS), summary: 'Prometheus prometheus:9090 has no Alertmanager',
      description: 'Prometheus prometheus:9090 discovers 0 Alertmanagers: no alert reaches anyone.' }] },
  { alert: 'PrometheusNotConnectedToAlertmanager', name: 'quiet with one Alertmanager',
    series: { [`prometheus_notifications_alertmanagers_discovered{${PROMETHEUS}}`]: '1x20' }, at: '11m', fires: [] },

  { alert: 'PrometheusConfigReloadFailed', name: 'warns when reloads fail for 15m',
    series: { [`prometheus_config_last_reload_successful{${PROMETHEUS}}`]: '0x30' }, at: '16m',
    fires: [{ labels: stack('warning', PROMETHEUS_LABELS), summary: 'Prometheus prometheus:9090 rejected its configuration',
      description: 'The last configuration reload of Prometheus prometheus:9090 failed (value 0); it runs on the previous configuration.' }] },
  { alert: 'PrometheusConfigReloadFailed', name: 'quiet once a reload succeeds',
    series: { [`prometheus_config_last_reload_successful{${PROMETHEUS}}`]: '0 0 1x20' }, at: '16m', fires: [] },

  { alert: 'PrometheusTsdbFailing', name: 'warns after a failed compaction',
    series: { [`prometheus_tsdb_compactions_failed_total{${PROMETHEUS}}`]: '0 0 1x30',
      [`prometheus_tsdb_reloads_failures_total{${PROMETHEUS}}`]: '0x32' }, at: '20m',
    fires: [{ labels: stack('warning', PROMETHEUS_LABELS), summary: 'Prometheus prometheus:9090 storage is failing',
      description: 'Prometheus prometheus:9090 had 1 failed compactions or block reloads in 3 hours; the disk may be full or corrupt.' }] },
  { alert: 'PrometheusTsdbFailing', name: 'quiet without failures',
    series: { [`prometheus_tsdb_compactions_failed_total{${PROMETHEUS}}`]: '0x30',
      [`prometheus_tsdb_reloads_failures_total{${PROMETHEUS}}`]: '0x30' }, at: '20m', fires: [] },

  { alert: 'AlertmanagerNotificationsFailing', name: 'warns when 10% of emails fail', series: notifications('0+1x30'), at: '12m',
    fires: [{ labels: stack('warning', { instance: 'alertmanager:9093', integration: 'email' }), ...notificationsFailing('10%') }] },
  { alert: 'AlertmanagerNotificationsFailing', name: 'pages when 80% of emails fail', series: notifications('0+8x30'), at: '12m',
    fires: [{ labels: stack('warning', { instance: 'alertmanager:9093', integration: 'email' }), ...notificationsFailing('80%') },
      { labels: stack('critical', { instance: 'alertmanager:9093', integration: 'email' }), ...notificationsFailing('80%') }] },
  { alert: 'AlertmanagerNotificationsFailing', name: 'quiet when every email is sent', series: notifications('0x30'), at: '12m',
    fires: [] },

  { alert: 'LokiRequestErrors', name: 'pages when 30% of pushes fail for 15m', series: lokiRequests('0+3x30', '0+7x30'), at: '20m',
    fires: [{ labels: stack('critical', { instance: 'loki:3100', route: 'loki_api_v1_push' }),
      summary: 'Loki loki:3100 fails requests on loki_api_v1_push',
      description: 'Loki loki:3100 answers 30% of loki_api_v1_push requests with a server error: logs are lost or unreadable.' }] },
  { alert: 'LokiRequestErrors', name: 'quiet at 5% errors', series: lokiRequests('0+1x30', '0+19x30'), at: '20m', fires: [] },

  { alert: 'PromtailDroppingLogs', name: 'warns after dropped lines',
    series: { [`promtail_dropped_entries_total{instance="node-1:9080", job="promtail", host="loki:3100"}`]: '0x5 5x30' }, at: '12m',
    fires: [{ labels: stack('warning', PROMTAIL), summary: 'Promtail on node-1:9080 drops log lines',
      description: 'Promtail on node-1:9080 dropped 5 log lines in 10 minutes, probably because Loki refused them.' }] },
  { alert: 'PromtailDroppingLogs', name: 'quiet without drops',
    series: { [`promtail_dropped_entries_total{instance="node-1:9080", job="promtail", host="loki:3100"}`]: '0x30' }, at: '12m',
    fires: [] },
];
