/**
 * `npm run image -- [--config FILE] [--engine NAME] [--build-arg NAME=VALUE]... [--import]`
 * Builds detectors/Dockerfile with the container engine this machine has (docker, podman, nerdctl or buildah, in
 * that order, or --engine) and tags it with the configured `images.detector` (--config or ODIN_CONFIG, as
 * `npm run synth` reads it). With --import it then loads the image into K3s's containerd, where the detector
 * pods (imagePullPolicy IfNotPresent) find it without a registry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../lib/config-file.js';
import type { OdinConfig } from '../../lib/config.js';
import { buildCommand, checkBuildTag, detectEngine, importCommand, probeEngine, saveCommand, type BuildSpec, type Engine } from './engine.js';
import { onPath } from '../on-path.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command in the repository with its output shown; throws, naming the command, when it fails. */
export function run(command: readonly string[]): void {
  console.log(`$ ${command.join(' ')}`);
  const result = spawnSync(command[0], command.slice(1), { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.error) throw new Error(`${command[0]} could not be started: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command.slice(0, 2).join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** The ODIN config as `npm run synth` reads it: `--config FILE`, else ODIN_CONFIG, else the defaults. */
export function odinConfig(configFile: string | undefined): OdinConfig {
  return loadConfig(configFile ?? (process.env.ODIN_CONFIG || undefined));
}

/** Builds the detector image with `engine` from the repository root. */
export function buildImage(engine: Engine, spec: Omit<BuildSpec, 'dockerfile' | 'context'>): void {
  run(buildCommand(engine, { ...spec, dockerfile: 'detectors/Dockerfile', context: '.' }));
}

function parseBuildArgs(values: readonly string[]): Record<string, string> {
  return Object.fromEntries(values.map((value) => {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new Error(`--build-arg takes NAME=VALUE, got '${value}'`);
    return [value.slice(0, eq), value.slice(eq + 1)];
  }));
}

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: [...argv],
    options: { config: { type: 'string' }, engine: { type: 'string' }, 'build-arg': { type: 'string', multiple: true }, import: { type: 'boolean' } },
  });
  const tag = checkBuildTag(odinConfig(values.config).images.detector);
  const engine = detectEngine(probeEngine, values.engine);
  const dir = mkdtempSync(join(tmpdir(), 'odin-image-'));
  try {
    const archive = join(dir, 'detector.tar');
    // Known before the build, so a machine without K3s's tools fails at once.
    const importing = values.import ? importCommand(onPath, existsSync, archive) : undefined;
    buildImage(engine, { tag, buildArgs: parseBuildArgs(values['build-arg'] ?? []) });
    console.log(`built ${tag} with ${engine}`);
    if (!importing) {
      console.log('next: on the K3s node, `sudo npm run image -- --import`; or push it to a registry (README, "Apply to K3s")');
      return;
    }
    run(saveCommand(engine, tag, archive));
    if (process.getuid?.() !== 0) console.log('(importing needs root on the node: if it is refused, run `sudo npm run image -- --import`)');
    run(importing);
    console.log(`imported ${tag} into K3s's containerd: the detector pods use it (imagePullPolicy IfNotPresent)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`odin image: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
