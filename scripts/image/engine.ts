/**
 * The container engines that build the detector image and the commands each takes: build, save to an archive, and
 * import the archive into K3s's containerd. What the machine has comes in as a function, so tests need no engine.
 */
import { spawnSync } from 'node:child_process';
import { onPath } from '../on-path.js';

/** In the order `npm run image` looks for them. */
export const ENGINES = ['docker', 'podman', 'nerdctl', 'buildah'] as const;
export type Engine = (typeof ENGINES)[number];

/** Whether a command of that name is on PATH. */
export type OnPath = (command: string) => boolean;

/** Why an engine cannot build here, or undefined when it can. */
export type EngineProbe = (engine: Engine) => string | undefined;

/** K3s's containerd socket, for a plain `ctr` on a K3s node. */
export const K3S_CONTAINERD_SOCKET = '/run/k3s/containerd/containerd.sock';

/**
 * This machine's engines: on PATH, and for docker and nerdctl (clients of a daemon) one that answers `info`, so a
 * docker CLI without its daemon does not hide a working podman.
 */
export function probeEngine(engine: Engine): string | undefined {
  if (!onPath(engine)) return 'not on PATH';
  if (engine !== 'docker' && engine !== 'nerdctl') return undefined;
  const info = spawnSync(engine, ['info'], { stdio: 'ignore', timeout: 15_000 });
  return info.status === 0 ? undefined : `on PATH, but \`${engine} info\` failed (is its daemon running, and may this user use it?)`;
}

/** The engine asked for (`--engine`), or the first of ENGINES that can build; an error says why none can. */
export function detectEngine(probe: EngineProbe, requested?: string): Engine {
  if (requested !== undefined) {
    if (!(ENGINES as readonly string[]).includes(requested)) throw new Error(`--engine must be one of ${ENGINES.join(', ')}, got '${requested}'`);
    const problem = probe(requested as Engine);
    if (problem !== undefined) throw new Error(`--engine ${requested}: ${problem}`);
    return requested as Engine;
  }
  const problems: string[] = [];
  for (const engine of ENGINES) {
    const problem = probe(engine);
    if (problem === undefined) return engine;
    problems.push(`${engine}: ${problem}`);
  }
  throw new Error(`no container engine can build here (${problems.join('; ')}). Install one (a K3s node has none; ` +
    'on Debian or Ubuntu: apt-get install podman), or build on another machine and push to a registry (README, "Apply to K3s")');
}

export interface BuildSpec {
  readonly tag: string;
  readonly dockerfile: string;
  readonly context: string;
  /** --build-arg NAME=VALUE. @default {} */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Engine flags placed before the rest (a sandbox's runtime, ulimits, mounts). @default [] */
  readonly engineFlags?: readonly string[];
}

/** The build command: every engine takes docker's `build -f -t --build-arg` (buildah as `buildah build`). */
export function buildCommand(engine: Engine, spec: BuildSpec): string[] {
  const buildArgs = Object.entries(spec.buildArgs ?? {}).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]);
  return [engine, 'build', ...(spec.engineFlags ?? []), '-f', spec.dockerfile, '-t', spec.tag, ...buildArgs, spec.context];
}

/** Writes the image to a docker-archive tarball, which `ctr images import` reads. */
export function saveCommand(engine: Engine, tag: string, file: string): string[] {
  return engine === 'buildah' ? ['buildah', 'push', tag, `docker-archive:${file}:${tag}`] : [engine, 'save', '-o', file, tag];
}

/**
 * Imports an archive into the containerd that K3s runs pods from (namespace k8s.io): `k3s ctr` where K3s is
 * installed, else `ctr` on K3s's socket when it exists, else `ctr` on containerd's default socket.
 */
export function importCommand(has: OnPath, exists: (path: string) => boolean, file: string): string[] {
  if (has('k3s')) return ['k3s', 'ctr', 'images', 'import', file];
  if (has('ctr')) return ['ctr', ...(exists(K3S_CONTAINERD_SOCKET) ? ['--address', K3S_CONTAINERD_SOCKET] : []), '-n', 'k8s.io', 'images', 'import', file];
  throw new Error('--import loads the image into K3s\'s containerd, but neither k3s nor ctr is on PATH: run it on the K3s node, ' +
    'or push the image to a registry the cluster can pull from (README, "Apply to K3s")');
}

/** A name:tag the engines can tag a build with: not a digest reference, and with a tag. */
export function checkBuildTag(image: string): string {
  if (image.includes('@')) throw new Error(`images.detector is '${image}', a digest reference; a build can only be tagged with name:tag`);
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  if (!lastPart.includes(':')) throw new Error(`images.detector is '${image}', without a tag; give it one (e.g. ${image}:0.1.0) so nodes keep the copy you import`);
  return image;
}
