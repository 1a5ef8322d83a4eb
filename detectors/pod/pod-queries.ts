import type { PrometheusClient, Series } from '../runtime/mode.js';

/** One resource series the pod detector scores, fetched with a single query for all pods. */
export interface PodMetric {
  /** Value of the `metric` label of `odin_anomaly_score`. */
  readonly name: string;
  /**
   * PromQL giving one series per (namespace, pod); `rateWindow` is a PromQL duration such as `5m`, `matchers`
   * extra label matchers for every selector (e.g. `namespace="shop"`), or '' for all pods.
   */
  query(rateWindow: string, matchers?: string): string;
  /**
   * Whether a forest over the deviation and time of day is worth it: yes for CPU and memory, which follow the
   * daily load; no for the simple metrics (counts that are almost always 0, the time since ready that only
   * grows), which robust statistics score as well.
   */
  readonly withForest: boolean;
}

// cAdvisor also reports the pod's own cgroup (container="") and, on older runtimes, the pause container
// (container="POD"); summing those with the containers would count every pod twice.
const CONTAINERS = 'container!="",container!="POD",pod!=""';

/** A selector's matchers with the extra ones appended. */
function and(base: string, extra = ''): string {
  return [base, extra].filter((m) => m !== '').join(',');
}

/** The six per-pod series of the spec, from cAdvisor and kube-state-metrics. */
export const POD_METRICS: readonly PodMetric[] = [
  {
    name: 'cpu_usage_rate', withForest: true,
    query: (w, m) => `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${and(CONTAINERS, m)}}[${w}]))`,
  },
  {
    name: 'memory_working_set_bytes', withForest: true,
    query: (_w, m) => `sum by (namespace, pod) (container_memory_working_set_bytes{${and(CONTAINERS, m)}})`,
  },
  {
    name: 'restarts_1h', withForest: false,
    query: (_w, m) => `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${and('', m)}}[1h]))`,
  },
  {
    name: 'seconds_since_ready', withForest: false,
    query: (_w, m) => `time() - max by (namespace, pod) (kube_pod_status_ready_time{${and('', m)}})`,
  },
  {
    // Restarts whose cause was an OOM kill (kube-state-metrics), 0 for every other pod so the namespace baseline
    // holds the pods that were not killed too. cAdvisor's container_oom_events_total cannot tell: the killed
    // container's series ends with it and the restarted one starts at 0, so increase() rarely sees the kill.
    name: 'oom_events', withForest: false,
    query: (w, m) => `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${and('', m)}}[${w}])`
      + ` and on (namespace, pod, container) kube_pod_container_status_last_terminated_reason{${and('reason="OOMKilled"', m)}} == 1)`
      + ` or 0 * sum by (namespace, pod) (kube_pod_container_status_restarts_total{${and('', m)}})`,
  },
  {
    // Two sums, not one over a regex on __name__: rate() drops the name, and the receive and transmit series of
    // an interface would then collide. cAdvisor exports both for every interface, so the join loses no pod.
    name: 'network_errors_rate', withForest: false,
    query: (w, m) => `sum by (namespace, pod) (rate(container_network_receive_errors_total{${and('pod!=""', m)}}[${w}]))`
      + ` + sum by (namespace, pod) (rate(container_network_transmit_errors_total{${and('pod!=""', m)}}[${w}]))`,
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

/**
 * All pods' history of `metric` over the window, pooled by namespace: one range query per namespace (those that
 * have the metric now), so that memory is bounded by the largest namespace, not the cluster. A week of 2,000
 * pods in one answer is millions of points, hundreds of MB once parsed.
 */
export async function fetchNamespaceHistory(
  prometheus: PrometheusClient, metric: PodMetric, rateWindow: string,
  range: { startSec: number; endSec: number; stepSec: number }, signal: AbortSignal,
): Promise<Map<string, NamespaceSamples>> {
  const current = await prometheus.query(`count by (namespace) (${metric.query(rateWindow)})`, range.endSec, signal);
  const pooled = new Map<string, NamespaceSamples>();
  for (const namespace of current.map((s) => s.labels.namespace).filter((ns): ns is string => Boolean(ns))) {
    const matcher = `namespace=${JSON.stringify(namespace)}`;
    const series = await prometheus.queryRange(metric.query(rateWindow, matcher), range.startSec, range.endSec, range.stepSec, signal);
    pooled.set(namespace, pool(series));
  }
  return pooled;
}

function pool(series: readonly Series[]): NamespaceSamples {
  const samples: NamespaceSamples = { timestampsSec: [], values: [] };
  for (const s of series) {
    for (const [t, v] of s.points) {
      if (!Number.isFinite(v)) continue;
      samples.timestampsSec.push(t);
      samples.values.push(v);
    }
  }
  return samples;
}
