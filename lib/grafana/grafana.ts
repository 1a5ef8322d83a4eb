import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_DASHBOARDS } from '../../dashboards/index.js';
import { DEFAULT_CONFIG, GrafanaConfig, ResourceConfig, StorageConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { componentLabels } from '../core/labels.js';
import { SecurityProfile } from '../core/security.js';
import { DataVolume } from '../core/storage.js';
import { PASSWORD_KEY, WebAuth } from '../core/web-auth.js';
import { INetworkEndpoint, PolicyPeer, connect } from '../network/peer.js';
import { DATASOURCE_PASSWORD_ENV, DatasourceUrls, dashboardProvider, datasourcesProvisioning } from './grafana-provisioning.js';

const PROVISIONING_DIR = '/etc/grafana/provisioning';
const DASHBOARDS_DIR = '/var/lib/grafana-dashboards';
/** The grafana user of the official image. */
const GRAFANA_UID = 472;

/** A datasource Grafana may reach: its URL and its pods. */
export interface GrafanaDatasource {
  readonly url: string;
  readonly network: INetworkEndpoint;
  readonly port: number;
  /** The basic auth it needs. @default - none */
  readonly webAuth?: WebAuth;
}

/** Properties for `Grafana`. */
export interface GrafanaProps {
  /** @default 'odin' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.grafana */
  readonly image?: string;
  /** @default 3000 */
  readonly port?: number;
  /** @default 31494 */
  readonly nodePort?: number;
  /** Secret with the admin user and password (created by the user; see README). @default DEFAULT_CONFIG.grafana.adminSecret */
  readonly adminSecret?: GrafanaConfig['adminSecret'];
  /** Dashboards, each provisioned from its own ConfigMap. @default ALL_DASHBOARDS */
  readonly dashboards?: readonly Dashboard[];
  /** @default DEFAULT_CONFIG.storage */
  readonly storage?: StorageConfig;
  /** @default 2 */
  readonly storageSizeGiB?: number;
  /** @default DEFAULT_CONFIG.resources.grafana */
  readonly resources?: ResourceConfig;
  /** Who may reach the UI through the NodePort. @default ['0.0.0.0/0'] */
  readonly clientCidrs?: readonly string[];
  /** Prometheus's scrape interval, the Prometheus datasource's minimum step. @default 15 */
  readonly prometheusScrapeIntervalSec?: number;
}

/** Grafana with provisioned datasources and dashboards from code, admin credentials from a Secret. */
export class Grafana extends Construct {
  public readonly server: Exporter;
  private readonly namespace: string;
  private readonly datasourceUrls: { -readonly [K in keyof DatasourceUrls]: DatasourceUrls[K] } = {};
  private readonly basicAuthUsers: { -readonly [K in keyof DatasourceUrls]: DatasourceUrls[K] } = {};
  /** The Secret the datasource password comes from, once a datasource needs one. */
  private passwordSecret?: string;

  constructor(scope: Construct, id: string, props: GrafanaProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? DEFAULT_CONFIG.namespace;
    const port = props.port ?? DEFAULT_CONFIG.ports.grafana;
    const secret = props.adminSecret ?? DEFAULT_CONFIG.grafana.adminSecret;
    const adminSecret = kplus.Secret.fromSecretName(this, 'AdminSecret', secret.name);
    this.server = new Exporter(this, 'Server', {
      name: 'grafana',
      namespace: this.namespace,
      image: props.image ?? DEFAULT_CONFIG.images.grafana,
      port,
      portName: 'http',
      nodePort: props.nodePort ?? DEFAULT_CONFIG.nodePorts.grafana,
      resources: props.resources ?? DEFAULT_CONFIG.resources.grafana,
      security: SecurityProfile.restricted(GRAFANA_UID),
      recreate: true,
      livenessPath: '/api/health',
      env: {
        GF_SECURITY_ADMIN_USER: kplus.EnvValue.fromSecretValue({ secret: adminSecret, key: secret.userKey }),
        GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: adminSecret, key: secret.passwordKey }),
        GF_SERVER_HTTP_PORT: kplus.EnvValue.fromValue(String(port)),
        GF_PATHS_PROVISIONING: kplus.EnvValue.fromValue(PROVISIONING_DIR),
        GF_ANALYTICS_REPORTING_ENABLED: kplus.EnvValue.fromValue('false'),
        GF_ANALYTICS_CHECK_FOR_UPDATES: kplus.EnvValue.fromValue('false'),
        GF_AUTH_ANONYMOUS_ENABLED: kplus.EnvValue.fromValue('false'),
        // The root filesystem is read-only: log to stdout (collected by Promtail), not to /var/log/grafana.
        GF_LOG_MODE: kplus.EnvValue.fromValue('console'),
      },
    });
    this.mountProvisioning(props.prometheusScrapeIntervalSec ?? DEFAULT_CONFIG.prometheus.scrapeIntervalSec);
    this.mountDashboards(props.dashboards ?? ALL_DASHBOARDS);
    this.mountData(props);
    this.server.network.allowIngress(PolicyPeer.cidrs(props.clientCidrs ?? DEFAULT_CONFIG.network.clientCidrs), [{ port }]);
  }

  /** Provisions datasource `uid` at `source.url` and opens the flow to it. */
  public addDatasource(uid: keyof DatasourceUrls, source: GrafanaDatasource): void {
    this.datasourceUrls[uid] = source.url;
    if (source.webAuth) this.useBasicAuth(uid, source.webAuth);
    connect(this.server.network, source.network, [{ port: source.port }]);
  }

  /** Datasource `uid` logs in with `auth`; its password reaches Grafana's environment from the Secret. */
  private useBasicAuth(uid: keyof DatasourceUrls, auth: WebAuth): void {
    if (this.passwordSecret === undefined) {
      const secret = kplus.Secret.fromSecretName(this, 'DatasourceAuthSecret', auth.secretName);
      this.server.workload.container.env.addVariable(DATASOURCE_PASSWORD_ENV, kplus.EnvValue.fromSecretValue({ secret, key: PASSWORD_KEY }));
      this.passwordSecret = auth.secretName;
    }
    if (this.passwordSecret !== auth.secretName) {
      throw new Error(`datasource '${uid}' needs the password in Secret '${auth.secretName}', but Grafana's datasources read '${this.passwordSecret}'`);
    }
    this.basicAuthUsers[uid] = auth.username;
  }

  private mountProvisioning(scrapeIntervalSec: number): void {
    const config = new kplus.ConfigMap(this, 'Provisioning', {
      metadata: { name: 'grafana-provisioning', namespace: this.namespace, labels: componentLabels('grafana') },
    });
    // Rendered at synthesis, after the chart has added the datasources.
    const datasources = () => stringify(datasourcesProvisioning(this.datasourceUrls, scrapeIntervalSec, this.basicAuthUsers), { lineWidth: 0 });
    config.addData('datasources.yaml', Lazy.any({ produce: datasources }) as unknown as string);
    // Dashboards are re-read from their files every minute; datasources only at start.
    this.server.workload.restartOnChange('datasources', datasources);
    config.addData('dashboards.yaml', stringify(dashboardProvider(DASHBOARDS_DIR), { lineWidth: 0 }));
    const volume = kplus.Volume.fromConfigMap(this, 'ProvisioningVolume', config, {
      items: { 'datasources.yaml': { path: 'datasources/odin.yaml' }, 'dashboards.yaml': { path: 'dashboards/odin.yaml' } },
    });
    this.server.workload.container.mount(PROVISIONING_DIR, volume, { readOnly: true });
  }

  private mountDashboards(dashboards: readonly Dashboard[]): void {
    const seen = new Set<string>();
    for (const dashboard of dashboards) {
      const uid = dashboard.uid;
      if (!uid || !/^[a-z0-9-]{1,40}$/.test(uid)) throw new Error(`dashboard '${dashboard.title}' needs a fixed uid of lowercase letters, digits and dashes, got ${JSON.stringify(uid)}`);
      if (seen.has(uid)) throw new Error(`dashboard uid '${uid}' is used twice`);
      seen.add(uid);
      const config = new kplus.ConfigMap(this, `Dashboard-${uid}`, {
        metadata: { name: `grafana-dashboard-${uid}`, namespace: this.namespace, labels: componentLabels('grafana') },
        data: { [`${uid}.json`]: JSON.stringify(dashboard, null, 1) },
      });
      this.server.workload.container.mount(`${DASHBOARDS_DIR}/${uid}`, kplus.Volume.fromConfigMap(this, `DashboardVolume-${uid}`, config), { readOnly: true });
    }
  }

  private mountData(props: GrafanaProps): void {
    const data = new DataVolume(this, 'Data', {
      name: 'grafana-data', namespace: this.namespace, sizeGiB: props.storageSizeGiB ?? DEFAULT_CONFIG.storage.sizesGiB.grafana,
      storage: props.storage ?? DEFAULT_CONFIG.storage,
    });
    const container = this.server.workload.container;
    container.mount('/var/lib/grafana', data.volume);
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));
  }
}
