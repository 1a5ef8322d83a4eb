/**
 * The catalog of every metric name the stack's scrape targets export, with where it comes from.
 *
 * Alert rules and dashboards may only use names listed here or produced by a recording rule: a test checks it,
 * so a typo in a query or a metric an exporter does not have fails the build instead of drawing an empty panel.
 * Histograms list their `_bucket`/`_sum`/`_count` series, since that is what queries name.
 */

/** Where a metric comes from. */
export enum MetricSource {
  /** Series Prometheus writes itself for every target and rule (`up`, `ALERTS`). */
  SCRAPE = 'scrape',
  NODE_EXPORTER = 'node-exporter',
  CADVISOR = 'cadvisor',
  KUBE_STATE_METRICS = 'kube-state-metrics',
  /** The cluster's CoreDNS (K3s's, in kube-system), scraped on its metrics port. */
  COREDNS = 'coredns',
  /** The detector image in `gpu-exporter` mode (nvidia-smi). */
  GPU_EXPORTER = 'gpu-exporter',
  /** The detector image in the `gpu`, `pod`, `process` and `disk` modes. */
  DETECTORS = 'detectors',
  PROMETHEUS = 'prometheus',
  ALERTMANAGER = 'alertmanager',
  LOKI = 'loki',
  PROMTAIL = 'promtail',
  GRAFANA = 'grafana',
  /**
   * The kubelet's /metrics. On K3s the API server, controller-manager, scheduler and kube-proxy share its registry,
   * so it serves about 20,000 series on a single node, mostly API-server histograms: the kubelet job keeps only the
   * names listed here (what rules and panels read; none yet), and its `up` still says whether K3s answers.
   */
  KUBELET = 'kubelet',
  /**
   * Coding assistants (Claude Code) pushing OpenTelemetry metrics to Prometheus's OTLP receiver. Names are after
   * Prometheus's OTLP translation: dots become underscores, the unit and `_total` are appended to counters.
   */
  OTLP_ASSISTANT = 'otlp-assistant',
}

const histogram = (name: string): string[] => [`${name}_bucket`, `${name}_sum`, `${name}_count`];

/** Metric names per source. */
export const EXPORTED_METRICS: Readonly<Record<MetricSource, readonly string[]>> = {
  [MetricSource.SCRAPE]: ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'ALERTS', 'ALERTS_FOR_STATE'],
  [MetricSource.NODE_EXPORTER]: [
    'node_cpu_seconds_total', 'node_load1', 'node_load5', 'node_load15',
    'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes', 'node_memory_SwapTotal_bytes', 'node_memory_SwapFree_bytes',
    'node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_files', 'node_filesystem_files_free',
    'node_filesystem_readonly',
    'node_disk_io_time_seconds_total', 'node_disk_read_bytes_total', 'node_disk_written_bytes_total',
    'node_network_receive_bytes_total', 'node_network_transmit_bytes_total',
    'node_network_receive_packets_total', 'node_network_transmit_packets_total',
    'node_network_receive_errs_total', 'node_network_transmit_errs_total',
    'node_network_receive_drop_total', 'node_network_transmit_drop_total',
    'node_hwmon_temp_celsius', 'node_boot_time_seconds', 'node_time_seconds', 'node_uname_info',
    'node_pressure_cpu_waiting_seconds_total', 'node_pressure_memory_waiting_seconds_total', 'node_pressure_io_waiting_seconds_total',
    // The tcpstat collector, which ODIN turns on.
    'node_tcp_connection_states',
  ],
  [MetricSource.CADVISOR]: [
    'container_cpu_usage_seconds_total', 'container_cpu_cfs_periods_total', 'container_cpu_cfs_throttled_periods_total',
    'container_memory_working_set_bytes', 'container_memory_rss', 'container_spec_memory_limit_bytes',
    'container_oom_events_total',
    'container_network_receive_bytes_total', 'container_network_transmit_bytes_total',
    'container_network_receive_errors_total', 'container_network_transmit_errors_total',
    'container_fs_reads_bytes_total', 'container_fs_writes_bytes_total',
  ],
  [MetricSource.KUBE_STATE_METRICS]: [
    'kube_pod_info', 'kube_pod_status_phase', 'kube_pod_status_ready', 'kube_pod_status_ready_time',
    'kube_pod_container_status_restarts_total', 'kube_pod_container_status_waiting_reason',
    'kube_pod_container_status_last_terminated_reason', 'kube_pod_container_resource_limits',
    'kube_pod_container_resource_requests',
    'kube_deployment_spec_replicas', 'kube_deployment_status_replicas_available',
    'kube_daemonset_status_desired_number_scheduled', 'kube_daemonset_status_number_ready',
    'kube_node_status_condition', 'kube_node_info',
  ],
  [MetricSource.COREDNS]: [
    'coredns_build_info', 'coredns_dns_requests_total', 'coredns_dns_responses_total',
    ...histogram('coredns_dns_request_duration_seconds'),
  ],
  [MetricSource.GPU_EXPORTER]: [
    'nvidia_smi_up', 'nvidia_smi_errors_total', 'nvidia_gpu_info',
    'nvidia_gpu_temperature_celsius', 'nvidia_gpu_memory_temperature_celsius',
    'nvidia_gpu_power_draw_watts', 'nvidia_gpu_power_limit_watts',
    'nvidia_gpu_utilization_gpu', 'nvidia_gpu_utilization_memory',
    'nvidia_gpu_memory_used_bytes', 'nvidia_gpu_memory_total_bytes',
    'nvidia_gpu_clock_sm_hertz', 'nvidia_gpu_clock_sm_max_hertz', 'nvidia_gpu_fan_speed_ratio',
    // 1 while nvidia-smi reports the clocks-event (throttle) reason named by the `reason` label as active.
    'nvidia_gpu_clocks_event_reason_active',
  ],
  [MetricSource.DETECTORS]: [
    'odin_anomaly_score', 'odin_anomaly', 'odin_anomaly_value', 'odin_anomaly_expected', 'odin_anomaly_direction', 'odin_model_age_seconds',
    'odin_detector_cycle_duration_seconds', 'odin_detector_errors_total', 'odin_detector_last_success_timestamp_seconds',
    'odin_model_training_failures_total', 'odin_process_threats_total', 'odin_process_threats',
    'odin_process_scanned', 'odin_process_scan_skipped_total',
    'odin_disk_days_until_full', 'odin_disk_fill_rate_bytes_per_second', 'odin_pod_status_anomaly', 'odin_model_load_failures_total',
    // prom-client's default process metrics, which every detector mode registers.
    'process_cpu_seconds_total', 'process_resident_memory_bytes',
  ],
  [MetricSource.PROMETHEUS]: [
    'prometheus_build_info', 'prometheus_config_last_reload_successful', 'prometheus_tsdb_head_series',
    'prometheus_tsdb_compactions_failed_total', 'prometheus_tsdb_reloads_failures_total', 'prometheus_tsdb_storage_blocks_bytes',
    'prometheus_rule_evaluation_failures_total', 'prometheus_rule_group_last_duration_seconds', 'prometheus_rule_group_interval_seconds',
    'prometheus_notifications_alertmanagers_discovered', 'prometheus_notifications_errors_total', 'prometheus_notifications_sent_total',
    'prometheus_notifications_dropped_total', 'prometheus_target_scrapes_exceeded_sample_limit_total',
    ...histogram('prometheus_http_request_duration_seconds'),
  ],
  [MetricSource.ALERTMANAGER]: [
    'alertmanager_build_info', 'alertmanager_config_last_reload_successful', 'alertmanager_alerts',
    'alertmanager_notifications_total', 'alertmanager_notifications_failed_total',
  ],
  [MetricSource.LOKI]: [
    'loki_build_info', 'loki_ingester_memory_streams', 'loki_distributor_lines_received_total', 'loki_distributor_bytes_received_total',
    'loki_discarded_samples_total',
    ...histogram('loki_request_duration_seconds'),
  ],
  [MetricSource.PROMTAIL]: [
    'promtail_sent_entries_total', 'promtail_dropped_entries_total', 'promtail_read_bytes_total',
    ...histogram('promtail_request_duration_seconds'),
  ],
  [MetricSource.GRAFANA]: ['grafana_build_info', ...histogram('grafana_http_request_duration_seconds')],
  [MetricSource.KUBELET]: [],
  [MetricSource.OTLP_ASSISTANT]: [
    'claude_code_session_count_total', 'claude_code_token_usage_tokens_total', 'claude_code_cost_usage_USD_total',
    'claude_code_lines_of_code_count_total', 'claude_code_commit_count_total', 'claude_code_pull_request_count_total',
    'claude_code_code_edit_tool_decision_count_total', 'claude_code_active_time_seconds_total',
    // OTLP resource attributes land on this one series per pushing process (Prometheus's OTLP translation).
    'target_info',
  ],
};

/** Every exported metric name, for membership checks. */
export const EXPORTED_METRIC_NAMES: ReadonlySet<string> = new Set(Object.values(EXPORTED_METRICS).flat());

/** The source of `name`, or undefined when no exporter of the stack exports it. */
export function metricSource(name: string): MetricSource | undefined {
  const entry = Object.entries(EXPORTED_METRICS).find(([, names]) => names.includes(name));
  return entry?.[0] as MetricSource | undefined;
}
