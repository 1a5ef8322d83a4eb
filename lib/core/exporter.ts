import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { INetworkEndpoint } from '../network/peer.js';
import { componentLabels } from './labels.js';
import { IScrapeTarget, ScrapeEndpoint } from './scrape-target.js';
import { WEB_CONFIG_KEY, WebAuth, mountWebAuthKey } from './web-auth.js';
import { OdinWorkload, OdinWorkloadProps } from './workload.js';

/** Properties for `Exporter`: a workload plus the metrics endpoint it serves. */
export interface ExporterProps extends Omit<OdinWorkloadProps, 'ports'> {
  /** The port that serves metrics (named `metrics`). */
  readonly port: number;
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** Further container ports, not scraped. @default [] */
  readonly extraPorts?: OdinWorkloadProps['ports'];
  /** Prometheus job name. @default - the workload name */
  readonly jobName?: string;
  /** Name of the served port, on the container and the Service. @default 'metrics' */
  readonly portName?: string;
  /** Expose the port on every node at this NodePort. @default - ClusterIP only */
  readonly nodePort?: number;
  /** Prometheus `metric_relabel_configs` for the scrape job. @default - none */
  readonly metricRelabelings?: ScrapeEndpoint['metricRelabelings'];
  /**
   * Serve every path behind basic auth: the program reads the Secret's web configuration through exporter-toolkit's
   * `--web.config.file` (Prometheus, Alertmanager, node-exporter), and Prometheus scrapes it with credentials.
   * @default - no authentication
   */
  readonly webAuth?: WebAuth;
}

/** Where a basic-auth server finds its web configuration. */
const WEB_AUTH_DIR = '/etc/web-auth';

/**
 * A workload that serves Prometheus metrics: the workload, a Service named after it, and the scrape endpoint
 * that Prometheus turns into a job and a NetworkPolicy flow.
 */
export class Exporter extends Construct implements IScrapeTarget {
  public readonly workload: OdinWorkload;
  public readonly service: kplus.Service;
  public readonly scrapeEndpoint: ScrapeEndpoint;
  /** The basic auth its clients need. @default - none */
  public readonly webAuth?: WebAuth;

  constructor(scope: Construct, id: string, props: ExporterProps) {
    super(scope, id);
    const portName = props.portName ?? 'metrics';
    this.webAuth = props.webAuth;
    this.workload = new OdinWorkload(this, 'Workload', {
      ...props,
      ports: [{ name: portName, number: props.port }, ...(props.extraPorts ?? [])],
      ...(props.webAuth ? {
        args: [...(props.args ?? []), `--web.config.file=${WEB_AUTH_DIR}/${WEB_CONFIG_KEY}`],
        // exporter-toolkit exempts no path from basic auth, /-/healthy and /-/ready included (web/handler.go).
        tcpProbesReason: 'every path needs basic auth',
      } : {}),
    });
    if (props.webAuth) mountWebAuthKey(this, this.workload.container, props.webAuth, WEB_CONFIG_KEY, WEB_AUTH_DIR);
    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: props.name, namespace: props.namespace, labels: componentLabels(props.name) },
      type: props.nodePort ? kplus.ServiceType.NODE_PORT : kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: portName, port: props.port, targetPort: props.port, nodePort: props.nodePort }],
    });
    for (const [key, value] of Object.entries(this.workload.podLabels)) this.service.selectLabel(key, value);
    this.scrapeEndpoint = {
      jobName: props.jobName ?? props.name,
      namespace: props.namespace,
      serviceName: props.name,
      portName,
      port: props.port,
      path: props.metricsPath ?? '/metrics',
      metricRelabelings: props.metricRelabelings,
      basicAuth: props.webAuth !== undefined,
    };
  }

  public get network(): INetworkEndpoint {
    return this.workload;
  }

  /** The port the Service serves. */
  public get port(): number {
    return this.scrapeEndpoint.port;
  }

  /** `host:port` of the Service inside the cluster. */
  public get address(): string {
    return `${this.scrapeEndpoint.serviceName}.${this.scrapeEndpoint.namespace}.svc.cluster.local:${this.port}`;
  }

  /** `http://` URL of the Service inside the cluster. */
  public get url(): string {
    return `http://${this.address}`;
  }
}
