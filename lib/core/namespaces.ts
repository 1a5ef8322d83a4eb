import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NamespaceIsolation } from '../network/namespace-isolation.js';
import { PART_OF } from './labels.js';

/** A Pod Security Standards level. */
export enum PodSecurityLevel {
  RESTRICTED = 'restricted',
  BASELINE = 'baseline',
  PRIVILEGED = 'privileged',
}

/** Properties for `OdinNamespace`. */
export interface OdinNamespaceProps {
  readonly name: string;
  /** The level Pod Security admission enforces. */
  readonly enforce: PodSecurityLevel;
  /**
   * The level it audits against (recorded in the API server's audit log), to show what would need relaxing
   * without printing a warning at every `kubectl apply`.
   * @default - the enforced level
   */
  readonly audit?: PodSecurityLevel;
}

/** A namespace with Pod Security admission labels, isolated by default (deny all, then DNS). */
export class OdinNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: OdinNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const audit = props.audit ?? props.enforce;
    new kplus.k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          ...PART_OF,
          'pod-security.kubernetes.io/enforce': props.enforce,
          'pod-security.kubernetes.io/warn': props.enforce,
          'pod-security.kubernetes.io/audit': audit,
        },
      },
    });
    new NamespaceIsolation(this, 'Isolation', { namespace: props.name });
  }
}
