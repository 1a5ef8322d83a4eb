import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG } from '../lib/config.js';
import { loadConfig } from '../detectors/runtime/config.js';
import { createMode } from '../detectors/modes/index.js';
import { findObject, objectId, podSpec, synthStack } from './helpers.js';
import type { Manifest } from '../lib/synth.js';

/**
 * The manifests (lib/) and the detector program (detectors/) meet only at run time, in a cluster. This test stands
 * in for that meeting: every container of the detector image in the synthesized stack is started the way its pod
 * would start it (its args, its env, its mounted detector.json), through the program's own configuration loader and
 * mode factory, and its ports and probes must be the ones the program serves. A key the program does not know
 * (it rejects unknown keys) or a port that differs would otherwise only show as a crash loop after `kubectl apply`.
 */
const workDir = mkdtempSync(join(tmpdir(), 'odin-detector-contract-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface DetectorContainer {
  readonly workload: Manifest;
  readonly container: Record<string, any>;
}

function detectorContainers(manifests: readonly Manifest[]): DetectorContainer[] {
  return manifests.filter((m) => ['Deployment', 'DaemonSet'].includes(m.kind)).flatMap((workload) =>
    (podSpec(workload).containers as Array<Record<string, any>>)
      .filter((c) => c.image === DEFAULT_CONFIG.images.detector)
      .map((container) => ({ workload, container })));
}

/** The container's environment as the kubelet would give it; downward-API values stand in as a node name. */
function environment(container: Record<string, any>): NodeJS.ProcessEnv {
  return Object.fromEntries((container.env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value ?? 'node-1']));
}

/** Writes the ConfigMap file the container mounts at `path` into a temp dir and returns where it now is. */
function mountedFile(manifests: readonly Manifest[], { workload, container }: DetectorContainer, path: string): string {
  const mount = (container.volumeMounts ?? []).find((m: { mountPath: string }) => m.mountPath === dirname(path));
  if (!mount) throw new Error(`${objectId(workload)} mounts nothing at ${dirname(path)}`);
  const volume = podSpec(workload).volumes.find((v: { name: string }) => v.name === mount.name);
  if (!volume?.configMap) throw new Error(`${objectId(workload)} volume ${mount.name} is not a ConfigMap`);
  const configMap = findObject(manifests, 'ConfigMap', volume.configMap.name, workload.metadata.namespace) as unknown as { data: Record<string, string> };
  const content = configMap.data[basename(path)];
  if (content === undefined) throw new Error(`ConfigMap ${volume.configMap.name} has no key ${basename(path)}`);
  const file = join(mkdtempSync(join(workDir, 'mount-')), basename(path));
  writeFileSync(file, content);
  return file;
}

/** The Secret and key mounted at `path` in the container. */
function mountedSecretKey({ workload, container }: DetectorContainer, path: string): { secretName: string; key: string } {
  const mount = (container.volumeMounts ?? []).find((m: { mountPath: string }) => m.mountPath === dirname(path));
  const volume = podSpec(workload).volumes.find((v: { name: string }) => v.name === mount?.name);
  const item = volume?.secret?.items?.find((i: { path: string }) => i.path === basename(path));
  return { secretName: volume?.secret?.secretName, key: item?.key };
}

describe.each([
  ['the default stack', {}],
  ['a tuned stack', { detector: { cycleIntervalSec: 30, trainIntervalSec: 3600, trainWindowSec: 86_400, anomalyShare: 0.01 } }],
])('detector containers of %s', (_, overrides) => {
  const manifests = synthStack(overrides);
  const containers = detectorContainers(manifests);

  test('every mode of the image is deployed', () => {
    expect(containers.map((c) => c.container.args[0]).sort()).toEqual(['disk', 'gpu', 'gpu-exporter', 'pod', 'process']);
  });

  test.each(containers.map((c) => [objectId(c.workload), c] as const))('%s starts with its own configuration', async (_, detector) => {
    const env = environment(detector.container);
    if (env.ODIN_CONFIG_FILE) env.ODIN_CONFIG_FILE = mountedFile(manifests, detector, env.ODIN_CONFIG_FILE);
    const config = loadConfig(detector.container.args[0], env);
    const mode = await createMode(config);
    expect(mode.name).toBe(config.mode);
    // A mode that queries Prometheus gets its URL and, Prometheus being behind basic auth, its credentials; no other does.
    expect([env.ODIN_PROMETHEUS_URL !== undefined, config.prometheusAuth !== undefined]).toEqual([mode.needsPrometheus, mode.needsPrometheus]);
    if (config.prometheusAuth) expect(mountedSecretKey(detector, config.prometheusAuth.passwordFile)).toEqual({ secretName: 'odin-web-auth', key: 'password' });

    const ports = detector.container.ports.map((p: { containerPort: number }) => p.containerPort);
    expect(ports).toEqual([config.port]);
    expect(detector.container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: config.port });
    expect(detector.container.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: config.port });
    // Start-up needs the process alone: /ready waits for Prometheus, which may replay its WAL for minutes after a reboot.
    expect(detector.container.startupProbe.httpGet).toMatchObject({ path: '/healthz', port: config.port });
    if (env.ODIN_CONFIG_FILE) expect(config.cycleIntervalSec).toBe({ ...DEFAULT_CONFIG.detector, ...(overrides as any).detector }.cycleIntervalSec);
  });
});
