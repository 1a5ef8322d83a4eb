import { Construct } from 'constructs';
import { DEFAULT_CONFIG, ResourceConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { ReadOnlyClusterAccess, ReadRule } from '../core/rbac.js';
import { API_SERVER_PORTS, PolicyPeer } from '../network/peer.js';

/**
 * What kube-state-metrics exports, by API group. Its `--resources` flag and its ClusterRole both derive from this
 * list, so it never reads what it does not report (Secrets and ConfigMaps are left out on purpose).
 */
export const KSM_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  '': ['pods', 'nodes', 'namespaces', 'services', 'persistentvolumeclaims', 'persistentvolumes', 'resourcequotas', 'limitranges', 'replicationcontrollers'],
  'apps': ['deployments', 'daemonsets', 'statefulsets', 'replicasets'],
  'discovery.k8s.io': ['endpointslices'],
  'batch': ['jobs', 'cronjobs'],
  'storage.k8s.io': ['storageclasses'],
  'policy': ['poddisruptionbudgets'],
  'autoscaling': ['horizontalpodautoscalers'],
};

/** Properties for `KubeStateMetrics`. */
export interface KubeStateMetricsProps {
  /** @default 'odin' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.kubeStateMetrics */
  readonly image?: string;
  /** @default 8080 */
  readonly port?: number;
  /** @default DEFAULT_CONFIG.resources.kubeStateMetrics */
  readonly resources?: ResourceConfig;
  /** Node addresses, where the API server lives. @default ['0.0.0.0/0'] */
  readonly nodeCidrs?: readonly string[];
}

/** kube-state-metrics: the `kube_pod_*` series (restarts, readiness, termination reasons) the rules and detectors use. */
export class KubeStateMetrics extends Exporter {
  constructor(scope: Construct, id: string, props: KubeStateMetricsProps = {}) {
    const namespace = props.namespace ?? DEFAULT_CONFIG.namespace;
    const port = props.port ?? DEFAULT_CONFIG.ports.kubeStateMetrics;
    const rules: ReadRule[] = Object.entries(KSM_RESOURCES).map(([apiGroup, resources]) => ({ apiGroup, resources, verbs: ['list', 'watch'] }));
    const access = new ReadOnlyClusterAccess(scope, `${id}Access`, { name: 'kube-state-metrics', namespace, rules });
    super(scope, id, {
      name: 'kube-state-metrics',
      namespace,
      image: props.image ?? DEFAULT_CONFIG.images.kubeStateMetrics,
      port,
      extraPorts: [{ name: 'telemetry', number: port + 1 }],
      resources: props.resources ?? DEFAULT_CONFIG.resources.kubeStateMetrics,
      serviceAccount: access.serviceAccount,
      args: [`--port=${port}`, `--telemetry-port=${port + 1}`, `--resources=${Object.values(KSM_RESOURCES).flat().join(',')}`],
    });
    this.workload.allowEgress(PolicyPeer.cidrs(props.nodeCidrs ?? DEFAULT_CONFIG.network.nodeCidrs), API_SERVER_PORTS);
  }
}
