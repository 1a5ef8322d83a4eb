import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { DatasourceUid } from '../dashboards/datasources.js';
import { Alertmanager } from './alertmanager/alertmanager.js';
import { DEFAULT_CONFIG, OdinConfig } from './config.js';
import { OdinNamespace, PodSecurityLevel } from './core/namespaces.js';
import { WebAuth } from './core/web-auth.js';
import { AnomalyDetector, AnomalyMode } from './detectors/anomaly-detector.js';
import { DetectorMode, PROMETHEUS_MODES } from './detectors/detector-image.js';
import { Cadvisor } from './exporters/cadvisor.js';
import { ClusterDns } from './exporters/cluster-dns.js';
import { GpuExporter } from './exporters/gpu-exporter.js';
import { KubeStateMetrics } from './exporters/kube-state-metrics.js';
import { NodeExporter } from './exporters/node-exporter.js';
import { NvidiaDevicePlugin, NvidiaRuntimeClass } from './exporters/nvidia-device-plugin.js';
import { Grafana } from './grafana/grafana.js';
import { Loki } from './loki/loki.js';
import { Promtail } from './loki/promtail.js';
import { Prometheus } from './prometheus/prometheus.js';

/** Properties for `OdinChart`. */
export interface OdinChartProps extends ChartProps {
  /** @default DEFAULT_CONFIG */
  readonly config?: OdinConfig;
}

/** The toggle that enables each anomaly-detector mode. */
const DETECTOR_TOGGLES: Record<AnomalyMode, keyof OdinConfig['components']> = {
  [DetectorMode.GPU]: 'gpuDetector',
  [DetectorMode.POD]: 'podDetector',
  [DetectorMode.PROCESS]: 'processDetector',
  [DetectorMode.DISK]: 'diskDetector',
};

/** The whole ODIN stack: instantiates the components the config enables and wires them together. */
export class OdinChart extends Chart {
  public readonly config: OdinConfig;
  public readonly prometheus: Prometheus;
  /** Basic auth on Prometheus, Alertmanager and node-exporter, unless `access.basicAuth` is off. */
  private readonly webAuth?: WebAuth;

  constructor(scope: Construct, id: string, props: OdinChartProps = {}) {
    super(scope, id, props);
    const config = props.config ?? DEFAULT_CONFIG;
    this.config = config;
    this.webAuth = config.access.basicAuth ? { username: config.access.username, secretName: config.access.secretName } : undefined;
    new OdinNamespace(this, 'Namespace', { name: config.namespace, enforce: PodSecurityLevel.RESTRICTED });
    // Host agents read host paths, the host network or the host's processes: Pod Security `privileged` is the
    // only level that admits them. Each one says why next to its security profile; audits stay at `baseline`.
    new OdinNamespace(this, 'HostAgentNamespace', {
      name: config.hostAgentNamespace, enforce: PodSecurityLevel.PRIVILEGED, audit: PodSecurityLevel.BASELINE,
    });
    this.prometheus = this.definePrometheus(config);
    const loki = config.components.loki ? this.defineLogs(config) : undefined;
    const alertmanager = config.components.alertmanager ? this.defineAlertmanager(config) : undefined;
    if (config.components.grafana) this.defineGrafana(config, loki, alertmanager);
    this.defineExporters(config);
    this.defineGpuSupport(config);
    this.defineDetectors(config);
  }

  private definePrometheus(config: OdinConfig): Prometheus {
    return new Prometheus(this, 'Prometheus', {
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
      webAuth: this.webAuth,
    });
  }

  private defineLogs(config: OdinConfig): Loki {
    const loki = new Loki(this, 'Loki', {
      namespace: config.namespace, image: config.images.loki, port: config.ports.loki, storage: config.storage,
      storageSizeGiB: config.storage.sizesGiB.loki, resources: config.resources.loki,
    });
    this.prometheus.addScrapeTarget(loki.server);
    if (config.components.promtail) {
      const promtail = new Promtail(this, 'Promtail', {
        loki, namespace: config.hostAgentNamespace, image: config.images.promtail, port: config.ports.promtail,
        positionsHostPath: `${config.storage.hostPathRoot}/promtail`, resources: config.resources.promtail, nodeCidrs: config.network.nodeCidrs,
      });
      this.prometheus.addScrapeTarget(promtail.agent);
    }
    return loki;
  }

  private defineAlertmanager(config: OdinConfig): Alertmanager {
    const alertmanager = new Alertmanager(this, 'Alertmanager', {
      namespace: config.namespace, image: config.images.alertmanager, port: config.ports.alertmanager, nodePort: config.nodePorts.alertmanager,
      email: config.alerting.email, webhooks: config.alerting.webhooks, storage: config.storage,
      storageSizeGiB: config.storage.sizesGiB.alertmanager, resources: config.resources.alertmanager, clientCidrs: config.network.clientCidrs,
      webAuth: this.webAuth,
    });
    this.prometheus.addAlertmanager(alertmanager);
    this.prometheus.addScrapeTarget(alertmanager.server);
    return alertmanager;
  }

  private defineGrafana(config: OdinConfig, loki?: Loki, alertmanager?: Alertmanager): void {
    const grafana = new Grafana(this, 'Grafana', {
      namespace: config.namespace, image: config.images.grafana, port: config.ports.grafana, nodePort: config.nodePorts.grafana,
      adminSecret: config.grafana.adminSecret, storage: config.storage, storageSizeGiB: config.storage.sizesGiB.grafana,
      resources: config.resources.grafana, clientCidrs: config.network.clientCidrs, prometheusScrapeIntervalSec: config.prometheus.scrapeIntervalSec,
    });
    grafana.addDatasource(DatasourceUid.PROMETHEUS, this.prometheus.server);
    if (loki) grafana.addDatasource(DatasourceUid.LOKI, loki.server);
    if (alertmanager) grafana.addDatasource(DatasourceUid.ALERTMANAGER, alertmanager.server);
    this.prometheus.addScrapeTarget(grafana.server);
  }

  private defineExporters(config: OdinConfig): void {
    const { components: on, images, resources } = config;
    if (on.nodeExporter) {
      this.prometheus.addScrapeTarget(new NodeExporter(this, 'NodeExporter', {
        namespace: config.hostAgentNamespace, image: images.nodeExporter, port: config.ports.nodeExporter,
        resources: resources.nodeExporter, nodeCidrs: config.network.nodeCidrs, webAuth: this.webAuth,
      }));
    }
    if (on.cadvisor) {
      this.prometheus.addScrapeTarget(new Cadvisor(this, 'Cadvisor', {
        namespace: config.hostAgentNamespace, image: images.cadvisor, port: config.ports.cadvisor, resources: resources.cadvisor,
      }));
    }
    if (on.kubeStateMetrics) {
      this.prometheus.addScrapeTarget(new KubeStateMetrics(this, 'KubeStateMetrics', {
        namespace: config.namespace, image: images.kubeStateMetrics, port: config.ports.kubeStateMetrics,
        resources: resources.kubeStateMetrics, nodeCidrs: config.network.nodeCidrs,
      }));
    }
    if (on.clusterDns) this.prometheus.addScrapeTarget(new ClusterDns(this, 'ClusterDns'));
  }

  private defineGpuSupport(config: OdinConfig): void {
    const gpuNodeSelector = { [config.gpu.nodeLabelKey]: config.gpu.nodeLabelValue };
    if (config.components.runtimeClass) new NvidiaRuntimeClass(this, 'NvidiaRuntimeClass');
    if (config.components.nvidiaDevicePlugin) {
      new NvidiaDevicePlugin(this, 'NvidiaDevicePlugin', {
        namespace: config.hostAgentNamespace, image: config.images.nvidiaDevicePlugin, gpuNodeSelector, resources: config.resources.nvidiaDevicePlugin,
      });
    }
    if (config.components.gpuExporter) {
      this.prometheus.addScrapeTarget(new GpuExporter(this, 'GpuExporter', {
        namespace: config.namespace, image: config.images.detector, gpuNodeSelector, resources: config.resources.gpuExporter,
      }));
    }
  }

  private defineDetectors(config: OdinConfig): void {
    for (const [mode, toggle] of Object.entries(DETECTOR_TOGGLES) as [AnomalyMode, keyof OdinConfig['components']][]) {
      if (!config.components[toggle]) continue;
      const detector = new AnomalyDetector(this, `${toggle[0].toUpperCase()}${toggle.slice(1)}`, {
        mode,
        prometheusUrl: this.prometheus.url,
        prometheusAuth: this.webAuth,
        namespace: mode === DetectorMode.PROCESS ? config.hostAgentNamespace : config.namespace,
        image: config.images.detector,
        settings: config.detector,
        scrapeStepSec: config.prometheus.scrapeIntervalSec,
        storage: config.storage,
        modelsSizeGiB: config.storage.sizesGiB.models,
        resources: config.resources.detector,
        nodeCidrs: config.network.nodeCidrs,
      });
      this.prometheus.addScrapeTarget(detector);
      if (PROMETHEUS_MODES.has(mode)) this.prometheus.grantQuery(detector.network);
    }
  }
}
