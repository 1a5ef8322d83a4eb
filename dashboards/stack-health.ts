import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import { healthMatrixPanel, odinDashboard, promQuery, row, statPanel, timeseriesPanel } from './common.js';

const p99 = (histogram: string, by: string) =>
  `histogram_quantile(0.99, sum by (le, ${by}) (rate(${histogram}_bucket[$__rate_interval])))`;

/** The monitoring stack watching itself: Prometheus, Alertmanager, Loki, Promtail, Grafana and the detectors. */
export const stackHealthDashboard = (): DashboardBuilder =>
  odinDashboard('odin-stack-health', 'ODIN / Stack health', 'Scrape health, rule evaluation, storage, notifications and log shipping.')
    .withRow(row('Targets'))
    .withPanel(healthMatrixPanel('Targets', [promQuery('up', '{{job}} {{instance}}')], { span: 24, height: 10 }))
    .withPanel(timeseriesPanel('Scrape duration', units.Seconds, [promQuery('max by (job) (scrape_duration_seconds)', '{{job}}')]))
    .withPanel(timeseriesPanel('Samples per scrape', units.Short, [promQuery('sum by (job) (scrape_samples_scraped)', '{{job}}')]))
    .withRow(row('Prometheus'))
    .withPanel(statPanel('Head series', units.Short, [promQuery('sum(prometheus_tsdb_head_series)')]))
    .withPanel(statPanel('Storage', units.BytesIEC, [promQuery('sum(prometheus_tsdb_storage_blocks_bytes)')]))
    .withPanel(statPanel('Config reloaded', units.Short, [promQuery('min(prometheus_config_last_reload_successful)')], {},
      [[null, 'red'], [1, 'green']]))
    .withPanel(statPanel('Alertmanagers discovered', units.Short, [promQuery('min(prometheus_notifications_alertmanagers_discovered)')],
      {}, [[null, 'red'], [1, 'green']]))
    .withPanel(timeseriesPanel('Rule group duration of interval', units.PercentUnit, [promQuery(
      'prometheus_rule_group_last_duration_seconds / prometheus_rule_group_interval_seconds', '{{rule_group}}')]))
    .withPanel(timeseriesPanel('Rule evaluation failures', units.OpsPerSecond, [promQuery(
      'sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total[$__rate_interval]))', '{{rule_group}}')]))
    .withPanel(timeseriesPanel('Notifications to Alertmanager', units.OpsPerSecond, [
      promQuery('sum(rate(prometheus_notifications_sent_total[$__rate_interval]))', 'sent'),
      promQuery('sum(rate(prometheus_notifications_errors_total[$__rate_interval]))', 'errors'),
      promQuery('sum(rate(prometheus_notifications_dropped_total[$__rate_interval]))', 'dropped'),
    ]))
    .withPanel(timeseriesPanel('HTTP API p99', units.Seconds, [promQuery(p99('prometheus_http_request_duration_seconds', 'handler'),
      '{{handler}}')]))
    .withRow(row('Logs'))
    .withPanel(timeseriesPanel('Loki requests by status', units.RequestsPerSecond, [promQuery(
      'sum by (route, status_code) (rate(loki_request_duration_seconds_count[$__rate_interval]))', '{{route}} {{status_code}}')]))
    .withPanel(timeseriesPanel('Loki p99 latency', units.Seconds, [promQuery(p99('loki_request_duration_seconds', 'route'), '{{route}}')]))
    .withPanel(timeseriesPanel('Lines in and dropped', units.OpsPerSecond, [
      promQuery('sum(rate(loki_distributor_lines_received_total[$__rate_interval]))', 'received by Loki'),
      promQuery('sum(rate(promtail_sent_entries_total[$__rate_interval]))', 'sent by Promtail'),
      promQuery('sum(rate(promtail_dropped_entries_total[$__rate_interval]))', 'dropped by Promtail'),
      promQuery('sum(rate(loki_discarded_samples_total[$__rate_interval]))', 'discarded by Loki'),
    ]))
    .withPanel(statPanel('Loki streams', units.Short, [promQuery('sum(loki_ingester_memory_streams)')]))
    .withRow(row('Grafana and detectors'))
    .withPanel(timeseriesPanel('Grafana p99 latency', units.Seconds, [promQuery(p99('grafana_http_request_duration_seconds', 'handler'),
      '{{handler}}')]))
    .withPanel(timeseriesPanel('Detector memory', units.BytesIEC, [promQuery(
      'process_resident_memory_bytes{job=~".*(detector|exporter).*"}', '{{job}} {{instance}}')]))
    .withPanel(timeseriesPanel('Job availability', units.PercentUnit, [promQuery(RecordedMetric.JOB_UP, '{{job}}')]).max(1));
