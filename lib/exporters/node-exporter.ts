import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG, ResourceConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { SecurityProfile } from '../core/security.js';
import { hostPathVolume } from '../core/storage.js';
import { EVERY_NODE, WorkloadKind } from '../core/workload.js';
import { PolicyPeer } from '../network/peer.js';
import { WebAuth } from '../core/web-auth.js';

/**
 * Mount points whose filesystems are not the host's own: K3s's containerd snapshots and pod volumes. Without this
 * every container layer shows up as a filesystem and disk alerts fire on overlays.
 */
export const EXCLUDED_MOUNT_POINTS = '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/kubelet/.+|run/k3s/containerd/.+|var/lib/rancher/k3s/agent/containerd/.+|run/containerd/.+)($|/)';
/** Filesystem types that are not disks. */
export const EXCLUDED_FS_TYPES = '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs|tmpfs|shm)$';

/** Properties for `NodeExporter`. */
export interface NodeExporterProps {
  /** @default 'odin-system' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.nodeExporter */
  readonly image?: string;
  /** Port on the host network. @default 9100 */
  readonly port?: number;
  /** @default DEFAULT_CONFIG.resources.nodeExporter */
  readonly resources?: ResourceConfig;
  /** Node addresses, how Prometheus reaches a host-network pod. @default ['0.0.0.0/0'] */
  readonly nodeCidrs?: readonly string[];
  /**
   * Basic auth on its port. It listens on every address of the host (Prometheus scrapes the node's address, which on
   * a workstation is its LAN address), and no NetworkPolicy guards it: see `peer` below.
   * @default - none: anyone who reaches the node reads its host metrics
   */
  readonly webAuth?: WebAuth;
}

/** node-exporter on every node: host CPU, memory, filesystems, disks and network. */
export class NodeExporter extends Exporter {
  constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    const port = props.port ?? DEFAULT_CONFIG.ports.nodeExporter;
    super(scope, id, {
      name: 'node-exporter',
      namespace: props.namespace ?? DEFAULT_CONFIG.hostAgentNamespace,
      kind: WorkloadKind.DAEMON_SET,
      image: props.image ?? DEFAULT_CONFIG.images.nodeExporter,
      port,
      resources: props.resources ?? DEFAULT_CONFIG.resources.nodeExporter,
      livenessPath: '/',
      args: [
        '--path.rootfs=/host/root',
        `--web.listen-address=:${port}`,
        `--collector.filesystem.mount-points-exclude=${EXCLUDED_MOUNT_POINTS}`,
        `--collector.filesystem.fs-types-exclude=${EXCLUDED_FS_TYPES}`,
        // Off by default: node_tcp_connection_states{state} for the network dashboard's connection states.
        '--collector.tcpstat',
      ],
      // The host's network interfaces and processes are what it measures; it still runs as nobody.
      hostNetwork: true,
      hostPID: true,
      security: SecurityProfile.hostAgent({ reason: 'host network and PID namespaces and a read-only view of / to report host metrics' }),
      // Its NetworkPolicy is written for CNIs that enforce policies on host-network pods; kube-router (K3s) does not,
      // so on K3s only basic auth (`webAuth`) guards the port.
      peer: PolicyPeer.cidrs(props.nodeCidrs ?? DEFAULT_CONFIG.network.nodeCidrs),
      webAuth: props.webAuth,
      tolerations: EVERY_NODE,
    });
    const root = hostPathVolume(this, 'Root', '/');
    this.workload.container.mount('/host/root', root, { readOnly: true, propagation: kplus.MountPropagation.HOST_TO_CONTAINER });
  }
}
