import {
  FieldSchema, boolean, decimal, integer, list, nodePort, object, oneOf, port, text,
} from './config-schema.js';
import type {
  AccessConfig, AlertingConfig, ComponentToggles, DetectorConfig, EmailConfig, GpuConfig, GrafanaConfig, ImageConfig, NetworkConfig,
  NodePortConfig, OdinConfig, PortConfig, PrometheusConfig, ResourceConfig, ResourcesConfig, SecretKeyRef, StorageConfig, WebhookConfig,
} from './config.js';

/** What each field of the config file accepts. The `object<T>` type argument keeps keys in step with config.ts. */

const DNS_LABEL = text(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a DNS label (lowercase letters, digits, dashes, at most 63)');
const SECRET_KEY = text(/^[-._a-zA-Z0-9]{1,253}$/, 'a Secret key (letters, digits, ".", "_", "-")');
const IMAGE = text(/^[a-z0-9.\-/:_@]+:[\w.\-]+$|^[a-z0-9.\-/:_]+@sha256:[a-f0-9]{64}$/, 'an image reference pinned to a tag or digest (repo:tag)');
const CIDR = text(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, 'a CIDR such as 10.0.0.0/8');
const URL = text(/^https?:\/\/[^\s/$.?#][^\s]*$/, 'an http:// or https:// URL');
const EMAIL = text(/^[^\s@]+@[^\s@]+$/, 'an email address');
const HOST = text(/^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$/, 'a host name');
const LABEL_KEY = text(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'a Kubernetes label key');
const LABEL_VALUE = text(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'a Kubernetes label value');
const ABSOLUTE_PATH = text(/^\/[^\s]*$/, 'an absolute path');

const secretRef = (): FieldSchema => object<SecretKeyRef>({ name: DNS_LABEL, key: SECRET_KEY });

const resource = (): FieldSchema => object<ResourceConfig>({
  cpuRequestMillis: integer(1, 64_000),
  cpuLimitMillis: integer(1, 64_000),
  memoryRequestMiB: integer(1, 1_048_576),
  memoryLimitMiB: integer(1, 1_048_576),
});

const images = object<ImageConfig>({
  prometheus: IMAGE, alertmanager: IMAGE, grafana: IMAGE, loki: IMAGE, promtail: IMAGE, nodeExporter: IMAGE,
  cadvisor: IMAGE, kubeStateMetrics: IMAGE, nvidiaDevicePlugin: IMAGE, detector: IMAGE,
});

const ports = object<PortConfig>({
  prometheus: port(), grafana: port(), alertmanager: port(), loki: port(), promtail: port(), nodeExporter: port(), cadvisor: port(), kubeStateMetrics: port(),
});

const storage = object<StorageConfig>({
  mode: oneOf(['pvc', 'hostPath']),
  storageClass: DNS_LABEL,
  hostPathRoot: ABSOLUTE_PATH,
  sizesGiB: object<StorageConfig['sizesGiB']>({
    prometheus: integer(1), loki: integer(1), grafana: integer(1), alertmanager: integer(1), models: integer(1),
  }),
});

const prometheus = object<PrometheusConfig>({
  scrapeIntervalSec: integer(1, 3600),
  retentionDays: integer(1, 3650),
  retentionSizeGiB: integer(1),
  remoteWriteUrls: list(URL),
});

const email = object<EmailConfig>({
  enabled: boolean(), smtpHost: HOST, smtpPort: port(), from: EMAIL, to: list(EMAIL), username: text(/^\S+$/, 'a user name without spaces'),
  passwordSecret: secretRef(), requireTls: boolean(),
});

const alerting = object<AlertingConfig>({
  email,
  webhooks: list(object<WebhookConfig>({ url: URL })),
});

const grafana = object<GrafanaConfig>({
  adminSecret: object<GrafanaConfig['adminSecret']>({ name: DNS_LABEL, userKey: SECRET_KEY, passwordKey: SECRET_KEY }),
});

const components = object<ComponentToggles>({
  grafana: boolean(), loki: boolean(), promtail: boolean(), alertmanager: boolean(), nodeExporter: boolean(), cadvisor: boolean(),
  kubeStateMetrics: boolean(), clusterDns: boolean(), gpuExporter: boolean(), nvidiaDevicePlugin: boolean(), runtimeClass: boolean(), gpuDetector: boolean(),
  podDetector: boolean(), processDetector: boolean(), diskDetector: boolean(),
});

const resources = object<ResourcesConfig>({
  prometheus: resource(), alertmanager: resource(), grafana: resource(), loki: resource(), promtail: resource(), nodeExporter: resource(),
  cadvisor: resource(), kubeStateMetrics: resource(), nvidiaDevicePlugin: resource(), gpuExporter: resource(), detector: resource(),
});

/** The schema of the whole config file. */
export const CONFIG_SCHEMA = object<OdinConfig>({
  namespace: DNS_LABEL,
  hostAgentNamespace: DNS_LABEL,
  clusterName: LABEL_VALUE,
  images,
  ports,
  nodePorts: object<NodePortConfig>({ prometheus: nodePort(), grafana: nodePort(), alertmanager: nodePort() }),
  storage,
  prometheus,
  alerting,
  grafana,
  gpu: object<GpuConfig>({ nodeLabelKey: LABEL_KEY, nodeLabelValue: LABEL_VALUE }),
  detector: object<DetectorConfig>({
    cycleIntervalSec: integer(5, 86_400), trainIntervalSec: integer(60, 604_800), trainWindowSec: integer(3600, 7_776_000), anomalyShare: decimal(0.001, 0.5),
  }),
  components,
  access: object<AccessConfig>({ basicAuth: boolean(), username: text(/^[^\s:]{1,64}$/, 'a user name without spaces or colons'), secretName: DNS_LABEL }),
  network: object<NetworkConfig>({ clientCidrs: list(CIDR), nodeCidrs: list(CIDR) }),
  resources,
});
