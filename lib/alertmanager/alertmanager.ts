import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG, EmailConfig, ResourceConfig, StorageConfig, WebhookConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { componentLabels } from '../core/labels.js';
import { emailPlaceholders } from '../core/placeholders.js';
import { DataVolume } from '../core/storage.js';
import { WebAuth } from '../core/web-auth.js';
import { INetworkEndpoint, PolicyPeer } from '../network/peer.js';
import { IAlertmanagerTarget, urlPort } from '../prometheus/prometheus.js';
import { alertmanagerConfig } from './alertmanager-config.js';

const CONFIG_DIR = '/etc/alertmanager';
const SMTP_SECRET_DIR = '/etc/alertmanager/secrets/smtp';
const DATA_DIR = '/alertmanager';

/** Properties for `Alertmanager`. */
export interface AlertmanagerProps {
  /** @default 'odin' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.alertmanager */
  readonly image?: string;
  /** @default 9093 */
  readonly port?: number;
  /** @default 31495 */
  readonly nodePort?: number;
  /**
   * SMTP email; the password comes from the Secret `email.passwordSecret`. When enabled, placeholder (RFC 2606) hosts
   * and addresses are refused. @default DEFAULT_CONFIG.alerting.email (disabled)
   */
  readonly email?: EmailConfig;
  /** @default [] */
  readonly webhooks?: readonly WebhookConfig[];
  /** @default DEFAULT_CONFIG.storage */
  readonly storage?: StorageConfig;
  /** Volume for silences and the notification log. @default 1 */
  readonly storageSizeGiB?: number;
  /** @default DEFAULT_CONFIG.resources.alertmanager */
  readonly resources?: ResourceConfig;
  /** Who may reach the UI through the NodePort. @default ['0.0.0.0/0'] */
  readonly clientCidrs?: readonly string[];
  /** Basic auth on every path: the API (silences, alerts) and the UI. @default - none: anyone who reaches the port can silence alerts */
  readonly webAuth?: WebAuth;
}

/** Alertmanager: SMTP email and webhooks, routes per component and severity, inhibition, 15-minute repeats. */
export class Alertmanager extends Construct implements IAlertmanagerTarget {
  public readonly server: Exporter;

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? DEFAULT_CONFIG.namespace;
    const port = props.port ?? DEFAULT_CONFIG.ports.alertmanager;
    const email = props.email ?? DEFAULT_CONFIG.alerting.email;
    const webhooks = props.webhooks ?? [];
    if (email.enabled && email.to.length === 0) throw new Error("'email.to' needs at least one address when email is enabled, got []");
    const placeholders = email.enabled ? emailPlaceholders(email, 'email') : [];
    if (placeholders.length > 0) throw new Error(placeholders.join('; '));
    const configYaml = stringify(alertmanagerConfig({ email, webhooks, smtpPasswordFile: `${SMTP_SECRET_DIR}/password` }), { lineWidth: 0 });
    this.server = new Exporter(this, 'Server', {
      name: 'alertmanager',
      namespace,
      image: props.image ?? DEFAULT_CONFIG.images.alertmanager,
      port,
      portName: 'http',
      nodePort: props.nodePort ?? DEFAULT_CONFIG.nodePorts.alertmanager,
      resources: props.resources ?? DEFAULT_CONFIG.resources.alertmanager,
      recreate: true,
      livenessPath: '/-/healthy',
      readinessPath: '/-/ready',
      args: [
        `--config.file=${CONFIG_DIR}/alertmanager.yml`,
        `--storage.path=${DATA_DIR}`,
        `--web.listen-address=:${port}`,
        '--cluster.listen-address=', // one replica: no gossip port to open
      ],
      webAuth: props.webAuth,
    });
    this.mountVolumes(props, namespace, email, configYaml);
    this.openFlows(props, email, webhooks, port);
  }

  public get network(): INetworkEndpoint {
    return this.server.network;
  }

  public get address(): string {
    return this.server.address;
  }

  public get port(): number {
    return this.server.port;
  }

  public get webAuth(): WebAuth | undefined {
    return this.server.webAuth;
  }

  /** Mounts `configYaml` (the generated alertmanager.yml, without secrets), the SMTP password and the data volume. */
  private mountVolumes(props: AlertmanagerProps, namespace: string, email: EmailConfig, configYaml: string): void {
    const container = this.server.workload.container;
    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: 'alertmanager-config', namespace, labels: componentLabels('alertmanager') },
    });
    config.addData('alertmanager.yml', configYaml);
    this.server.workload.restartOnChange('config', () => configYaml);
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config), { readOnly: true });
    if (email.enabled) {
      const secret = kplus.Secret.fromSecretName(this, 'SmtpSecret', email.passwordSecret.name);
      container.mount(SMTP_SECRET_DIR, kplus.Volume.fromSecret(this, 'SmtpVolume', secret, {
        items: { [email.passwordSecret.key]: { path: 'password' } },
      }), { readOnly: true });
    }
    const data = new DataVolume(this, 'Data', {
      name: 'alertmanager-data', namespace, sizeGiB: props.storageSizeGiB ?? DEFAULT_CONFIG.storage.sizesGiB.alertmanager,
      storage: props.storage ?? DEFAULT_CONFIG.storage,
    });
    container.mount(DATA_DIR, data.volume);
  }

  private openFlows(props: AlertmanagerProps, email: EmailConfig, webhooks: readonly WebhookConfig[], port: number): void {
    const network = this.server.network;
    const anywhere = PolicyPeer.cidrs(['0.0.0.0/0']);
    // The SMTP server and webhooks live outside the cluster, at addresses only DNS knows.
    if (email.enabled) network.allowEgress(anywhere, [{ port: email.smtpPort }]);
    for (const webhook of webhooks) network.allowEgress(anywhere, [{ port: urlPort(webhook.url) }]);
    network.allowIngress(PolicyPeer.cidrs(props.clientCidrs ?? DEFAULT_CONFIG.network.clientCidrs), [{ port }]);
  }
}
