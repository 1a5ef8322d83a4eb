import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG, ResourceConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { SecurityProfile } from '../core/security.js';
import { hostPathVolume } from '../core/storage.js';
import { EVERY_NODE, WorkloadKind } from '../core/workload.js';

/** K3s's embedded containerd socket. */
export const K3S_CONTAINERD_SOCKET = '/run/k3s/containerd/containerd.sock';

/**
 * Standalone cAdvisor names a container's pod by its containerd labels (`container_label_io_kubernetes_*`); rules and
 * dashboards select on `namespace`, `pod` and `container` as the kubelet's cAdvisor names them. Series of non-pod
 * cgroups end up without these labels rather than with cAdvisor's own pod.
 */
const POD_LABELS_FROM_CONTAINERD = [
  ...[['pod_namespace', 'namespace'], ['pod_name', 'pod'], ['container_name', 'container']].map(([from, to]) => ({
    source_labels: [`container_label_io_kubernetes_${from}`], target_label: to,
  })),
  { action: 'labeldrop', regex: 'container_label_io_kubernetes_.+' },
];

/**
 * Metric groups cAdvisor leaves out. `--disable_metrics` replaces upstream's default set instead of adding to it, so
 * this repeats that set (cmd/cadvisor.go at v0.49.1: memory_numa, tcp, udp, advtcp, sched, process, hugetlb,
 * referenced_memory, cpu_topology, resctrl, cpuset) and adds percpu: per-core series that no rule or panel reads.
 */
export const DISABLED_METRICS = [
  'percpu', 'memory_numa', 'tcp', 'udp', 'advtcp', 'sched', 'process', 'hugetlb', 'referenced_memory', 'cpu_topology', 'resctrl', 'cpuset',
];

/** Properties for `Cadvisor`. */
export interface CadvisorProps {
  /** @default 'odin-system' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.cadvisor */
  readonly image?: string;
  /** @default 8080 */
  readonly port?: number;
  /** @default '/run/k3s/containerd/containerd.sock' */
  readonly containerdSocket?: string;
  /** @default DEFAULT_CONFIG.resources.cadvisor */
  readonly resources?: ResourceConfig;
}

/** cAdvisor on every node: per-container CPU, memory, OOM and network metrics from K3s's containerd on cgroups v2. */
export class Cadvisor extends Exporter {
  constructor(scope: Construct, id: string, props: CadvisorProps = {}) {
    const port = props.port ?? DEFAULT_CONFIG.ports.cadvisor;
    const socket = props.containerdSocket ?? K3S_CONTAINERD_SOCKET;
    super(scope, id, {
      name: 'cadvisor',
      namespace: props.namespace ?? DEFAULT_CONFIG.hostAgentNamespace,
      kind: WorkloadKind.DAEMON_SET,
      image: props.image ?? DEFAULT_CONFIG.images.cadvisor,
      port,
      resources: props.resources ?? DEFAULT_CONFIG.resources.cadvisor,
      args: [
        `--port=${port}`,
        `--containerd=${socket}`,
        '--docker_only=false',
        '--housekeeping_interval=15s',
        '--store_container_labels=false',
        '--whitelisted_container_labels=io.kubernetes.container.name,io.kubernetes.pod.name,io.kubernetes.pod.namespace',
        `--disable_metrics=${DISABLED_METRICS.join(',')}`,
      ],
      // OOM events come from /dev/kmsg and container stats from every cgroup and the containerd socket: upstream's
      // own DaemonSet runs privileged for the same reasons.
      security: SecurityProfile.hostAgent({ reason: 'reads /dev/kmsg (OOM events), all cgroups and the containerd socket', runAsRoot: true, privileged: true }),
      tolerations: EVERY_NODE,
      metricRelabelings: POD_LABELS_FROM_CONTAINERD,
    });
    const host = (id: string, path: string, type?: kplus.HostPathVolumeType) => hostPathVolume(this, id, path, type);
    const container = this.workload.container;
    // All read-only. / for machine info and filesystem usage, /sys for the cgroups, /dev/disk to name block devices,
    // /dev/kmsg for OOM kills, the socket and K3s's containerd state for container names and writable-layer sizes.
    container.mount('/rootfs', host('Rootfs', '/'), { readOnly: true });
    container.mount('/sys', host('Sys', '/sys'), { readOnly: true });
    container.mount('/dev/disk', host('DevDisk', '/dev/disk'), { readOnly: true });
    container.mount('/dev/kmsg', host('Kmsg', '/dev/kmsg', kplus.HostPathVolumeType.CHAR_DEVICE), { readOnly: true });
    container.mount(socket, host('Containerd', socket, kplus.HostPathVolumeType.SOCKET), { readOnly: true });
    container.mount('/var/lib/rancher/k3s/agent/containerd', host('ContainerdState', '/var/lib/rancher/k3s/agent/containerd'), { readOnly: true });
  }
}
