import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PolicyPeer } from './peer.js';

const DNS_PORT = kplus.k8s.IntOrString.fromNumber(53);

/** Properties for `NamespaceIsolation`. */
export interface NamespaceIsolationProps {
  readonly namespace: string;
  /**
   * Labels of the cluster DNS pods every pod may query.
   * @default { 'k8s-app': 'kube-dns' } (K3s's CoreDNS in kube-system)
   */
  readonly dnsPodLabels?: Record<string, string>;
}

/**
 * Denies all ingress and egress in a namespace, then lets every pod resolve names. Each workload's own
 * `PodPolicy` opens the flows it needs on top of this.
 */
export class NamespaceIsolation extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceIsolationProps) {
    super(scope, id);
    new kplus.k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace: props.namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new kplus.k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace: props.namespace },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [...PolicyPeer.pods('kube-system', props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' }).entries],
          ports: [{ port: DNS_PORT, protocol: 'UDP' }, { port: DNS_PORT, protocol: 'TCP' }],
        }],
      },
    });
  }
}
