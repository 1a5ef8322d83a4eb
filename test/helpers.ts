import { OdinConfig, resolveConfig } from '../lib/config.js';
import { Manifest, synthesizeManifests } from '../lib/synth.js';

/** The effective config with `overrides` laid over the defaults (validated like a user file). */
export function testConfig(overrides: unknown = {}): OdinConfig {
  return resolveConfig(overrides);
}

/** Email settings that are not placeholders, to turn email on in a test. */
export const REAL_EMAIL = { enabled: true, smtpHost: 'smtp.gmail.com', from: 'odin@me.com', to: ['me@me.com'] };

/**
 * The stack's objects for `overrides`, synthesized now from the code: tests judge what the code produces, not the
 * committed dist/ (CI checks that dist/ is committed as synthesized).
 */
export function synthStack(overrides: unknown = {}): Manifest[] {
  return synthesizeManifests(testConfig(overrides));
}

/** The object of `kind` named `name` (and in `namespace` when given); fails loudly when absent. */
export function findObject(manifests: readonly Manifest[], kind: string, name: string, namespace?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name && (namespace === undefined || m.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ''}${name} among ${manifests.length} objects`);
  return found;
}

/** `kind/namespace/name`, how failures name an object. */
export function objectId(m: Manifest): string {
  return `${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;
}

/** The pod template spec of a workload. */
export function podSpec(m: Manifest): Record<string, any> {
  return (m as any).spec.template.spec;
}

/** Workload kinds that run pods. */
export const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob', 'Pod'];
