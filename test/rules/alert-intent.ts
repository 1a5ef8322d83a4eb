/**
 * What each alert is meant to do, declared apart from the rule: its `for` and its threshold comparison. The
 * boundary cases (boundaries.test.ts) are planned from these numbers and run against the rule as written, so a
 * number changed in the rule alone (a `for` halved, a threshold moved) fails them; a deliberate change edits both.
 * Numbers the product specification fixes are marked (SPEC); the others are the project's own choices, each
 * explained beside its rule in lib/prometheus/rules/.
 */
import type { AlertIntent } from './boundaries/derive.js';

/** By `<alert>/<severity>`; every alert rule has one entry, and every entry an alert rule. */
export const ALERT_INTENT: Readonly<Record<string, AlertIntent>> = {
  // odin.thermal
  'GpuTemperatureHigh/warning': { for: '5m', threshold: '> 80' },
  'GpuTemperatureHigh/critical': { for: '2m', threshold: '> 85' }, // SPEC: above 85 °C for more than 2 minutes
  'GpuThermalThrottling/warning': { for: '5m', threshold: '== 1' },
  'GpuThermalThrottling/critical': { for: '2m', threshold: '== 1' },
  'GpuHardwareSlowdown/critical': { for: '2m', threshold: '== 1' },
  'GpuMemoryAlmostFull/warning': { for: '15m', threshold: '> 0.95' },
  'NvidiaSmiDown/warning': { for: '5m', threshold: '== 0' },
  // odin.resources
  'NodeMemoryHigh/warning': { for: '5m', threshold: '> 0.9' }, // SPEC: memory > 90% for 5 m
  'NodeMemoryHigh/critical': { for: '5m', threshold: '> 0.97' },
  'NodeFilesystemAlmostFull/warning': { for: '5m', threshold: '< 0.1' }, // SPEC: disk < 10% free
  'NodeFilesystemAlmostFull/critical': { for: '5m', threshold: '< 0.05' },
  'NodeFilesystemSpaceFillingUp/warning': { for: '1h', threshold: '< 0' },
  'NodeFilesystemSpaceFillingUp/critical': { for: '1h', threshold: '< 0' },
  'NodeCpuSaturated/warning': { for: '15m', threshold: '> 0.95' }, // SPEC: CPU > 95% sustained
  'NodeDiskIoSaturated/warning': { for: '30m', threshold: '> 0.9' },
  'NodeNetworkErrors/warning': { for: '10m', threshold: '> 1' },
  'DiskFullPredicted/warning': { for: '30m', threshold: '< 1' }, // SPEC: disk full within 24 h (days)
  // odin.kubernetes
  'KubePodCrashLooping/warning': { for: '15m', threshold: '>= 1' },
  'KubeContainerOomKilled/warning': { for: '1m', threshold: '>= 1' },
  'KubePodNotReady/warning': { for: '15m', threshold: '== 1' },
  'KubeDeploymentReplicasMismatch/warning': { for: '15m', threshold: '> 0' },
  'ContainerMemoryNearLimit/warning': { for: '15m', threshold: '> 0.9' },
  'PodStatusAnomaly/warning': { for: '5m', threshold: '== 1' },
  // odin.network
  'DnsLatencyHigh/warning': { for: '10m', threshold: '> 1' },
  'DnsFailuresHigh/warning': { for: '10m', threshold: '> 0.01' },
  'DnsFailuresHigh/critical': { for: '10m', threshold: '> 0.03' },
  // odin.security
  'ProcessThreatDetected/warning': { for: '1m', threshold: '> 0' },
  'ProcessThreatDetected/critical': { for: '1m', threshold: '> 0' },
  'ProcessThreatSeenRecently/warning': { for: '1m', threshold: '> 0' },
  // odin.ml
  'AnomalyScoreHigh/warning': { for: '10m', threshold: '> 90' },
  'AnomalyScoreHigh/critical': { for: '5m', threshold: '> 98' },
  'AnomalyEvent/warning': { for: '1m', threshold: '> 90' },
  'AnomalyDetectorDown/critical': { for: '5m', threshold: '== 0' },
  'DetectorCycleStalled/warning': { for: '5m', threshold: '> 600' },
  'ModelTrainingFailing/warning': { for: '5m', threshold: '> 0' },
  'ModelStale/warning': { for: '30m', threshold: '> 46800' },
  'ModelStale/critical': { for: '30m', threshold: '> 172800' },
  // odin.stack
  'TargetDown/warning': { for: '10m', threshold: '< 1' },
  'TargetDown/critical': { for: '5m', threshold: '== 0' },
  'PrometheusRuleEvaluationFailures/critical': { for: '15m', threshold: '> 0' },
  'PrometheusNotConnectedToAlertmanager/critical': { for: '10m', threshold: '< 1' },
  'PrometheusConfigReloadFailed/warning': { for: '10m', threshold: '== 0' },
  'PrometheusTsdbFailing/warning': { for: '5m', threshold: '> 0' },
  'AlertmanagerNotificationsFailing/warning': { for: '5m', threshold: '> 0.01' },
  'AlertmanagerNotificationsFailing/critical': { for: '5m', threshold: '> 0.5' },
  'LokiRequestErrors/critical': { for: '15m', threshold: '> 0.1' },
  'PromtailDroppingLogs/warning': { for: '5m', threshold: '> 0' },
};
