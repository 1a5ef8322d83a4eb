import { Construct } from 'constructs';
import { IScrapeTarget, ScrapeEndpoint } from '../core/scrape-target.js';
import { ForeignPods, INetworkEndpoint } from '../network/peer.js';

/** Properties for `ClusterDns`. */
export interface ClusterDnsProps {
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** The Service in front of the DNS pods; its EndpointSlices name the metrics port. @default 'kube-dns' */
  readonly serviceName?: string;
  /** @default 'metrics' */
  readonly portName?: string;
  /** CoreDNS's `prometheus :9153`. @default 9153 */
  readonly port?: number;
  /** Labels of the DNS pods, for the NetworkPolicy rule. @default { 'k8s-app': 'kube-dns' } */
  readonly podLabels?: Record<string, string>;
}

/**
 * The cluster's DNS server, K3s's CoreDNS (manifests/coredns.yaml): the `kube-dns` Service in kube-system lists the
 * pods' metrics port 9153 (the Corefile's `prometheus :9153`) beside DNS. ODIN defines nothing in kube-system; this
 * only declares the scrape target, from which the job and Prometheus's egress rule derive.
 */
export class ClusterDns extends Construct implements IScrapeTarget {
  public readonly scrapeEndpoint: ScrapeEndpoint;
  public readonly network: INetworkEndpoint;

  constructor(scope: Construct, id: string, props: ClusterDnsProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? 'kube-system';
    this.scrapeEndpoint = {
      jobName: 'coredns',
      namespace,
      serviceName: props.serviceName ?? 'kube-dns',
      portName: props.portName ?? 'metrics',
      port: props.port ?? 9153,
    };
    this.network = new ForeignPods(namespace, props.podLabels ?? { 'k8s-app': 'kube-dns' });
  }
}
