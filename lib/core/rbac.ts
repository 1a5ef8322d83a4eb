import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { componentLabels } from './labels.js';

/** Read access to one API group's resources. */
export interface ReadRule {
  /** '' is the core group. */
  readonly apiGroup: string;
  /** Resource names, no wildcards (e.g. 'pods', 'nodes/metrics'). */
  readonly resources: readonly string[];
  /** @default ['get', 'list', 'watch'] */
  readonly verbs?: readonly ('get' | 'list' | 'watch')[];
}

/** Properties for `ReadOnlyClusterAccess`. */
export interface ReadOnlyClusterAccessProps {
  /** Name of the ServiceAccount, ClusterRole and ClusterRoleBinding. */
  readonly name: string;
  readonly namespace: string;
  readonly rules: readonly ReadRule[];
}

/**
 * A ServiceAccount bound to a ClusterRole that only reads (get/list/watch) the resources named: no wildcards,
 * and Secrets are refused outright.
 */
export class ReadOnlyClusterAccess extends Construct {
  public readonly serviceAccount: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: ReadOnlyClusterAccessProps) {
    super(scope, id);
    for (const rule of props.rules) {
      const bad = rule.resources.find((r) => r === '*' || r === 'secrets' || r.startsWith('secrets/'));
      if (bad) throw new Error(`'${props.name}' may not read '${bad}': no wildcards and no Secret access`);
    }
    const labels = componentLabels(props.name);
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      // The pod opts in (automountServiceAccountToken: true); other pods using this account get no token.
      automountToken: false,
    });
    new kplus.k8s.KubeClusterRole(this, 'Role', {
      metadata: { name: `odin-${props.name}`, labels },
      rules: props.rules.map((r) => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: [...(r.verbs ?? ['get', 'list', 'watch'])] })),
    });
    new kplus.k8s.KubeClusterRoleBinding(this, 'Binding', {
      metadata: { name: `odin-${props.name}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `odin-${props.name}` },
      subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: props.namespace }],
    });
  }
}
