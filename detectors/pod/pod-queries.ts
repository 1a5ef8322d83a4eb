import type { PrometheusClient, Series } from '../runtime/mode.js';

/** One resource series the pod detector scores, fetched with a single query for all pods. */
export interface PodMetric {
  /** Value of the `metric` label of `odin_anomaly_score`. */
  readonly name: string;
  /** PromQL giving one series per (namespace, pod); `rateWindow` is a PromQL duration such as `5m`. */
  query(rateWindow: string): string;
  /**
   * Whether a forest over value and time of day is worth its memory (some 500 kB per namespace): yes for CPU and
   * memory, which follow the daily load; no for the simple metrics (counts that are almost always 0, the time
   * since ready that only grows), which robust statistics score as well.
   */
  readonly withForest: boolean;
}

// cAdvisor also reports the pod's own cgroup (container="") and, on older runtimes, the pause container
// (container="POD"); summing those with the containers would count every pod twice.
const CONTAINERS = 'container!="",container!="POD",pod!=""';

/** The six per-pod series of the spec, from cAdvisor and kube-state-metrics. */
export const POD_METRICS: readonly PodMetric[] = [
  { name: 'cpu_usage_rate', withForest: true, query: (w) => `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${CONTAINERS}}[${w}]))` },
  { name: 'memory_working_set_bytes', withForest: true, query: () => `sum by (namespace, pod) (container_memory_working_set_bytes{${CONTAINERS}})` },
  { name: 'restarts_1h', withForest: false, query: () => 'sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[1h]))' },
  { name: 'seconds_since_ready', withForest: false, query: () => 'time() - max by (namespace, pod) (kube_pod_status_ready_time)' },
  { name: 'oom_events', withForest: false, query: (w) => `sum by (namespace, pod) (increase(container_oom_events_total{${CONTAINERS}}[${w}]))` },
  {
    // Two sums, not one over a regex on __name__: rate() drops the name, and the receive and transmit series of
    // an interface would then collide. cAdvisor exports both for every interface, so the join loses no pod.
    name: 'network_errors_rate',
    withForest: false,
    query: (w) => `sum by (namespace, pod) (rate(container_network_receive_errors_total{pod!=""}[${w}]))`
      + ` + sum by (namespace, pod) (rate(container_network_transmit_errors_total{pod!=""}[${w}]))`,
  },
];

/** One pod's latest value of one metric. */
export interface PodValue {
  readonly namespace: string;
  readonly pod: string;
  readonly value: number;
}

/** The latest value of `metric` for every pod, from one instant query. Series without namespace or pod are dropped. */
export async function fetchPodValues(
  prometheus: PrometheusClient, metric: PodMetric, rateWindow: string, signal: AbortSignal,
): Promise<PodValue[]> {
  const series = await prometheus.query(metric.query(rateWindow), undefined, signal);
  const values: PodValue[] = [];
  for (const s of series) {
    const last = s.points[s.points.length - 1];
    const { namespace, pod } = s.labels;
    if (last !== undefined && namespace && pod && Number.isFinite(last[1])) values.push({ namespace, pod, value: last[1] });
  }
  return values;
}

/** Training samples of one metric, pooled per namespace: every pod's points over the window. */
export interface NamespaceSamples {
  readonly timestampsSec: number[];
  readonly values: number[];
}

/** All pods' history of `metric` over the window, from one range query, pooled by namespace. */
export async function fetchNamespaceHistory(
  prometheus: PrometheusClient, metric: PodMetric, rateWindow: string,
  range: { startSec: number; endSec: number; stepSec: number }, signal: AbortSignal,
): Promise<Map<string, NamespaceSamples>> {
  const series = await prometheus.queryRange(metric.query(rateWindow), range.startSec, range.endSec, range.stepSec, signal);
  return poolByNamespace(series);
}

function poolByNamespace(series: readonly Series[]): Map<string, NamespaceSamples> {
  const pooled = new Map<string, NamespaceSamples>();
  for (const s of series) {
    const namespace = s.labels.namespace;
    if (!namespace) continue;
    const samples = pooled.get(namespace) ?? { timestampsSec: [], values: [] };
    pooled.set(namespace, samples);
    for (const [t, v] of s.points) {
      if (!Number.isFinite(v)) continue;
      samples.timestampsSec.push(t);
      samples.values.push(v);
    }
  }
  return pooled;
}
