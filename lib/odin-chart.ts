import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG, OdinConfig } from './config.js';
import { OdinNamespace, PodSecurityLevel } from './core/namespaces.js';
import { Prometheus } from './prometheus/prometheus.js';

/** Properties for `OdinChart`. */
export interface OdinChartProps extends ChartProps {
  /** @default DEFAULT_CONFIG */
  readonly config?: OdinConfig;
}

/** The whole ODIN stack: instantiates the components the config enables and wires them together. */
export class OdinChart extends Chart {
  public readonly config: OdinConfig;
  public readonly prometheus: Prometheus;

  constructor(scope: Construct, id: string, props: OdinChartProps = {}) {
    super(scope, id, props);
    const config = props.config ?? DEFAULT_CONFIG;
    this.config = config;
    new OdinNamespace(this, 'Namespace', { name: config.namespace, enforce: PodSecurityLevel.RESTRICTED });
    // Host agents read host paths, the host network or the host's processes: Pod Security `privileged` is the
    // only level that admits them. Each one says why next to its security profile; audit/warn stay `baseline`.
    new OdinNamespace(this, 'HostAgentNamespace', {
      name: config.hostAgentNamespace, enforce: PodSecurityLevel.PRIVILEGED, warn: PodSecurityLevel.BASELINE,
    });
    this.prometheus = new Prometheus(this, 'Prometheus', {
      namespace: config.namespace,
      image: config.images.prometheus,
      port: config.ports.prometheus,
      nodePort: config.nodePorts.prometheus,
      scrapeIntervalSec: config.prometheus.scrapeIntervalSec,
      retentionDays: config.prometheus.retentionDays,
      retentionSizeGiB: config.prometheus.retentionSizeGiB,
      storageSizeGiB: config.storage.sizesGiB.prometheus,
      storage: config.storage,
      resources: config.resources.prometheus,
      clusterName: config.clusterName,
      remoteWriteUrls: config.prometheus.remoteWriteUrls,
      nodeCidrs: config.network.nodeCidrs,
      clientCidrs: config.network.clientCidrs,
    });
  }
}
