/** The label every ODIN object carries, so `kubectl get all -l app.kubernetes.io/part-of=odin` finds the stack. */
export const PART_OF = { 'app.kubernetes.io/part-of': 'odin' } as const;

/** Labels that select a component's pods: stable, so Services and NetworkPolicies can rely on them. */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, ...PART_OF };
}

/** Labels for every object of a component: its selector labels plus the managed-by marker. */
export function componentLabels(name: string): Record<string, string> {
  return { ...selectorLabels(name), 'app.kubernetes.io/managed-by': 'cdk8s' };
}
