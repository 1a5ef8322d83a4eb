/**
 * `npm run image:check -- [--config FILE] [--pinned-bases]`
 * Builds the detector image with podman and starts each of its five modes the way its manifest starts it (user,
 * groups, read-only root filesystem, capabilities, seccomp, memory and CPU limits, host PID, args, environment,
 * mounted ConfigMaps, scratch volumes and host paths), all read from the manifests synthesized here; the GPU
 * exporter gets the real H100 trace replayed as its nvidia-smi, where the NVIDIA runtime would inject the real one.
 * Each mode must answer /healthz and /metrics and exit cleanly on SIGTERM. Prints, last,
 * `image: <MB> MB, modes ready <n>/5` and exits non-zero when fewer than five are ready.
 *
 * Without --pinned-bases the Dockerfile's bases are replaced by local stand-ins (scripts/image/stand-in-base.sh,
 * built once and kept), since Docker Hub cannot be reached where this runs in CI.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DetectorMode } from '../../lib/detectors/detector-image.js';
import { synthesizeManifests } from '../../lib/synth.js';
import { REPO_ROOT, buildImage, odinConfig, run } from './build.js';
import { checkBuildTag } from './engine.js';
import { containerRuns, podmanRunFlags, type ContainerMount, type ContainerRun } from './pod-run.js';

/** Local stand-ins for the Dockerfile's NODE_IMAGE and RUNTIME_IMAGE, at the pinned node image's versions. */
const STAND_IN_BASES = { NODE_IMAGE: 'localhost/odin-stand-in/node:20-bookworm-slim', RUNTIME_IMAGE: 'localhost/odin-stand-in/debian:bookworm-slim' };
const STAND_IN_VERSIONS = ['20.20.2', '10.8.2'];

/**
 * What this sandbox needs (a CI container: cgroups in hybrid mode, which crun refuses; no CAP_SYS_RESOURCE to raise
 * rlimits), kept here and out of the Dockerfile.
 */
const SANDBOX_FLAGS = ['--runtime=runc', '--ulimit=nofile=20000:20000', '--ulimit=nproc=4096:4096'];

/** What the kubelet and cluster would supply: a node name, an API server address where nothing listens, Secret values. */
const NODE = { nodeName: 'image-check-node', apiHost: '127.0.0.1', apiPort: 1, secretValue: (secret: string, key: string) => `image-check-${secret}-${key}` };

const READY_TIMEOUT_MS = 60_000;

/** The machine's CA bundle (TLS may be intercepted on the way to the npm registry), for `npm ci` in the build. */
function caBundleFlags(scratch: string): string[] {
  const bundle = [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].find((f) => f && existsSync(f));
  if (!bundle) return [];
  const npmrc = join(scratch, 'npmrc');
  writeFileSync(npmrc, 'cafile=/run/odin-build/ca.crt\n');
  return [`--volume=${bundle}:/run/odin-build/ca.crt:ro`, `--volume=${npmrc}:/usr/local/etc/npmrc:ro`];
}

function podman(args: readonly string[], timeoutMs = 60_000): string {
  const result = spawnSync('podman', args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw new Error(`podman ${args[0]}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`podman ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

function build(tag: string, pinnedBases: boolean, scratch: string): void {
  if (!pinnedBases) run(['bash', join(REPO_ROOT, 'scripts/image/stand-in-base.sh'), STAND_IN_BASES.RUNTIME_IMAGE, STAND_IN_BASES.NODE_IMAGE, ...STAND_IN_VERSIONS]);
  const started = Date.now();
  buildImage('podman', {
    tag,
    buildArgs: pinnedBases ? {} : STAND_IN_BASES,
    engineFlags: [...SANDBOX_FLAGS, `--pull=${pinnedBases ? 'missing' : 'never'}`, ...caBundleFlags(scratch)],
  });
  console.log(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Lays out on this machine what each mount shows in the container and returns where. */
function prepareMounts(run: ContainerRun, dir: string): (mount: ContainerMount) => string {
  const paths = new Map<ContainerMount, string>();
  for (const mount of run.mounts) {
    const volumeDir = join(dir, mount.volume);
    const source = mount.source;
    if (source.kind === 'host' && mount.readOnly && existsSync(source.path)) {
      // Read-only host paths are this machine's own: the check never writes outside its scratch directory.
      paths.set(mount, source.path);
      continue;
    }
    mkdirSync(volumeDir, { recursive: true });
    // emptyDir and local-path volumes are world-writable; a hostPath directory the kubelet creates is 0755.
    chmodSync(volumeDir, source.kind === 'scratch' ? 0o777 : 0o755);
    if (source.kind === 'files') {
      for (const [file, content] of Object.entries(source.files)) {
        mkdirSync(dirname(join(volumeDir, file)), { recursive: true });
        writeFileSync(join(volumeDir, file), content, { mode: 0o644 });
      }
    }
    paths.set(mount, mount.subPath ? join(volumeDir, mount.subPath) : volumeDir);
  }
  return (mount) => paths.get(mount)!;
}

/**
 * What the NVIDIA container runtime does for a container that names GPUs in NVIDIA_VISIBLE_DEVICES: it injects
 * nvidia-smi. Here nvidia-smi replays the real H100 trace (test/detectors/helpers/replay-nvidia-smi.mjs) on the
 * image's own node.
 */
function nvidiaSmiMounts(run: ContainerRun, dir: string): string[] {
  if (run.env.NVIDIA_VISIBLE_DEVICES === undefined) return [];
  const replay = join(dir, 'nvidia-smi-replay');
  const files = ['test/detectors/helpers/replay-nvidia-smi.mjs', 'test/fixtures/nvidia-smi/h100-load-trace.csv', 'test/fixtures/nvidia-smi/h100-load-phases.csv'];
  for (const file of files) {
    mkdirSync(dirname(join(replay, file)), { recursive: true, mode: 0o755 });
    copyFileSync(join(REPO_ROOT, file), join(replay, file));
  }
  writeFileSync(join(replay, 'phase'), 'full_load\n');
  const stub = join(dir, 'nvidia-smi');
  writeFileSync(stub, '#!/bin/sh\nODIN_REPLAY_CONTROL=/opt/nvidia-smi-replay/phase exec node /opt/nvidia-smi-replay/test/detectors/helpers/replay-nvidia-smi.mjs "$@"\n', { mode: 0o755 });
  chmodSync(replay, 0o755);
  return [`--volume=${stub}:/usr/bin/nvidia-smi:ro`, `--volume=${replay}:/opt/nvidia-smi-replay:ro`];
}

async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

function sampleValue(metrics: string, name: string): string | undefined {
  return metrics.split('\n').find((line) => line.startsWith(`${name} `))?.split(' ')[1];
}

/** Runs the checks on a started container; returns what it found, or throws with the reason it is not ready. */
async function probe(run: ContainerRun, name: string): Promise<string[]> {
  const base = `http://${podman(['port', name, `${run.port}/tcp`]).split('\n')[0]}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let healthz = await get(`${base}/healthz`);
  while (healthz?.status !== 200) {
    const [status, exitCode] = podman(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name]).split(' ');
    if (status !== 'running') throw new Error(`the container exited with ${exitCode}${exitCode === '137' ? ' (killed: over its memory limit?)' : ''}`);
    if (Date.now() > deadline) throw new Error(`/healthz answered ${healthz?.status ?? 'nothing'} within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    healthz = await get(`${base}/healthz`);
  }
  const metrics = await get(`${base}/metrics`);
  if (metrics?.status !== 200 || !metrics.body.includes('# TYPE odin_detector_errors_total counter')) {
    throw new Error(`/metrics answered ${metrics?.status ?? 'nothing'}${metrics?.status === 200 ? ' without the detector\'s own metrics' : ''}`);
  }
  const found = ['/healthz 200', '/metrics 200'];
  if (run.env.NVIDIA_VISIBLE_DEVICES !== undefined) {
    const up = sampleValue(metrics.body, 'nvidia_smi_up');
    if (up !== '1') throw new Error(`nvidia_smi_up is ${up ?? 'absent'}: the exporter could not run nvidia-smi`);
    found.push(`nvidia_smi_up 1, ${metrics.body.split('\n').filter((l) => l.startsWith('nvidia_gpu_')).length} nvidia_gpu_* samples`);
  }
  found.push(memoryUse(run, name));
  return found;
}

/**
 * The program's RSS, and what its cgroup is charged, which the memory limit bounds (the node binary's pages, shared
 * with the page cache, count in the RSS but are charged to whoever read them first).
 */
function memoryUse(run: ContainerRun, name: string): string {
  const pid = podman(['inspect', '--format', '{{.State.Pid}}', name]);
  const rssKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  const [stats] = JSON.parse(podman(['stats', '--no-stream', '--format=json', name])) as Array<{ mem_usage: string }>;
  const limit = run.memoryLimitBytes === undefined ? 'no limit' : `limit ${(run.memoryLimitBytes / 2 ** 20).toFixed(0)} MiB`;
  return `rss ${(rssKb / 1024).toFixed(1)} MB, cgroup ${stats.mem_usage.split(' / ')[0]} (${limit})`;
}

/** SIGTERM, as the kubelet stops a pod; the program must exit 0 within the grace period. */
function stop(run: ContainerRun, name: string): string {
  const started = Date.now();
  podman(['kill', '--signal=TERM', name]);
  const code = podman(['wait', name], (run.terminationGracePeriodSec + 5) * 1000);
  const ms = Date.now() - started;
  if (code !== '0' || ms > run.terminationGracePeriodSec * 1000) throw new Error(`on SIGTERM it exited with ${code} after ${ms} ms`);
  return `SIGTERM: exit 0 in ${ms} ms`;
}

async function checkMode(tag: string, run: ContainerRun, scratch: string): Promise<boolean> {
  const mode = run.args[0];
  const dir = mkdtempSync(join(scratch, `${mode}-`));
  const name = `odin-image-check-${mode}-${process.pid}`;
  try {
    const flags = [...SANDBOX_FLAGS, ...podmanRunFlags(run, prepareMounts(run, dir)), ...nvidiaSmiMounts(run, dir)];
    podman(['run', '--detach', `--name=${name}`, ...flags, tag, ...run.args]);
    const found = await probe(run, name);
    found.push(stop(run, name));
    console.log(`${mode}: ready (${run.workload}): ${found.join(', ')}`);
    return true;
  } catch (err) {
    console.log(`${mode}: NOT ready (${run.workload}): ${(err as Error).message}`);
    const logs = spawnSync('podman', ['logs', '--tail=20', name], { encoding: 'utf8' });
    if (logs.status === 0) console.log(`${mode} logs:\n${logs.stdout}${logs.stderr}`);
    return false;
  } finally {
    spawnSync('podman', ['rm', '--force', '--time=0', name], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<boolean> {
  const { values } = parseArgs({ args: [...argv], options: { config: { type: 'string' }, 'pinned-bases': { type: 'boolean' } } });
  const config = odinConfig(values.config);
  const tag = checkBuildTag(config.images.detector);
  const runs = containerRuns(synthesizeManifests(config), tag, NODE);
  const scratch = mkdtempSync(join(tmpdir(), 'odin-image-check-'));
  try {
    build(tag, values['pinned-bases'] === true, scratch);
    const sizeMb = Number(podman(['image', 'inspect', '--format={{.Size}}', tag])) / 1e6;
    const modes = Object.values(DetectorMode);
    let ready = 0;
    for (const mode of modes) {
      const modeRun = runs.find((r) => r.args[0] === mode);
      if (!modeRun) console.log(`${mode}: NOT ready: no container of the synthesized manifests runs it (disabled in the config?)`);
      else if (await checkMode(tag, modeRun, scratch)) ready++;
    }
    console.log(`image: ${sizeMb.toFixed(0)} MB, modes ready ${ready}/${modes.length}`);
    return ready === modes.length;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (allReady) => { process.exitCode = allReady ? 0 : 1; },
    (err: unknown) => {
      console.error(`odin image check: ${(err as Error).message}`);
      process.exitCode = 1;
    },
  );
}
