import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG } from '../../../lib/config.js';
import type { Manifest } from '../../../lib/synth.js';
import { containerRuns, cpuCores, memoryBytes, podmanRunFlags, type ContainerRun } from '../../../scripts/image/pod-run.js';
import { synthStack } from '../../helpers.js';

const NODE = { nodeName: 'node-1', apiHost: '127.0.0.1', apiPort: 1, secretValue: (secret: string, key: string) => `${secret}/${key}` };
const MiB = 2 ** 20;

function runOf(runs: readonly ContainerRun[], mode: string): ContainerRun {
  const found = runs.find((r) => r.args[0] === mode);
  if (!found) throw new Error(`no run of ${mode} among ${runs.map((r) => r.workload).join(', ')}`);
  return found;
}

describe('the detector containers of the synthesized stack, as their pods start them', () => {
  const runs = containerRuns(synthStack(), DEFAULT_CONFIG.images.detector, NODE);

  test('one per mode, each kept from the node when imported there (IfNotPresent)', () => {
    expect(runs.map((r) => r.args[0]).sort()).toEqual(['disk', 'gpu', 'gpu-exporter', 'pod', 'process']);
    for (const run of runs) expect(run.imagePullPolicy, run.workload).toBe('IfNotPresent');
  });

  test('the GPU exporter: non-root, read-only, no capabilities, its own limits, the node name from the downward API', () => {
    const exporter = runOf(runs, 'gpu-exporter');
    expect(exporter).toMatchObject({
      workload: 'DaemonSet odin/gpu-exporter', port: 9402, user: 65534, group: 65534, readOnlyRootFilesystem: true, noNewPrivileges: true,
      capDrop: ['ALL'], capAdd: [], seccomp: 'RuntimeDefault', hostPID: false, privileged: false,
      memoryLimitBytes: DEFAULT_CONFIG.resources.gpuExporter.memoryLimitMiB * MiB, cpuLimit: DEFAULT_CONFIG.resources.gpuExporter.cpuLimitMillis / 1000,
    });
    expect(exporter.env).toMatchObject({ ODIN_PORT: '9402', NODE_NAME: 'node-1', NVIDIA_VISIBLE_DEVICES: 'all' });
    expect(exporter.mounts, 'no service-account token').toEqual([]);
  });

  test('a detector mounts its detector.json from its ConfigMap, and scratch volumes for /tmp and its models', () => {
    const gpu = runOf(runs, 'gpu');
    const config = gpu.mounts.find((m) => m.mountPath === '/etc/odin');
    expect(config).toMatchObject({ readOnly: true, source: { kind: 'files' } });
    const detectorJson = JSON.parse((config!.source as { files: Record<string, string> }).files['detector.json']);
    expect(detectorJson).toMatchObject({ ...DEFAULT_CONFIG.detector, scrapeStepSec: DEFAULT_CONFIG.prometheus.scrapeIntervalSec });
    expect(gpu.env.ODIN_CONFIG_FILE).toBe('/etc/odin/detector.json');
    expect(gpu.mounts.filter((m) => m.source.kind === 'scratch').map((m) => m.mountPath).sort()).toEqual(['/models', '/tmp']);
  });

  test('the pod detector gets its service-account token and the API address, as the kubelet gives them', () => {
    const pod = runOf(runs, 'pod');
    expect(pod.env).toMatchObject({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '1' });
    const token = pod.mounts.find((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount');
    expect(token?.source).toEqual({ kind: 'files', files: { token: 'pod-detector-token/token', 'ca.crt': '', namespace: 'odin' } });
  });

  test('the process detector: host PID namespace, root with two capabilities, the host /proc read-only', () => {
    const processRun = runOf(runs, 'process');
    expect(processRun).toMatchObject({ hostPID: true, user: 0, capDrop: ['ALL'], capAdd: ['SYS_PTRACE', 'DAC_READ_SEARCH'], readOnlyRootFilesystem: true });
    expect(processRun.mounts.find((m) => m.mountPath === '/host/proc')).toMatchObject({ readOnly: true, source: { kind: 'host', path: '/proc' } });
    const flags = podmanRunFlags(processRun, (m) => (m.source.kind === 'host' ? m.source.path : `/scratch/${m.volume}`));
    expect(flags).toEqual(expect.arrayContaining([
      '--user=0:0', '--read-only', '--read-only-tmpfs=false', '--security-opt=no-new-privileges', '--cap-drop=ALL', '--cap-add=SYS_PTRACE',
      '--cap-add=DAC_READ_SEARCH', `--memory=${DEFAULT_CONFIG.resources.detector.memoryLimitMiB * MiB}b`, '--pid=host', '--publish=127.0.0.1::9407',
      '--env=ODIN_PROC_DIR=/host/proc', '--volume=/proc:/host/proc:ro', '--volume=/scratch/tmp:/tmp',
    ]));
    expect(flags).not.toContain('--privileged');
  });

  test('follow the configuration: another image name and other limits', () => {
    const image = 'registry.local:5000/odin/odin-detector:9.9.9';
    const tuned = containerRuns(synthStack({ images: { detector: image }, resources: { gpuExporter: { memoryLimitMiB: 96 } } }), image, NODE);
    expect(tuned).toHaveLength(5);
    expect(runOf(tuned, 'gpu-exporter').memoryLimitBytes).toBe(96 * MiB);
    expect(containerRuns(synthStack(), image, NODE)).toEqual([]);
  });
});

describe('references the kubelet resolves', () => {
  const workload = (container: Record<string, unknown>, volumes: unknown[] = []): Manifest[] => [
    { kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'ns' }, data: { level: 'debug', 'a.json': '{}' } } as Manifest,
    { kind: 'Deployment', metadata: { name: 'app', namespace: 'ns' }, spec: { template: { spec: { automountServiceAccountToken: false, volumes, containers: [{ name: 'c', image: 'img:1', ...container }] } } } } as Manifest,
  ];

  test('environment from the downward API, a ConfigMap and a Secret the user creates', () => {
    const [run] = containerRuns(workload({ env: [
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'odin-auth', key: 'password' } } },
      { name: 'EMPTY' },
    ] }), 'img:1', NODE);
    expect(run.env).toEqual({ NS: 'ns', LEVEL: 'debug', PASSWORD: 'odin-auth/password', EMPTY: '' });
  });

  test('ConfigMap and Secret volumes with items, one file mounted by subPath', () => {
    const [run] = containerRuns(workload(
      { volumeMounts: [{ name: 'cfg', mountPath: '/etc/app/a.json', subPath: 'a.json', readOnly: true }, { name: 'auth', mountPath: '/etc/auth' }] },
      [{ name: 'cfg', configMap: { name: 'settings', items: [{ key: 'a.json', path: 'a.json' }] } }, { name: 'auth', secret: { secretName: 'odin-auth', items: [{ key: 'password', path: 'pw' }] } }],
    ), 'img:1', NODE);
    expect(run.mounts).toEqual([
      { volume: 'cfg', mountPath: '/etc/app/a.json', subPath: 'a.json', readOnly: true, source: { kind: 'files', files: { 'a.json': '{}' } } },
      { volume: 'auth', mountPath: '/etc/auth', readOnly: false, source: { kind: 'files', files: { pw: 'odin-auth/password' } } },
    ]);
  });

  test('what it cannot stand in for is an error naming the container and the reference', () => {
    expect(() => containerRuns(workload({ env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }] }), 'img:1', NODE))
      .toThrow('Deployment ns/app container c: env X reads metadata.uid, which is not supported here');
    expect(() => containerRuns(workload({ envFrom: [{ secretRef: { name: 's' } }] }), 'img:1', NODE)).toThrow(/container c: envFrom is not supported/);
    expect(() => containerRuns(workload({ volumeMounts: [{ name: 'p', mountPath: '/p' }] }, [{ name: 'p', projected: { sources: [] } }]), 'img:1', NODE))
      .toThrow('Deployment ns/app container c: volume p (projected) is not supported here');
    expect(() => containerRuns(workload({ env: [{ name: 'L', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope' } } }] }), 'img:1', NODE))
      .toThrow('ConfigMap settings has no key nope');
  });
});

describe('resource quantities', () => {
  test('memory in bytes', () => {
    expect(memoryBytes('128Mi')).toBe(128 * MiB);
    expect(memoryBytes('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(memoryBytes('500M')).toBe(5e8);
    expect(memoryBytes(1024)).toBe(1024);
    expect(() => memoryBytes('12Xi', 'limits.memory')).toThrow("limits.memory: '12Xi' is not a memory quantity");
  });

  test('CPU in cores', () => {
    expect(cpuCores('200m')).toBe(0.2);
    expect(cpuCores('2')).toBe(2);
    expect(() => cpuCores('2 cores', 'limits.cpu')).toThrow("limits.cpu: '2 cores' is not a CPU quantity");
  });
});
