import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG } from '../lib/config.js';
import { Manifest, manifestFiles, synthesizeManifests } from '../lib/synth.js';
import { synthStack, testConfig } from './helpers.js';
import { tempDir } from './validate/tools.js';

const ROOT = join(import.meta.dirname, '..');

/** A non-default configuration exercising the switches: host directories, webhooks only, no GPU parts. */
export const NON_DEFAULT = {
  namespace: 'monitoring',
  hostAgentNamespace: 'monitoring-host',
  clusterName: 'lab',
  storage: { mode: 'hostPath', hostPathRoot: '/srv/odin' },
  prometheus: { retentionDays: 30, retentionSizeGiB: 20, remoteWriteUrls: ['https://mimir.example.com/api/v1/push'] },
  alerting: { email: { enabled: false }, webhooks: [{ url: 'https://chat.example.com:8443/hook' }] },
  components: { gpuExporter: false, nvidiaDevicePlugin: false, runtimeClass: false, gpuDetector: false },
  network: { clientCidrs: ['192.168.1.0/24'], nodeCidrs: ['192.168.1.0/24'] },
};

/**
 * Rule files and dashboards belong to other parts (with their own tests); the snapshot keeps their file names
 * but not their bodies, so a rule edit does not read as a change to the synthesis.
 */
function maskOwnedElsewhere(manifests: readonly Manifest[]): Manifest[] {
  return manifests.map((m) => {
    const data = (m as any).data as Record<string, string> | undefined;
    if (m.kind !== 'ConfigMap' || !data || !(m.metadata.name === 'prometheus-rules' || m.metadata.name.startsWith('grafana-dashboard-'))) return m;
    return { ...m, data: Object.fromEntries(Object.keys(data).map((k) => [k, '<owned by rules/dashboards>'])) };
  });
}

/** Runs main.ts in a child process, as `npm run synth` does. */
function runMain(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'main.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ODIN_CONFIG: '', CDK8S_OUTDIR: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function snapshotOf(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('synthesis', () => {
  test('default synthesis (snapshot)', () => {
    expect(maskOwnedElsewhere(synthesizeManifests(DEFAULT_CONFIG))).toMatchSnapshot();
  });

  test('non-default synthesis (snapshot)', () => {
    expect(maskOwnedElsewhere(synthStack(NON_DEFAULT))).toMatchSnapshot();
  });

  test('namespaces and cluster-scoped objects come first, in the first file', () => {
    const files = [...manifestFiles(synthesizeManifests(DEFAULT_CONFIG)).keys()];
    expect(files).toEqual(['00-cluster.k8s.yaml', '10-odin.k8s.yaml']);
    const kinds = synthesizeManifests(DEFAULT_CONFIG).map((m) => m.kind);
    expect(kinds.slice(0, 2)).toEqual(['Namespace', 'Namespace']);
    const lastClusterScoped = Math.max(...['ClusterRole', 'ClusterRoleBinding', 'RuntimeClass'].map((k) => kinds.lastIndexOf(k)));
    expect(lastClusterScoped).toBeLessThan(kinds.indexOf('ServiceAccount'));
  });

  test('synthesis is deterministic', () => {
    expect(JSON.stringify(synthStack(NON_DEFAULT))).toBe(JSON.stringify(synthStack(NON_DEFAULT)));
  });

  test('hostPath storage binds each claim to a host-directory volume', () => {
    const manifests = synthStack(NON_DEFAULT);
    const volumes = manifests.filter((m) => m.kind === 'PersistentVolume') as any[];
    expect(volumes.map((v) => v.spec.hostPath.path).sort()).toEqual([
      '/srv/odin/alertmanager-data', '/srv/odin/disk-detector-models', '/srv/odin/grafana-data', '/srv/odin/loki-data',
      '/srv/odin/pod-detector-models', '/srv/odin/prometheus-data',
    ]);
    const claims = manifests.filter((m) => m.kind === 'PersistentVolumeClaim') as any[];
    expect(claims.every((c) => c.spec.storageClassName === '' && c.spec.volumeName === `monitoring-${c.metadata.name}`)).toBe(true);
  });
});

describe('main.ts', () => {
  test('writes the stack into --outdir, matching the in-process synthesis', () => {
    const outdir = join(tempDir('main'), 'dist');
    const result = runMain(['--outdir', outdir]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const expected = manifestFiles(synthesizeManifests(testConfig()));
    expect(snapshotOf(outdir)).toEqual(Object.fromEntries(expected));
    expect(readdirSync(dirname(outdir))).toEqual(['dist']); // no staging directory left behind
  });

  test('reads the config file named by ODIN_CONFIG', () => {
    const dir = tempDir('main');
    writeFileSync(join(dir, 'odin.yaml'), 'namespace: monitoring\nhostAgentNamespace: monitoring-host\n');
    const result = runMain([], { ODIN_CONFIG: join(dir, 'odin.yaml'), CDK8S_OUTDIR: join(dir, 'out') });
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'out', '00-cluster.k8s.yaml'), 'utf8')).toContain('name: monitoring-host');
  });

  test('fails on an invalid config with a message naming the field, leaving the output directory untouched', () => {
    // GIVEN an existing output directory
    const dir = tempDir('main');
    const outdir = join(dir, 'dist');
    mkdirSync(outdir);
    writeFileSync(join(outdir, '00-cluster.k8s.yaml'), 'previous output\n');
    writeFileSync(join(dir, 'bad.yaml'), 'ports:\n  grafana: 70000\nstorage:\n  sizesGiB:\n    loki: -1\n');
    const before = snapshotOf(outdir);
    // WHEN synthesis runs with a bad config
    const result = runMain(['--config', join(dir, 'bad.yaml'), '--outdir', outdir]);
    // THEN it exits non-zero, names both fields, and the directory is as it was
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/config\.ports\.grafana: expected an integer from 1 to 65535, got 70000/);
    expect(result.stderr).toMatch(/config\.storage\.sizesGiB\.loki: expected an integer from 1/);
    expect(snapshotOf(outdir)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'dist']);
  });

  test('fails on an unknown option', () => {
    const result = runMain(['--out', '/tmp/x']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/unknown option --out; usage/);
  });
});
