/** A port a NetworkPolicy rule opens. */
export interface PolicyPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** The API server: 443 on the `kubernetes` Service, 6443 on the K3s server node after DNAT. */
export const API_SERVER_PORTS: readonly PolicyPort[] = [{ port: 443 }, { port: 6443 }];

/** The other side of a NetworkPolicy rule: pods selected by labels in a namespace, or address ranges. */
export class PolicyPeer {
  /** Pods with these labels in `namespace`. */
  public static pods(namespace: string, labels: Record<string, string>): PolicyPeer {
    return new PolicyPeer([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
      podSelector: { matchLabels: { ...labels } },
    }]);
  }

  /** Addresses in these CIDRs (hosts, the API server, SMTP servers, browsers). */
  public static cidrs(cidrs: readonly string[]): PolicyPeer {
    if (cidrs.length === 0) throw new Error('a CIDR peer needs at least one CIDR, got []');
    return new PolicyPeer(cidrs.map((cidr) => ({ ipBlock: { cidr } })));
  }

  private constructor(
    /** The `from`/`to` entries of a NetworkPolicy rule. */
    public readonly entries: readonly Record<string, unknown>[],
  ) {}
}

/** Something NetworkPolicies can open flows to and from: a workload's policy plus how peers select it. */
export interface INetworkEndpoint {
  /** How other policies name this endpoint. */
  readonly peer: PolicyPeer;
  /** Opens ingress from `peer` on `ports` in this endpoint's own policy. */
  allowIngress(peer: PolicyPeer, ports: readonly PolicyPort[]): void;
  /** Opens egress to `peer` on `ports` in this endpoint's own policy. */
  allowEgress(peer: PolicyPeer, ports: readonly PolicyPort[]): void;
}

/**
 * Opens a flow on both sides: egress on `from`, ingress on `to`. Both policies are written because the namespace
 * denies everything by default (cdk8s-plus `connections` would isolate both sides; we keep that, on purpose).
 */
export function connect(from: INetworkEndpoint, to: INetworkEndpoint, ports: readonly PolicyPort[]): void {
  from.allowEgress(to.peer, ports);
  to.allowIngress(from.peer, ports);
}

/**
 * Pods ODIN does not own, such as K3s's CoreDNS in kube-system. ODIN's own policies can open flows to them; their
 * side stays as their owner set it (K3s puts no NetworkPolicy in kube-system, so ingress there is open).
 */
export class ForeignPods implements INetworkEndpoint {
  public readonly peer: PolicyPeer;

  constructor(namespace: string, labels: Record<string, string>) {
    this.peer = PolicyPeer.pods(namespace, labels);
  }

  /** Nothing to write: ODIN never adds policies to a namespace it does not own. */
  public allowIngress(): void {}

  public allowEgress(): void {
    throw new Error('ODIN does not write egress policies for pods it does not own');
  }
}
