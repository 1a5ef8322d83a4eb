import { POD_CONTAINERS } from './recording.js';
import { componentAlerts } from './twins.js';
import { Component, RuleGroup, Severity } from './types.js';

const kubernetesAlert = componentAlerts(Component.KUBERNETES);

/**
 * Restarts of each container over `window` while its last termination was an OOM kill (kube-state-metrics), with
 * `matchers` added to both selectors. cAdvisor's `container_oom_events_total` cannot tell: the killed container's
 * series ends with it and the restarted container starts a new one at 0, so `increase()` rarely sees the kill.
 * kube-state-metrics keeps the restart counter per container name and sets the last terminated reason at the
 * restart, so the pair ties an OOM kill to the moment it happened.
 */
export function oomKilledRestarts(window: string, matchers = ''): string {
  const selector = (own: string) => {
    const all = [own, matchers].filter((m) => m !== '').join(', ');
    return all === '' ? '' : `{${all}}`;
  };
  return `increase(kube_pod_container_status_restarts_total${selector('')}[${window}]) and on (namespace, pod, container) ` +
    `kube_pod_container_status_last_terminated_reason${selector('reason="OOMKilled"')} == 1`;
}

/** Pods and workloads, from kube-state-metrics, cAdvisor and the pod detector. */
export const kubernetesRules: RuleGroup = {
  name: 'odin.kubernetes',
  rules: [
    kubernetesAlert(Severity.WARNING, {
      alert: 'KubePodCrashLooping',
      expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
      for: '15m',
      annotations: {
        summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping',
        description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in ' +
          'CrashLoopBackOff for 15 minutes (waiting = {{ $value | humanize }}).',
      },
    }),
    kubernetesAlert(Severity.WARNING, {
      alert: 'KubeContainerOomKilled',
      // The restart within the last 10 minutes ties the OOM kill to now: the terminated reason stays until the next one.
      expr: `(${oomKilledRestarts('10m')}) >= 1`,
      for: '1m',
      annotations: {
        summary: 'Container {{ $labels.container }} in {{ $labels.namespace }}/{{ $labels.pod }} was OOM killed',
        description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted ' +
          '{{ $value | humanize }} time(s) in 10 minutes after running out of memory; raise its limit or find the leak.',
      },
    }),
    kubernetesAlert(Severity.WARNING, {
      alert: 'KubePodNotReady',
      // Stuck before running, or running with a failing readiness probe; a finished Job's pod (Succeeded) is neither.
      expr: 'max by (namespace, pod) (kube_pod_status_phase{phase=~"Pending|Unknown|Failed"} == 1 or ' +
        '(kube_pod_status_ready{condition="false"} == 1 and on (namespace, pod) kube_pod_status_phase{phase="Running"} == 1))',
      for: '15m',
      annotations: {
        summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is not ready',
        description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} has been pending, failed, unknown or unready for 15 minutes ' +
          '(value {{ $value | humanize }}).',
      },
    }),
    kubernetesAlert(Severity.WARNING, {
      alert: 'KubeDeploymentReplicasMismatch',
      expr: 'kube_deployment_spec_replicas - kube_deployment_status_replicas_available > 0',
      for: '15m',
      annotations: {
        summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} is missing replicas',
        description: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has {{ $value | humanize }} fewer available ' +
          'replicas than it asks for.',
      },
    }),
    kubernetesAlert(Severity.WARNING, {
      alert: 'ContainerMemoryNearLimit',
      expr: `container_memory_working_set_bytes{${POD_CONTAINERS}} / (container_spec_memory_limit_bytes{${POD_CONTAINERS}} > 0) > 0.9`,
      for: '15m',
      annotations: {
        summary: 'Container {{ $labels.container }} in {{ $labels.namespace }}/{{ $labels.pod }} is near its memory limit',
        description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} uses ' +
          '{{ $value | humanizePercentage }} of its memory limit; an OOM kill is close.',
      },
    }),
    kubernetesAlert(Severity.WARNING, {
      alert: 'PodStatusAnomaly',
      expr: 'odin_pod_status_anomaly == 1',
      for: '5m',
      annotations: {
        summary: 'The pod detector flags {{ $labels.namespace }}/{{ $labels.pod }}: {{ $labels.reason }}',
        description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is in state {{ $labels.reason }} according to the ' +
          'Kubernetes API (flag {{ $value | humanize }}).',
      },
    }),
  ],
};
