import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG, ResourceConfig, StorageConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { componentLabels } from '../core/labels.js';
import { ReadOnlyClusterAccess } from '../core/rbac.js';
import { IScrapeTarget, ScrapeEndpoint } from '../core/scrape-target.js';
import { DataVolume } from '../core/storage.js';
import { PASSWORD_KEY, WebAuth, mountWebAuthKey } from '../core/web-auth.js';
import { API_SERVER_PORTS, INetworkEndpoint, PolicyPeer, connect } from '../network/peer.js';
import { ALL_RULE_GROUPS, RuleGroup } from './rules/index.js';
import { ruleFileYaml } from './rules/render.js';
import { AlertmanagerEndpoint, ClientAuth, prometheusConfig } from './prometheus-config.js';

const CONFIG_DIR = '/etc/prometheus';
const RULES_DIR = '/etc/prometheus/rules';
const DATA_DIR = '/prometheus';
/** Where Prometheus reads the password it presents to servers behind basic auth. */
const CLIENT_AUTH_DIR = '/etc/prometheus-client-auth';
/** The kubelet's HTTPS port on every node. */
const KUBELET_PORT = 10250;

/** An Alertmanager that Prometheus sends alerts to. */
export interface IAlertmanagerTarget {
  /** `host:port` Prometheus posts to. */
  readonly address: string;
  /** The port in `address`, opened in the NetworkPolicies. */
  readonly port: number;
  readonly network: INetworkEndpoint;
  /** The basic auth its API needs. @default - none */
  readonly webAuth?: WebAuth;
}

/** Properties for `Prometheus`. */
export interface PrometheusProps {
  /** @default 'odin' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.prometheus */
  readonly image?: string;
  /** @default 9090 */
  readonly port?: number;
  /** @default 31493 */
  readonly nodePort?: number;
  /** @default 15 */
  readonly scrapeIntervalSec?: number;
  /** @default 90 */
  readonly retentionDays?: number;
  /** TSDB size cap (`--storage.tsdb.retention.size`), because local-path does not enforce PVC sizes. @default 45 */
  readonly retentionSizeGiB?: number;
  /** @default 50 */
  readonly storageSizeGiB?: number;
  /** @default DEFAULT_CONFIG.storage */
  readonly storage?: StorageConfig;
  /** @default DEFAULT_CONFIG.resources.prometheus */
  readonly resources?: ResourceConfig;
  /** @default 'odin' */
  readonly clusterName?: string;
  /** @default [] */
  readonly remoteWriteUrls?: readonly string[];
  /** Rule groups, one rule file each. @default ALL_RULE_GROUPS */
  readonly ruleGroups?: readonly RuleGroup[];
  /** Addresses of the nodes (kubelet, host-network exporters, API server). @default ['0.0.0.0/0'] */
  readonly nodeCidrs?: readonly string[];
  /** Who may reach the UI and the OTLP receiver through the NodePort. @default ['0.0.0.0/0'] */
  readonly clientCidrs?: readonly string[];
  /** Scrape every node's kubelet (and with it K3s's control plane). @default true */
  readonly scrapeKubelet?: boolean;
  /**
   * Basic auth on every path (OTLP and remote writes, queries, the UI); Prometheus uses the same credentials for its
   * self-scrape and towards Alertmanager and the other targets behind basic auth.
   * @default - none: anyone who reaches the port can write series
   */
  readonly webAuth?: WebAuth;
}

/**
 * Prometheus with Kubernetes service discovery, the typed rule groups, the OTLP receiver (for AI coding assistants'
 * OpenTelemetry metrics), 90-day and size-capped retention on a volume, and read-only cluster access.
 */
export class Prometheus extends Construct {
  public readonly namespace: string;
  public readonly port: number;
  public readonly server: Exporter;
  private readonly targets: ScrapeEndpoint[] = [];
  private readonly alertmanagers: AlertmanagerEndpoint[] = [];
  private readonly clientAuth?: ClientAuth;

  constructor(scope: Construct, id: string, props: PrometheusProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? DEFAULT_CONFIG.namespace;
    this.port = props.port ?? DEFAULT_CONFIG.ports.prometheus;
    const retentionSizeGiB = props.retentionSizeGiB ?? DEFAULT_CONFIG.prometheus.retentionSizeGiB;
    const storageSizeGiB = props.storageSizeGiB ?? DEFAULT_CONFIG.storage.sizesGiB.prometheus;
    if (retentionSizeGiB > storageSizeGiB) {
      throw new Error(`'retentionSizeGiB' (${retentionSizeGiB}) must not exceed 'storageSizeGiB' (${storageSizeGiB})`);
    }
    const access = new ReadOnlyClusterAccess(this, 'Access', {
      name: 'prometheus',
      namespace: this.namespace,
      rules: [
        // EndpointSlice discovery also reads the Services and Pods behind each slice.
        { apiGroup: '', resources: ['nodes', 'services', 'pods'] },
        { apiGroup: 'discovery.k8s.io', resources: ['endpointslices'] },
        { apiGroup: '', resources: ['nodes/metrics'], verbs: ['get'] },
      ],
    });
    this.server = new Exporter(this, 'Server', {
      name: 'prometheus',
      namespace: this.namespace,
      image: props.image ?? DEFAULT_CONFIG.images.prometheus,
      port: this.port,
      portName: 'http',
      nodePort: props.nodePort ?? DEFAULT_CONFIG.nodePorts.prometheus,
      resources: props.resources ?? DEFAULT_CONFIG.resources.prometheus,
      serviceAccount: access.serviceAccount,
      recreate: true,
      livenessPath: '/-/healthy',
      readinessPath: '/-/ready',
      startupGraceSec: 900, // WAL replay of a large TSDB after a crash
      args: [
        `--config.file=${CONFIG_DIR}/prometheus.yml`,
        `--storage.tsdb.path=${DATA_DIR}`,
        `--storage.tsdb.retention.time=${props.retentionDays ?? DEFAULT_CONFIG.prometheus.retentionDays}d`,
        `--storage.tsdb.retention.size=${retentionSizeGiB}GB`, // Prometheus size units are powers of 1024
        `--web.listen-address=:${this.port}`,
        '--web.enable-otlp-receiver',
        // OTLP senders such as Claude Code push delta sums by default; without conversion Prometheus 3 drops them
        // ("invalid temporality and type combination"). The state is in memory: a restart is a counter reset.
        '--enable-feature=otlp-deltatocumulative',
      ],
      webAuth: props.webAuth,
    });
    if (props.webAuth) {
      const passwordFile = mountWebAuthKey(this, this.server.workload.container, props.webAuth, PASSWORD_KEY, CLIENT_AUTH_DIR);
      this.clientAuth = { username: props.webAuth.username, passwordFile };
    }
    this.mountFiles(props);
    this.mountData(props, storageSizeGiB);
    this.openBaseFlows(props);
  }

  /** Scrapes `target`: a job from its declared endpoint, and the network flow to it. */
  public addScrapeTarget(target: IScrapeTarget): void {
    if (this.targets.some((t) => t.jobName === target.scrapeEndpoint.jobName)) {
      throw new Error(`scrape job '${target.scrapeEndpoint.jobName}' is already defined`);
    }
    this.targets.push(target.scrapeEndpoint);
    connect(this.server.network, target.network, [{ port: target.scrapeEndpoint.port }]);
  }

  /** Sends alerts to `alertmanager`. */
  public addAlertmanager(alertmanager: IAlertmanagerTarget): void {
    this.alertmanagers.push({ address: alertmanager.address, basicAuth: alertmanager.webAuth !== undefined });
    connect(this.server.network, alertmanager.network, [{ port: alertmanager.port }]);
  }

  /** Lets `client` query the HTTP API (Grafana, the detectors). */
  public grantQuery(client: INetworkEndpoint): void {
    connect(client, this.server.network, [{ port: this.port }]);
  }

  /** The URL clients in the cluster use. */
  public get url(): string {
    return this.server.url;
  }

  /** The generated prometheus.yml. */
  private renderConfig(props: PrometheusProps): string {
    return stringify(prometheusConfig({
      scrapeIntervalSec: props.scrapeIntervalSec ?? DEFAULT_CONFIG.prometheus.scrapeIntervalSec,
      clusterName: props.clusterName ?? DEFAULT_CONFIG.clusterName,
      selfPort: this.port,
      targets: this.targets,
      alertmanagers: this.alertmanagers,
      ruleFilesGlob: `${RULES_DIR}/*.yaml`,
      remoteWriteUrls: props.remoteWriteUrls ?? [],
      scrapeKubelet: props.scrapeKubelet ?? true,
      clientAuth: this.clientAuth,
    }), { lineWidth: 0 });
  }

  private mountFiles(props: PrometheusProps): void {
    const labels = componentLabels('prometheus');
    const config = new kplus.ConfigMap(this, 'Config', { metadata: { name: 'prometheus-config', namespace: this.namespace, labels } });
    // Rendered at synthesis: scrape targets and Alertmanagers are added after construction.
    config.addData('prometheus.yml', Lazy.any({ produce: () => this.renderConfig(props) }) as unknown as string);
    const rules = new kplus.ConfigMap(this, 'Rules', { metadata: { name: 'prometheus-rules', namespace: this.namespace, labels } });
    const ruleFiles = (props.ruleGroups ?? ALL_RULE_GROUPS).map((group) => [`${group.name}.yaml`, ruleFileYaml(group)]);
    for (const [name, text] of ruleFiles) rules.addData(name, text);
    this.server.workload.restartOnChange('config', () => this.renderConfig(props));
    this.server.workload.restartOnChange('rules', () => JSON.stringify(ruleFiles));
    const container = this.server.workload.container;
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config), { readOnly: true });
    container.mount(RULES_DIR, kplus.Volume.fromConfigMap(this, 'RulesVolume', rules), { readOnly: true });
  }

  private mountData(props: PrometheusProps, sizeGiB: number): void {
    const data = new DataVolume(this, 'Data', {
      name: 'prometheus-data', namespace: this.namespace, sizeGiB, storage: props.storage ?? DEFAULT_CONFIG.storage,
    });
    this.server.workload.container.mount(DATA_DIR, data.volume);
  }

  private openBaseFlows(props: PrometheusProps): void {
    const nodes = PolicyPeer.cidrs(props.nodeCidrs ?? DEFAULT_CONFIG.network.nodeCidrs);
    const network = this.server.network;
    network.allowEgress(nodes, [{ port: KUBELET_PORT }, ...API_SERVER_PORTS]);
    network.allowIngress(PolicyPeer.cidrs(props.clientCidrs ?? DEFAULT_CONFIG.network.clientCidrs), [{ port: this.port }]);
    for (const url of props.remoteWriteUrls ?? []) {
      network.allowEgress(PolicyPeer.cidrs(['0.0.0.0/0']), [{ port: urlPort(url) }]);
    }
  }
}

/** The TCP port of an http(s) URL. */
export function urlPort(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
}
