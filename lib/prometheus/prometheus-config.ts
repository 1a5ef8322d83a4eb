import { ScrapeEndpoint } from '../core/scrape-target.js';
import { EXPORTED_METRICS, MetricSource } from '../exporters/exported-metrics.js';

/** Where the in-pod service-account files live; Prometheus authenticates to the kubelet with them. */
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The credentials Prometheus presents to servers behind basic auth (its own included). */
export interface ClientAuth {
  readonly username: string;
  /** The mounted file holding the password; Prometheus reads it on every use. */
  readonly passwordFile: string;
}

/** An Alertmanager Prometheus sends alerts to. */
export interface AlertmanagerEndpoint {
  /** `host:port`. */
  readonly address: string;
  /** Its API needs basic auth. */
  readonly basicAuth: boolean;
}

/** Inputs of the generated prometheus.yml. */
export interface PrometheusConfigInput {
  readonly scrapeIntervalSec: number;
  /** Value of the `cluster` external label. */
  readonly clusterName: string;
  readonly targets: readonly ScrapeEndpoint[];
  readonly alertmanagers: readonly AlertmanagerEndpoint[];
  /** Prometheus's own port, scraped on localhost. */
  readonly selfPort: number;
  /** Glob of the rule files. */
  readonly ruleFilesGlob: string;
  readonly remoteWriteUrls: readonly string[];
  /** Scrape each node's kubelet (K3s serves its control-plane metrics there). */
  readonly scrapeKubelet: boolean;
  /** Prometheus's credentials; when set, Prometheus itself serves behind basic auth and scrapes itself with them. */
  readonly clientAuth?: ClientAuth;
}

/** The `basic_auth` block of a job that needs it. */
function basicAuth(required: boolean | undefined, auth: ClientAuth | undefined, what: string): Record<string, unknown> {
  if (!required) return {};
  if (!auth) throw new Error(`${what} needs basic auth, but Prometheus has no credentials to send (its 'webAuth' is not set)`);
  return { basic_auth: { username: auth.username, password_file: auth.passwordFile } };
}

/**
 * One scrape job per declared endpoint: EndpointSlice discovery (v1 Endpoints is deprecated since Kubernetes 1.33),
 * narrowed server-side to that Service's slices and then to its metrics port.
 */
export function endpointsJob(t: ScrapeEndpoint, auth?: ClientAuth): Record<string, unknown> {
  return {
    job_name: t.jobName,
    metrics_path: t.path ?? '/metrics',
    ...basicAuth(t.basicAuth, auth, `scrape job '${t.jobName}'`),
    // kube-state-metrics and the pod detector export the namespace and pod a series is about; without this their
    // labels would be renamed exported_namespace/exported_pod and replaced by the exporter's own pod.
    honor_labels: true,
    kubernetes_sd_configs: [{
      role: 'endpointslice',
      namespaces: { names: [t.namespace] },
      // A server-side label selector: Prometheus watches only this Service's slices.
      selectors: [{ role: 'endpointslice', label: `kubernetes.io/service-name=${t.serviceName}` }],
    }],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'], regex: `${t.serviceName};${t.portName}`, action: 'keep' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
    ],
    ...(t.metricRelabelings ? { metric_relabel_configs: t.metricRelabelings } : {}),
  };
}

/** Metric relabelling that keeps only the series named in `names` (all of them dropped when there is none). */
export function keepOnly(names: readonly string[]): Array<Record<string, unknown>> {
  return [names.length > 0
    ? { source_labels: ['__name__'], regex: names.join('|'), action: 'keep' }
    : { source_labels: ['__name__'], regex: '.+', action: 'drop' }];
}

/**
 * The kubelet of every node, once. K3s runs apiserver, scheduler, controller-manager and kubelet in one process
 * that shares one metrics registry, so this single job already carries the control-plane series; scraping the
 * apiserver as well would duplicate them. Container metrics come from our cAdvisor, so /metrics/cadvisor is not
 * scraped either. The kubelet is reached directly (RBAC `nodes/metrics`), not through the API server proxy,
 * which would need the broader `nodes/proxy`.
 *
 * Of the ~20,000 series that registry serves on one node (about 17,000 API-server series alone: Kubernetes 1.33's
 * apiserver_request_duration_seconds has 26 series per verb, resource and scope), only the catalog's kubelet names
 * are stored, like kube-prometheus-stack's drops of the heavy API-server and etcd buckets but derived from what
 * rules and panels read. `up{job="kubelet"}` and the scrape_* series are not subject to relabelling and stay.
 */
export function kubeletJob(): Record<string, unknown> {
  return {
    job_name: 'kubelet',
    scheme: 'https',
    authorization: { credentials_file: `${SA_DIR}/token` },
    // K3s kubelets serve a certificate signed by K3s's own CA, not the service-account CA.
    tls_config: { insecure_skip_verify: true },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' },
    ],
    metric_relabel_configs: keepOnly(EXPORTED_METRICS[MetricSource.KUBELET]),
  };
}

/** The whole prometheus.yml as an object, ready for YAML. */
export function prometheusConfig(input: PrometheusConfigInput): Record<string, unknown> {
  const interval = `${input.scrapeIntervalSec}s`;
  return {
    global: { scrape_interval: interval, evaluation_interval: interval, external_labels: { cluster: input.clusterName } },
    rule_files: [input.ruleFilesGlob],
    ...(input.alertmanagers.length > 0
      ? {
        alerting: {
          alertmanagers: input.alertmanagers.map((am) => ({
            ...basicAuth(am.basicAuth, input.clientAuth, `Alertmanager ${am.address}`), static_configs: [{ targets: [am.address] }],
          })),
        },
      }
      : {}),
    scrape_configs: [
      { job_name: 'prometheus', ...basicAuth(input.clientAuth !== undefined, input.clientAuth, 'self'), static_configs: [{ targets: [`localhost:${input.selfPort}`] }] },
      ...(input.scrapeKubelet ? [kubeletJob()] : []),
      ...input.targets.map((t) => endpointsJob(t, input.clientAuth)),
    ],
    ...(input.remoteWriteUrls.length > 0 ? { remote_write: input.remoteWriteUrls.map((url) => ({ url })) } : {}),
  };
}
