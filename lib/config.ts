import { deepMerge, validateAgainst } from './config-schema.js';
import { CONFIG_SCHEMA } from './config-rules.js';
import { emailPlaceholders } from './core/placeholders.js';

/** CPU in millicores and memory in MiB for one container. */
export interface ResourceConfig {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequestMiB: number;
  readonly memoryLimitMiB: number;
}

/** A key inside a Secret the user creates before applying (see README); ODIN never writes its value. */
export interface SecretKeyRef {
  /** Name of the Secret, in the namespace of the component that reads it. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Container images, pinned to a tag. */
export interface ImageConfig {
  /** @default 'quay.io/prometheus/prometheus:v3.5.0' (3.x: it has the OTLP receiver) */
  readonly prometheus: string;
  /** @default 'quay.io/prometheus/alertmanager:v0.28.1' */
  readonly alertmanager: string;
  /** @default 'docker.io/grafana/grafana:11.6.3' */
  readonly grafana: string;
  /** @default 'docker.io/grafana/loki:3.5.3' */
  readonly loki: string;
  /** @default 'docker.io/grafana/promtail:3.5.3' */
  readonly promtail: string;
  /** @default 'quay.io/prometheus/node-exporter:v1.9.1' */
  readonly nodeExporter: string;
  /** @default 'gcr.io/cadvisor/cadvisor:v0.49.1' */
  readonly cadvisor: string;
  /** @default 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0' */
  readonly kubeStateMetrics: string;
  /** @default 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1' */
  readonly nvidiaDevicePlugin: string;
  /** The detector image: GPU exporter and the four anomaly detectors. @default 'ghcr.io/odin-monitoring/odin-detector:0.1.0' */
  readonly detector: string;
}

/** Ports of the services (the detector ports are fixed by the image contract, docs/DEVELOPING.md). */
export interface PortConfig {
  /** @default 9090 */ readonly prometheus: number;
  /** @default 3000 */ readonly grafana: number;
  /** @default 9093 */ readonly alertmanager: number;
  /** @default 3100 */ readonly loki: number;
  /** @default 9080 */ readonly promtail: number;
  /** Host port: node-exporter runs in the host network. @default 9100 */ readonly nodeExporter: number;
  /** @default 8080 */ readonly cadvisor: number;
  /** @default 8080 */ readonly kubeStateMetrics: number;
}

/** NodePorts that expose the UIs and the OTLP receiver outside the cluster. */
export interface NodePortConfig {
  /** @default 31493 */ readonly prometheus: number;
  /** @default 31494 */ readonly grafana: number;
  /** @default 31495 */ readonly alertmanager: number;
}

/** Where stateful components keep their data. */
export interface StorageConfig {
  /**
   * 'pvc': PersistentVolumeClaims on `storageClass`; 'hostPath': PersistentVolumes on host directories under
   * `hostPathRoot` (pods still mount claims, so the namespace can stay Pod Security `restricted`).
   * @default 'pvc'
   */
  readonly mode: 'pvc' | 'hostPath';
  /** @default 'local-path' (K3s ships it) */
  readonly storageClass: string;
  /** @default '/var/lib/odin' */
  readonly hostPathRoot: string;
  /** Volume sizes in GiB. local-path does not enforce them; Prometheus also caps its TSDB (`prometheus.retentionSizeGiB`). */
  readonly sizesGiB: {
    /** @default 50 */ readonly prometheus: number;
    /** @default 20 */ readonly loki: number;
    /** @default 2 */ readonly grafana: number;
    /** @default 1 */ readonly alertmanager: number;
    /** Per detector. @default 1 */ readonly models: number;
  };
}

/** Prometheus settings. */
export interface PrometheusConfig {
  /** @default 15 */ readonly scrapeIntervalSec: number;
  /** @default 90 */ readonly retentionDays: number;
  /** TSDB size cap: blocks beyond it are deleted even inside the retention time. @default 45 */
  readonly retentionSizeGiB: number;
  /** Remote-write endpoints (Thanos, Mimir, VictoriaMetrics) for growing past one node. @default [] */
  readonly remoteWriteUrls: readonly string[];
}

/**
 * Email notifications through SMTP. Off until configured: alerts stay visible in Grafana and Alertmanager, and with
 * `enabled: true` synthesis refuses the placeholder values below (RFC 2606 documentation names deliver nothing).
 */
export interface EmailConfig {
  /** @default false */ readonly enabled: boolean;
  /** SMTP server host name. @default 'smtp.example.com' (a placeholder: set yours with `enabled: true`) */ readonly smtpHost: string;
  /** @default 587 */ readonly smtpPort: number;
  /** @default 'odin@example.com' (a placeholder) */ readonly from: string;
  /** @default ['oncall@example.com'] (a placeholder) */ readonly to: readonly string[];
  /** SMTP user name; the password comes from `passwordSecret`. @default 'odin' */ readonly username: string;
  /** @default { name: 'odin-smtp', key: 'password' } */ readonly passwordSecret: SecretKeyRef;
  /** @default true */ readonly requireTls: boolean;
}

/** A webhook: every notification is also posted to it (Alertmanager's webhook JSON). */
export interface WebhookConfig {
  /** http(s) URL. */ readonly url: string;
}

/** Alertmanager settings. */
export interface AlertingConfig {
  readonly email: EmailConfig;
  /** @default [] */ readonly webhooks: readonly WebhookConfig[];
}

/** Grafana settings. */
export interface GrafanaConfig {
  /** Secret holding the admin user and password. @default { name: 'odin-grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } */
  readonly adminSecret: { readonly name: string; readonly userKey: string; readonly passwordKey: string };
}

/** How GPU nodes are found. */
export interface GpuConfig {
  /** @default 'nvidia.com/gpu.present' */ readonly nodeLabelKey: string;
  /** @default 'true' */ readonly nodeLabelValue: string;
}

/** Settings written into detector.json (docs/DEVELOPING.md). */
export interface DetectorConfig {
  /** @default 60 */ readonly cycleIntervalSec: number;
  /** @default 21600 */ readonly trainIntervalSec: number;
  /** @default 604800 */ readonly trainWindowSec: number;
  /** Share of normal points allowed above the anomaly threshold. @default 0.05 */ readonly anomalyShare: number;
}

/** Which components are synthesized. Prometheus always is. */
export interface ComponentToggles {
  /** @default true */ readonly grafana: boolean;
  /** @default true */ readonly loki: boolean;
  /** Needs `loki`. @default true */ readonly promtail: boolean;
  /** @default true */ readonly alertmanager: boolean;
  /** @default true */ readonly nodeExporter: boolean;
  /** @default true */ readonly cadvisor: boolean;
  /** @default true */ readonly kubeStateMetrics: boolean;
  /** Scrape the cluster's CoreDNS (K3s's, in kube-system): DNS latency and failures. @default true */ readonly clusterDns: boolean;
  /** @default true */ readonly gpuExporter: boolean;
  /** @default true */ readonly nvidiaDevicePlugin: boolean;
  /**
   * Define the RuntimeClass `nvidia`. K3s creates it itself when it finds the NVIDIA container runtime, and owning a
   * copy would let `kubectl delete -f dist/` delete K3s's: turn this on only for clusters that lack it. @default false
   */
  readonly runtimeClass: boolean;
  /** @default true */ readonly gpuDetector: boolean;
  /** @default true */ readonly podDetector: boolean;
  /** @default true */ readonly processDetector: boolean;
  /** @default true */ readonly diskDetector: boolean;
}

/**
 * Basic auth on the HTTP servers reachable from outside the stack: Prometheus (OTLP writes, queries), Alertmanager
 * (silences) and node-exporter (host network), through their `--web.config.file` (exporter-toolkit).
 */
export interface AccessConfig {
  /**
   * Require a password. false: anyone who reaches a NodePort can write series into Prometheus and silence every alert.
   * @default true
   */
  readonly basicAuth: boolean;
  /** The user the stack's own clients (Prometheus, Grafana, the detectors) log in as. @default 'odin' */
  readonly username: string;
  /**
   * The Secret the user creates (README: `npm run --silent secrets`): key `web.yml`, the web configuration with the
   * bcrypt hash of each user (in `namespace`, and in `hostAgentNamespace` for node-exporter), and key `password`, the
   * clear-text password of `username` for the clients (in `namespace` only). @default 'odin-web-auth'
   */
  readonly secretName: string;
}

/** Address ranges the NetworkPolicies open. */
export interface NetworkConfig {
  /**
   * Who may reach the NodePorts (browsers, OTLP senders). Not an access control for LAN clients: NodePort traffic
   * (`externalTrafficPolicy: Cluster`) reaches the pod from a node address after SNAT, so a narrower list also
   * shuts out the LAN; and kube-router writes 0.0.0.0/0 as two /1 blocks that admit every pod too. Basic auth
   * (`access`) is what keeps writes and silences closed.
   * @default ['0.0.0.0/0']
   */
  readonly clientCidrs: readonly string[];
  /** Node addresses: kubelet, host-network exporters and the API server live there. @default ['0.0.0.0/0'] */
  readonly nodeCidrs: readonly string[];
}

/** Per-component container resources. */
export interface ResourcesConfig {
  /**
   * Sized for one GPU node: ~13,000 active series once the kubelet job drops K3s's API-server series (node-exporter
   * ~1,000, cAdvisor ~2,400, kube-state-metrics ~2,000, Loki ~2,500, the detectors ~2,200, the rest ~3,000), ~20,000
   * in the head with pod churn. Debian's Prometheus measured ~3.8 KB of RSS per head series (49 MB empty, 128 MB at
   * 20,000, 201 MB at 40,000 after 4 minutes; `npm run bench:prometheus-memory`): ~130 MB. Compacting the 2-hour
   * head about doubles that (~210 MB); the detectors' training, at most 11,000 points per series per request
   * (~35 pods × 11,000 × ~60 B with the JSON answer ≈ 23 MB; three detectors and a 7-day dashboard at once ≈ 100 MB),
   * brings the peak to ~310 MB, within the 512 MiB request. The 2 GiB limit leaves room for WAL replay after a crash,
   * a node with several times the pods, OTLP series from coding assistants, or the ~20,000 kubelet series if kept.
   * @default 200m-1000m CPU, 512-2048 MiB
   */
  readonly prometheus: ResourceConfig;
  readonly alertmanager: ResourceConfig;
  readonly grafana: ResourceConfig;
  readonly loki: ResourceConfig;
  readonly promtail: ResourceConfig;
  readonly nodeExporter: ResourceConfig;
  readonly cadvisor: ResourceConfig;
  readonly kubeStateMetrics: ResourceConfig;
  readonly nvidiaDevicePlugin: ResourceConfig;
  readonly gpuExporter: ResourceConfig;
  /** Each anomaly detector. */
  readonly detector: ResourceConfig;
}

/** Everything a user tunes. A config file overrides any part of `DEFAULT_CONFIG`. */
export interface OdinConfig {
  /** Namespace of the stack (Pod Security `restricted`). @default 'odin' */
  readonly namespace: string;
  /** Namespace of the host agents that need host access (Pod Security `privileged`). @default 'odin-system' */
  readonly hostAgentNamespace: string;
  /** The `cluster` label on every series and alert. @default 'odin' */
  readonly clusterName: string;
  readonly images: ImageConfig;
  readonly ports: PortConfig;
  readonly nodePorts: NodePortConfig;
  readonly storage: StorageConfig;
  readonly prometheus: PrometheusConfig;
  readonly alerting: AlertingConfig;
  readonly grafana: GrafanaConfig;
  readonly gpu: GpuConfig;
  readonly detector: DetectorConfig;
  readonly components: ComponentToggles;
  readonly access: AccessConfig;
  readonly network: NetworkConfig;
  readonly resources: ResourcesConfig;
}

function res(cpuRequestMillis: number, cpuLimitMillis: number, memoryRequestMiB: number, memoryLimitMiB: number): ResourceConfig {
  return { cpuRequestMillis, cpuLimitMillis, memoryRequestMiB, memoryLimitMiB };
}

/** The defaults: a single-node K3s laptop or workstation with one NVIDIA GPU. */
export const DEFAULT_CONFIG: OdinConfig = {
  namespace: 'odin',
  hostAgentNamespace: 'odin-system',
  clusterName: 'odin',
  images: {
    prometheus: 'quay.io/prometheus/prometheus:v3.5.0',
    alertmanager: 'quay.io/prometheus/alertmanager:v0.28.1',
    grafana: 'docker.io/grafana/grafana:11.6.3',
    loki: 'docker.io/grafana/loki:3.5.3',
    promtail: 'docker.io/grafana/promtail:3.5.3',
    nodeExporter: 'quay.io/prometheus/node-exporter:v1.9.1',
    cadvisor: 'gcr.io/cadvisor/cadvisor:v0.49.1',
    kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0',
    nvidiaDevicePlugin: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1',
    detector: 'ghcr.io/odin-monitoring/odin-detector:0.1.0',
  },
  ports: { prometheus: 9090, grafana: 3000, alertmanager: 9093, loki: 3100, promtail: 9080, nodeExporter: 9100, cadvisor: 8080, kubeStateMetrics: 8080 },
  nodePorts: { prometheus: 31493, grafana: 31494, alertmanager: 31495 },
  storage: {
    mode: 'pvc',
    storageClass: 'local-path',
    hostPathRoot: '/var/lib/odin',
    sizesGiB: { prometheus: 50, loki: 20, grafana: 2, alertmanager: 1, models: 1 },
  },
  prometheus: { scrapeIntervalSec: 15, retentionDays: 90, retentionSizeGiB: 45, remoteWriteUrls: [] },
  alerting: {
    email: {
      enabled: false,
      smtpHost: 'smtp.example.com',
      smtpPort: 587,
      from: 'odin@example.com',
      to: ['oncall@example.com'],
      username: 'odin',
      passwordSecret: { name: 'odin-smtp', key: 'password' },
      requireTls: true,
    },
    webhooks: [],
  },
  grafana: { adminSecret: { name: 'odin-grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } },
  gpu: { nodeLabelKey: 'nvidia.com/gpu.present', nodeLabelValue: 'true' },
  detector: { cycleIntervalSec: 60, trainIntervalSec: 21600, trainWindowSec: 604800, anomalyShare: 0.05 },
  components: {
    grafana: true, loki: true, promtail: true, alertmanager: true, nodeExporter: true, cadvisor: true, kubeStateMetrics: true, clusterDns: true,
    gpuExporter: true, nvidiaDevicePlugin: true, runtimeClass: false, gpuDetector: true, podDetector: true, processDetector: true, diskDetector: true,
  },
  access: { basicAuth: true, username: 'odin', secretName: 'odin-web-auth' },
  network: { clientCidrs: ['0.0.0.0/0'], nodeCidrs: ['0.0.0.0/0'] },
  resources: {
    prometheus: res(200, 1000, 512, 2048),
    alertmanager: res(20, 200, 32, 128),
    grafana: res(100, 500, 128, 512),
    loki: res(100, 500, 256, 1024),
    promtail: res(50, 250, 64, 256),
    nodeExporter: res(50, 250, 32, 128),
    cadvisor: res(100, 500, 128, 512),
    kubeStateMetrics: res(50, 250, 64, 256),
    nvidiaDevicePlugin: res(10, 100, 32, 64),
    gpuExporter: res(20, 200, 64, 128),
    detector: res(100, 1000, 256, 1024),
  },
};

/** Rules that span several fields, checked after the merge. */
function crossFieldProblems(config: OdinConfig): string[] {
  const problems: string[] = [];
  if (config.prometheus.retentionSizeGiB > config.storage.sizesGiB.prometheus) {
    problems.push(`config.prometheus.retentionSizeGiB: must not exceed config.storage.sizesGiB.prometheus `
      + `(${config.storage.sizesGiB.prometheus}), got ${config.prometheus.retentionSizeGiB}`);
  }
  if (config.components.promtail && !config.components.loki) {
    problems.push('config.components.promtail: needs config.components.loki to be true (promtail ships logs to Loki)');
  }
  if (config.namespace === config.hostAgentNamespace) {
    problems.push(`config.hostAgentNamespace: must differ from config.namespace ('${config.namespace}'): they get different Pod Security levels`);
  }
  for (const [name, r] of Object.entries(config.resources) as [string, ResourceConfig][]) {
    if (r.cpuRequestMillis > r.cpuLimitMillis) problems.push(`config.resources.${name}.cpuRequestMillis: must not exceed cpuLimitMillis (${r.cpuLimitMillis}), got ${r.cpuRequestMillis}`);
    if (r.memoryRequestMiB > r.memoryLimitMiB) problems.push(`config.resources.${name}.memoryRequestMiB: must not exceed memoryLimitMiB (${r.memoryLimitMiB}), got ${r.memoryRequestMiB}`);
  }
  if (config.ports.kubeStateMetrics > 65534) {
    problems.push('config.ports.kubeStateMetrics: must be at most 65534 (kube-state-metrics serves its own telemetry on the next port), '
      + `got ${config.ports.kubeStateMetrics}`);
  }
  if (config.alerting.email.enabled) problems.push(...emailPlaceholders(config.alerting.email, 'config.alerting.email'));
  const nodePorts = Object.values(config.nodePorts);
  if (new Set(nodePorts).size !== nodePorts.length) problems.push(`config.nodePorts: each NodePort must be different, got ${nodePorts.join(', ')}`);
  return problems;
}

/**
 * The effective config: `overrides` (parsed from the user's file) validated and laid over `DEFAULT_CONFIG`.
 * Throws one error listing every problem, each naming the field and what it allows.
 */
export function resolveConfig(overrides: unknown = {}): OdinConfig {
  const shapeProblems = validateAgainst(CONFIG_SCHEMA, overrides ?? {}, 'config');
  if (shapeProblems.length > 0) throw new Error(`invalid ODIN config:\n  ${shapeProblems.join('\n  ')}`);
  const config = deepMerge(DEFAULT_CONFIG, overrides ?? {});
  const problems = crossFieldProblems(config);
  if (problems.length > 0) throw new Error(`invalid ODIN config:\n  ${problems.join('\n  ')}`);
  return config;
}
