import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findObject, synthStack } from '../helpers.js';
import { freePort } from '../detectors/helpers/prometheus.js';
import { tempDir } from './tools.js';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const twin = (severity: string, instance: string) => ({
  labels: { alertname: 'GpuTemperatureHigh', severity, component: 'gpu', gpu: '0', instance, cluster: 'odin' },
  annotations: { summary: `${severity} on ${instance}` },
});

/** The real Alertmanager (Debian's 0.25) running the synthesized routes and inhibition rules. */
describe('inhibition in a running Alertmanager', () => {
  let alertmanager: ChildProcess;
  let base: string;

  beforeAll(async () => {
    const dir = tempDir('alertmanager');
    // Email off: no SMTP server exists here, and routing/inhibition do not depend on the receiver's integrations.
    const manifests = synthStack({ alerting: { email: { enabled: false } } });
    writeFileSync(join(dir, 'alertmanager.yml'), (findObject(manifests, 'ConfigMap', 'alertmanager-config') as any).data['alertmanager.yml']);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    alertmanager = spawn('prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
    ], { stdio: 'ignore' });
    await waitFor('Alertmanager to be ready', async () => ((await fetch(`${base}/-/ready`)).ok ? true : undefined));
  });

  afterAll(() => {
    if (alertmanager?.pid) process.kill(alertmanager.pid);
  });

  test('a critical alert silences its warning twin on the same GPU, not the warning elsewhere', async () => {
    // GIVEN a critical and a warning for gpu 0 on node-a, and a warning on node-b
    const post = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify([twin('critical', 'node-a'), twin('warning', 'node-a'), twin('warning', 'node-b')]),
    });
    expect(post.status).toBe(200);
    // WHEN Alertmanager has processed them
    const alerts = await waitFor('the inhibition to apply', async () => {
      const list = (await (await fetch(`${base}/api/v2/alerts`)).json()) as any[];
      return list.length === 3 && list.some((a) => a.status.inhibitedBy.length > 0) ? list : undefined;
    });
    // THEN only the node-a warning is inhibited
    const state = Object.fromEntries(alerts.map((a) => [`${a.labels.severity}@${a.labels.instance}`, a.status.state]));
    expect(state).toEqual({ 'critical@node-a': 'active', 'warning@node-a': 'suppressed', 'warning@node-b': 'active' });
  });
});
