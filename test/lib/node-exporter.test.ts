import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { EXCLUDED_FS_TYPES, EXCLUDED_MOUNT_POINTS } from '../../lib/exporters/node-exporter.js';
import { synthesizeManifests } from '../../lib/synth.js';
import { userSecrets } from '../../lib/user-secrets.js';
import { mountedFiles } from '../access/mounts.js';
import { findObject, podSpec, testConfig } from '../helpers.js';
import { listeningPort } from '../detectors/helpers/listening-port.js';

describe('node-exporter', () => {
  test("excludes K3s's containerd and kubelet mounts, keeps real filesystems", () => {
    const excluded = new RegExp(EXCLUDED_MOUNT_POINTS);
    for (const path of [
      '/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/0123abcd/rootfs',
      '/var/lib/rancher/k3s/agent/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm',
      '/var/lib/kubelet/pods/1234/volumes/kubernetes.io~projected/kube-api-access-x',
      '/proc', '/sys/fs/cgroup', '/dev/shm',
    ]) expect(excluded.test(path), path).toBe(true);
    for (const path of ['/', '/home', '/var/lib/rancher', '/var/lib/odin', '/boot/efi', '/mnt/data']) expect(excluded.test(path), path).toBe(false);
    expect(new RegExp(EXCLUDED_FS_TYPES).test('overlay')).toBe(true);
    expect(new RegExp(EXCLUDED_FS_TYPES).test('ext4')).toBe(false);
  });

  test('the synthesized flags run on the real node-exporter: basic auth on its host port, only real filesystems, and TCP connection states', async () => {
    // GIVEN the container args with its web configuration from the Secret, the host root at / instead of /host/root
    const config = testConfig();
    const manifests = synthesizeManifests(config);
    const daemonSet = findObject(manifests, 'DaemonSet', 'node-exporter');
    const secrets = userSecrets(config, { web: 'test-only', grafanaAdmin: 'unused' });
    const args = mountedFiles(manifests, daemonSet, secrets).localArgs(podSpec(daemonSet).containers[0].args as string[])
      .map((a) => (a.startsWith('--path.rootfs=') ? '--path.rootfs=/' : a.startsWith('--web.listen-address=') ? '--web.listen-address=127.0.0.1:0' : a));
    const exporter = spawn('prometheus-node-exporter', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    exporter.stderr.on('data', (chunk: Buffer) => { log = (log + chunk.toString()).slice(-2000); });
    try {
      const port = await listeningPort(exporter, 'node-exporter', () => log);
      // WHEN it is scraped without and with the password
      const text = await scrape(`http://127.0.0.1:${port}/metrics`, `Basic ${Buffer.from(`${config.access.username}:test-only`).toString('base64')}`);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      // THEN every filesystem it reports passes the exclusions, and some filesystem is reported
      const mountpoints = [...text.matchAll(/^node_filesystem_size_bytes\{[^}]*mountpoint="([^"]+)"/gm)].map((m) => m[1]);
      expect(mountpoints.length).toBeGreaterThan(0);
      expect(mountpoints.filter((m) => new RegExp(EXCLUDED_MOUNT_POINTS).test(m))).toEqual([]);
      expect(text).not.toMatch(/^node_filesystem_size_bytes\{[^}]*fstype="(tmpfs|overlay|proc|sysfs)"/m);
      // and the tcpstat collector, off by default, reports connection states for the network dashboard
      expect(text).toMatch(/^node_tcp_connection_states\{state="listen"\} \d+/m);
    } finally {
      if (exporter.pid) process.kill(exporter.pid);
    }
  });
});

async function scrape(url: string, authorization: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const response = await fetch(url, { headers: { authorization } });
      if (response.ok) return await response.text();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node-exporter did not answer at ${url}`);
}
