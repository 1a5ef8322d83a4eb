import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { OdinConfig } from './config.js';
import { OdinChart } from './odin-chart.js';

/** Kinds without a namespace: applied first, in this order, so namespaced objects find their namespace. */
const CLUSTER_KINDS = ['Namespace', 'RuntimeClass', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding'];

/** A synthesized Kubernetes object. */
export type Manifest = Record<string, unknown> & { readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } };

/** Every object of the stack for `config`, in apply order (cluster-scoped first). */
export function synthesizeManifests(config: OdinConfig): Manifest[] {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new OdinChart(app, 'odin', { config });
  const objects = chart.toJson() as Manifest[];
  const rank = (m: Manifest) => (CLUSTER_KINDS.includes(m.kind) ? CLUSTER_KINDS.indexOf(m.kind) : CLUSTER_KINDS.length);
  return objects.map((m, i) => ({ m, i })).sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i).map(({ m }) => m);
}

/** The files of dist/: cluster-scoped objects in the first, everything else in the second (kubectl applies in name order). */
export function manifestFiles(manifests: readonly Manifest[]): Map<string, string> {
  const toYaml = (ms: readonly Manifest[]) => ms.map((m) => stringify(m, { lineWidth: 0 })).join('---\n');
  const cluster = manifests.filter((m) => CLUSTER_KINDS.includes(m.kind));
  const namespaced = manifests.filter((m) => !CLUSTER_KINDS.includes(m.kind));
  return new Map([['00-cluster.k8s.yaml', toYaml(cluster)], ['10-odin.k8s.yaml', toYaml(namespaced)]]);
}

/**
 * Writes the stack into `outdir` atomically: everything goes to a sibling temporary directory first, which
 * replaces `outdir` only once complete, so a failed run leaves the previous output as it was.
 */
export function writeDist(config: OdinConfig, outdir: string): number {
  const manifests = synthesizeManifests(config);
  const staging = join(dirname(outdir), `${basename(outdir)}.tmp-${process.pid}`);
  const previous = join(dirname(outdir), `${basename(outdir)}.old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    for (const [name, text] of manifestFiles(manifests)) writeFileSync(join(staging, name), text);
    renameSafely(outdir, previous);
    renameSync(staging, outdir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  rmSync(previous, { recursive: true, force: true });
  return manifests.length;
}

/** Moves `from` aside when it exists. */
function renameSafely(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
