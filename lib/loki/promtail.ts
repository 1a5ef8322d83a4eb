import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG, ResourceConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { componentLabels } from '../core/labels.js';
import { ReadOnlyClusterAccess } from '../core/rbac.js';
import { SecurityProfile } from '../core/security.js';
import { hostPathVolume } from '../core/storage.js';
import { EVERY_NODE, WorkloadKind } from '../core/workload.js';
import { API_SERVER_PORTS, PolicyPeer, connect } from '../network/peer.js';
import { Loki } from './loki.js';

/** The group that reads system logs on Debian and Ubuntu (`adm`, gid 4): /var/log/syslog and the journal. */
export const ADM_GROUP = 4;

/** Properties for `Promtail`. */
export interface PromtailProps {
  /** Where promtail ships logs. */
  readonly loki: Loki;
  /** A host agent: reads the host's logs. @default 'odin-system' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.promtail */
  readonly image?: string;
  /** @default 9080 */
  readonly port?: number;
  /** Host directory that keeps read positions across restarts. @default '/var/lib/odin/promtail' */
  readonly positionsHostPath?: string;
  /** @default DEFAULT_CONFIG.resources.promtail */
  readonly resources?: ResourceConfig;
  /** Node addresses, where the API server lives. @default ['0.0.0.0/0'] */
  readonly nodeCidrs?: readonly string[];
}

/** The promtail configuration: this node's pod logs with Kubernetes labels, the systemd journal, and /var/log files. */
export function promtailConfig(port: number, lokiUrl: string): Record<string, unknown> {
  return {
    server: { http_listen_port: port, grpc_listen_port: 0 },
    positions: { filename: '/run/promtail/positions.yaml' },
    clients: [{ url: `${lokiUrl}/loki/api/v1/push` }],
    scrape_configs: [
      {
        job_name: 'kubernetes-pods',
        // Only this node's pods: NODE_NAME comes from the downward API (-config.expand-env).
        kubernetes_sd_configs: [{ role: 'pod', selectors: [{ role: 'pod', field: 'spec.nodeName=${NODE_NAME}' }] }],
        pipeline_stages: [{ cri: {} }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
          { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
          { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
          { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], target_label: 'app' },
          { source_labels: ['__meta_kubernetes_pod_uid', '__meta_kubernetes_pod_container_name'], separator: '/', target_label: '__path__', replacement: '/var/log/pods/*$1/*.log' },
        ],
      },
      {
        job_name: 'journal',
        journal: { path: '/var/log/journal', max_age: '12h', labels: { job: 'systemd-journal' } },
        relabel_configs: [
          { source_labels: ['__journal__systemd_unit'], target_label: 'unit' },
          { source_labels: ['__journal__hostname'], target_label: 'node' },
          { source_labels: ['__journal_priority_keyword'], target_label: 'level' },
        ],
      },
      {
        job_name: 'varlog',
        static_configs: [{ targets: ['localhost'], labels: { job: 'varlog', node: '${NODE_NAME}', __path__: '/var/log/{syslog,messages,auth.log,kern.log}' } }],
      },
    ],
  };
}

/** Promtail on every node: pod logs (/var/log/pods) and system logs (/var/log, journal) to Loki. */
export class Promtail extends Construct {
  public readonly agent: Exporter;

  constructor(scope: Construct, id: string, props: PromtailProps) {
    super(scope, id);
    const namespace = props.namespace ?? DEFAULT_CONFIG.hostAgentNamespace;
    const port = props.port ?? DEFAULT_CONFIG.ports.promtail;
    const access = new ReadOnlyClusterAccess(this, 'Access', {
      name: 'promtail', namespace, rules: [{ apiGroup: '', resources: ['pods', 'nodes'] }],
    });
    this.agent = new Exporter(this, 'Agent', {
      name: 'promtail',
      namespace,
      kind: WorkloadKind.DAEMON_SET,
      image: props.image ?? DEFAULT_CONFIG.images.promtail,
      port,
      resources: props.resources ?? DEFAULT_CONFIG.resources.promtail,
      serviceAccount: access.serviceAccount,
      readinessPath: '/ready',
      livenessPath: '/ready',
      args: ['-config.file=/etc/promtail/promtail.yaml', '-config.expand-env=true'],
      env: { NODE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
      // Pod logs under /var/log/pods are root's (0640): read as their owner, uid 0, with every capability dropped.
      // Ubuntu's syslog, auth.log and kern.log are syslog:adm 0640, and the journal grants adm read access: the
      // group adm reads those, rather than CAP_DAC_READ_SEARCH, which would open every file on the host.
      security: SecurityProfile.hostAgent({
        reason: 'reads host logs under /var/log: root-owned pod logs, adm-group system logs', runAsRoot: true, supplementalGroups: [ADM_GROUP],
      }),
      tolerations: EVERY_NODE,
    });
    this.mountVolumes(props, namespace, port);
    connect(this.agent.network, props.loki.network, [{ port: props.loki.port }]);
    this.agent.network.allowEgress(PolicyPeer.cidrs(props.nodeCidrs ?? DEFAULT_CONFIG.network.nodeCidrs), API_SERVER_PORTS);
  }

  private mountVolumes(props: PromtailProps, namespace: string, port: number): void {
    const configYaml = stringify(promtailConfig(port, props.loki.url), { lineWidth: 0 });
    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: 'promtail-config', namespace, labels: componentLabels('promtail') },
      data: { 'promtail.yaml': configYaml },
    });
    this.agent.workload.restartOnChange('config', () => configYaml);
    const container = this.agent.workload.container;
    const host = (id: string, path: string, type?: kplus.HostPathVolumeType) => hostPathVolume(this, id, path, type);
    container.mount('/etc/promtail', kplus.Volume.fromConfigMap(this, 'ConfigVolume', config), { readOnly: true });
    container.mount('/var/log', host('VarLog', '/var/log'), { readOnly: true });
    // The journal lives under /var/log/journal/<machine-id>: the reader finds its directory by the host's machine id.
    container.mount('/etc/machine-id', host('MachineId', '/etc/machine-id', kplus.HostPathVolumeType.FILE), { readOnly: true });
    container.mount('/run/promtail', host('Positions', props.positionsHostPath ?? `${DEFAULT_CONFIG.storage.hostPathRoot}/promtail`, kplus.HostPathVolumeType.DIRECTORY_OR_CREATE));
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));
  }
}
