import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { INetworkEndpoint, PolicyPeer, PolicyPort } from './peer.js';

/** Properties for `PodPolicy`. */
export interface PodPolicyProps {
  /** Name of the NetworkPolicy; also the peer's identity in error messages. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the pods this policy selects. */
  readonly podLabels: Record<string, string>;
  /**
   * How other policies reach these pods.
   * @default - the pods by their labels; host-network pods pass `PolicyPeer.cidrs(nodeCidrs)`
   */
  readonly peer?: PolicyPeer;
}

interface Rule {
  readonly peer: PolicyPeer;
  readonly ports: readonly PolicyPort[];
}

/**
 * One NetworkPolicy for one workload's pods, listing both directions. Rules are added while the app is wired
 * (`connect`), so the spec renders lazily.
 */
export class PodPolicy extends Construct implements INetworkEndpoint {
  public readonly peer: PolicyPeer;
  private readonly ingress: Rule[] = [];
  private readonly egress: Rule[] = [];

  constructor(scope: Construct, id: string, props: PodPolicyProps) {
    super(scope, id);
    this.peer = props.peer ?? PolicyPeer.pods(props.namespace, props.podLabels);
    new kplus.k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: Lazy.any({
        produce: () => ({
          podSelector: { matchLabels: props.podLabels },
          policyTypes: ['Ingress', 'Egress'],
          ingress: this.ingress.map((r) => ({ from: r.peer.entries, ports: renderPorts(r.ports) })),
          egress: this.egress.map((r) => ({ to: r.peer.entries, ports: renderPorts(r.ports) })),
        }),
      }),
    });
  }

  public allowIngress(peer: PolicyPeer, ports: readonly PolicyPort[]): void {
    addRule(this.ingress, peer, ports);
  }

  public allowEgress(peer: PolicyPeer, ports: readonly PolicyPort[]): void {
    addRule(this.egress, peer, ports);
  }
}

/** Adds a rule unless the same peer and ports are already allowed (two wirings of one flow render once). */
function addRule(rules: Rule[], peer: PolicyPeer, ports: readonly PolicyPort[]): void {
  const key = JSON.stringify([peer.entries, renderPorts(ports)]);
  if (rules.some((r) => JSON.stringify([r.peer.entries, renderPorts(r.ports)]) === key)) return;
  rules.push({ peer, ports });
}

function renderPorts(ports: readonly PolicyPort[]) {
  return ports.map((p) => ({ port: kplus.k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' }));
}
