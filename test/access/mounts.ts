import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Manifest } from '../../lib/synth.js';
import { findObject, objectId, podSpec } from '../helpers.js';
import { tempDir } from '../validate/tools.js';

/** A container's files as its pod would see them, laid out under a temporary directory. */
export interface MountedFiles {
  /** Where the file the container sees at `containerPath` is on this machine. */
  local(containerPath: string): string;
  /** `args` with every container path under a mount replaced by its local copy. */
  localArgs(args: readonly string[]): string[];
}

/** The keys of a ConfigMap or Secret volume, renamed by its `items` when it has some. */
function volumeFiles(source: { items?: Array<{ key: string; path: string }> }, data: Record<string, string>): Array<[string, string]> {
  const items = source.items ?? Object.keys(data).map((key) => ({ key, path: key }));
  return items.map(({ key, path }) => {
    if (data[key] === undefined) throw new Error(`no key '${key}' to mount`);
    return [path, data[key]];
  });
}

/**
 * Writes the ConfigMap (from `manifests`) and Secret (from `secrets`, the objects a user creates) volumes the first
 * container of `workload` mounts, so a test can start the real program with the manifest's own flags and files.
 */
export function mountedFiles(manifests: readonly Manifest[], workload: Manifest, secrets: readonly Manifest[]): MountedFiles {
  const root = tempDir('mounts');
  const spec = podSpec(workload);
  const mounts = (spec.containers[0].volumeMounts ?? []) as Array<{ name: string; mountPath: string }>;
  for (const mount of mounts) {
    const volume = spec.volumes.find((v: { name: string }) => v.name === mount.name);
    const namespace = workload.metadata.namespace;
    let files: Array<[string, string]> = [];
    if (volume.configMap) files = volumeFiles(volume.configMap, (findObject(manifests, 'ConfigMap', volume.configMap.name, namespace) as any).data);
    if (volume.secret) files = volumeFiles(volume.secret, (findObject(secrets, 'Secret', volume.secret.secretName, namespace) as any).stringData);
    for (const [path, content] of files) {
      const file = join(root, mount.mountPath, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  const covered = (path: string) => mounts.some((m) => path.startsWith(`${m.mountPath}/`));
  const local = (path: string) => {
    if (!covered(path)) throw new Error(`${objectId(workload)} mounts nothing at ${path}`);
    return join(root, path);
  };
  return {
    local,
    localArgs: (args) => args.map((arg) => arg.replace(/=(\/\S+)$/, (whole, path: string) => (covered(path) ? `=${local(path)}` : whole))),
  };
}
