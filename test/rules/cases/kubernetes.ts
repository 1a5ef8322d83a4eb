import { POD_SERIES, withRuleLabels } from './labels.js';
import { AlertCase } from './types.js';

const kube = (labels: Record<string, string>) => withRuleLabels('warning', 'kubernetes', labels);
const CONTAINER = { job: 'kube-state-metrics', namespace: 'shop', pod: 'api-7d9f', container: 'api' };
const PHASE = 'job="kube-state-metrics", namespace="shop", pod="api-7d9f"';
const DEPLOYMENT = 'job="kube-state-metrics", namespace="shop", deployment="api"';
const CADVISOR = 'instance="node-1:8080", job="cadvisor", namespace="shop", pod="api-7d9f", image="shop/api:1.2"';
const POD_DETECTOR = 'instance="pod-detector:9406", job="pod-detector", namespace="shop", pod="api-7d9f", reason="CrashLoopBackOff"';

/** kube-state-metrics' phase and readiness series of a pod in `phase` with readiness `ready`, for 30 minutes. */
const podPhase = (phase: string, ready: 'true' | 'false', pod = 'api-7d9f') => {
  const labels = `job="kube-state-metrics", namespace="shop", pod="${pod}"`;
  return Object.fromEntries([
    ...['Pending', 'Running', 'Succeeded'].map((p) => [`kube_pod_status_phase{${labels}, phase="${p}"}`, p === phase ? '1x30' : '0x30']),
    ...['true', 'false'].map((c) => [`kube_pod_status_ready{${labels}, condition="${c}"}`, c === ready ? '1x30' : '0x30']),
  ]);
};
const notReady = {
  labels: kube({ namespace: 'shop', pod: 'api-7d9f' }),
  summary: 'Pod shop/api-7d9f is not ready',
  description: 'Pod shop/api-7d9f has been pending, failed, unknown or unready for 15 minutes (value 1).',
};
const terminated = (reason: string) => `kube_pod_container_status_last_terminated_reason{${POD_SERIES}, reason="${reason}"}`;
const crashLooping = `kube_pod_container_status_waiting_reason{${POD_SERIES}, reason="CrashLoopBackOff"}`;

export const kubernetesCases: AlertCase[] = [
  { alert: 'KubePodCrashLooping', name: 'warns after 15m in CrashLoopBackOff', series: { [crashLooping]: '1x30' }, at: '20m',
    fires: [{ labels: kube({ ...CONTAINER, reason: 'CrashLoopBackOff' }),
      summary: 'Pod shop/api-7d9f is crash looping',
      description: 'Container api of pod shop/api-7d9f has been in CrashLoopBackOff for 15 minutes (waiting = 1).' }] },
  { alert: 'KubePodCrashLooping', name: 'quiet once the container has run for 5m', series: { [crashLooping]: '1x5 0x20' },
    at: '20m', fires: [] },

  // A new pod: kube-state-metrics reports its restart counter from creation (at 0) and a last-terminated reason only
  // once the container has terminated.
  { alert: 'KubeContainerOomKilled', name: 'warns after a restart whose cause was OOMKilled',
    series: { [`kube_pod_container_status_restarts_total{${POD_SERIES}}`]: '_ 0x3 1x20', [terminated('OOMKilled')]: '_ _ _ _ _ 1x19' },
    at: '12m', fires: [{ labels: kube(CONTAINER),
      summary: 'Container api in shop/api-7d9f was OOM killed',
      description: 'Container api of pod shop/api-7d9f restarted 1 time(s) in 10 minutes after running out of memory; ' +
        'raise its limit or find the leak.' }] },
  { alert: 'KubeContainerOomKilled', name: 'warns at the first OOM kill of a container that never terminated before',
    // kube-state-metrics has no last-terminated series for a container that has never terminated.
    series: { [`kube_pod_container_status_restarts_total{${POD_SERIES}}`]: '0x4 1x20', [terminated('OOMKilled')]: '_x5 1x20' },
    at: '12m', fires: [{ labels: kube(CONTAINER),
      summary: 'Container api in shop/api-7d9f was OOM killed',
      description: 'Container api of pod shop/api-7d9f restarted 1 time(s) in 10 minutes after running out of memory; ' +
        'raise its limit or find the leak.' }] },
  { alert: 'KubeContainerOomKilled', name: 'quiet after a restart for another cause',
    series: { [`kube_pod_container_status_restarts_total{${POD_SERIES}}`]: '_ 0x3 1x20', [terminated('Error')]: '_ _ _ _ _ 1x19' },
    at: '12m', fires: [] },

  { alert: 'KubePodNotReady', name: 'warns after 15m pending', series: podPhase('Pending', 'false'), at: '20m', fires: [notReady] },
  { alert: 'KubePodNotReady', name: 'warns after 15m running with a failing readiness probe', series: podPhase('Running', 'false'),
    at: '20m', fires: [notReady] },
  { alert: 'KubePodNotReady', name: 'quiet for a ready pod and for a finished Job pod',
    series: { ...podPhase('Running', 'true'), ...podPhase('Succeeded', 'false', 'backup-28911') }, at: '20m', fires: [] },
  { alert: 'KubePodNotReady', name: 'quiet when the pod starts within 10m',
    series: { [`kube_pod_status_phase{${PHASE}, phase="Pending"}`]: '1x10 0x20',
      [`kube_pod_status_phase{${PHASE}, phase="Running"}`]: '0x10 1x20',
      [`kube_pod_status_ready{${PHASE}, condition="false"}`]: '1x10 0x20' },
    at: '25m', fires: [] },

  { alert: 'KubeDeploymentReplicasMismatch', name: 'warns when 2 of 3 replicas are missing for 15m',
    series: { [`kube_deployment_spec_replicas{${DEPLOYMENT}}`]: '3x30', [`kube_deployment_status_replicas_available{${DEPLOYMENT}}`]: '1x30' },
    at: '20m', fires: [{ labels: kube({ job: 'kube-state-metrics', namespace: 'shop', deployment: 'api' }),
      summary: 'Deployment shop/api is missing replicas',
      description: 'Deployment shop/api has 2 fewer available replicas than it asks for.' }] },
  { alert: 'KubeDeploymentReplicasMismatch', name: 'quiet when all replicas are available',
    series: { [`kube_deployment_spec_replicas{${DEPLOYMENT}}`]: '3x30', [`kube_deployment_status_replicas_available{${DEPLOYMENT}}`]: '3x30' },
    at: '20m', fires: [] },

  { alert: 'ContainerMemoryNearLimit', name: 'warns at 95% of the limit for 15m',
    series: { [`container_memory_working_set_bytes{${CADVISOR}, container="api"}`]: '950x30',
      [`container_spec_memory_limit_bytes{${CADVISOR}, container="api"}`]: '1000x30' },
    at: '20m', fires: [{ labels: kube({ instance: 'node-1:8080', job: 'cadvisor', namespace: 'shop', pod: 'api-7d9f',
      image: 'shop/api:1.2', container: 'api' }),
    summary: 'Container api in shop/api-7d9f is near its memory limit',
    description: 'Container api of pod shop/api-7d9f uses 95% of its memory limit; an OOM kill is close.' }] },
  { alert: 'ContainerMemoryNearLimit', name: 'quiet at 50% and for a container without a limit',
    series: { [`container_memory_working_set_bytes{${CADVISOR}, container="api"}`]: '500x30',
      [`container_spec_memory_limit_bytes{${CADVISOR}, container="api"}`]: '1000x30',
      [`container_memory_working_set_bytes{${CADVISOR}, container="worker"}`]: '5000x30',
      [`container_spec_memory_limit_bytes{${CADVISOR}, container="worker"}`]: '0x30' },
    at: '20m', fires: [] },

  { alert: 'PodStatusAnomaly', name: 'warns when the pod detector flags a pod for 5m',
    series: { [`odin_pod_status_anomaly{${POD_DETECTOR}}`]: '1x10' }, at: '6m',
    fires: [{ labels: kube({ instance: 'pod-detector:9406', job: 'pod-detector', namespace: 'shop', pod: 'api-7d9f',
      reason: 'CrashLoopBackOff' }),
    summary: 'The pod detector flags shop/api-7d9f: CrashLoopBackOff',
    description: 'Pod shop/api-7d9f is in state CrashLoopBackOff according to the Kubernetes API (flag 1).' }] },
  { alert: 'PodStatusAnomaly', name: 'quiet when the flag clears within 2m',
    series: { [`odin_pod_status_anomaly{${POD_DETECTOR}}`]: '1 1 0 0 0 0 0' }, at: '6m', fires: [] },
];
