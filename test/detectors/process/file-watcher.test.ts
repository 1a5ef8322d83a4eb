/** The file watcher over a host root in a temporary directory: baseline first, then created/modified/deleted. */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FileWatcher } from '../../../detectors/process/file-watcher.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function hostRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'odin-host-'));
  roots.push(root);
  const file = (path: string, content: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  file('etc/cron.d/e2scrub_all', '30 3 * * 0 root test -e /run/systemd/system || /sbin/e2scrub_all\n');
  file('home/alice/.ssh/authorized_keys', 'ssh-ed25519 AAAAC3Nza alice@laptop\n');
  file('etc/systemd/system/k3s.service', '[Service]\nExecStart=/usr/local/bin/k3s server\n');
  file('etc/profile.d/cuda.sh', 'export PATH=/usr/local/cuda/bin:$PATH\n');
  mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  return root;
}

describe('file watcher', () => {
  test('the first check is a baseline, the next reports each change with its rule', () => {
    const root = hostRoot();
    const watcher = new FileWatcher({ hostRoot: root });
    const baseline = watcher.check();
    expect(baseline.findings).toEqual([]);
    expect(baseline.stats.files).toBe(4);

    appendFileSync(join(root, 'home/alice/.ssh/authorized_keys'), 'ssh-ed25519 AAAAC3Nzb attacker@kali\n');
    writeFileSync(join(root, 'etc/cron.d/persist'), '*/5 * * * * root /tmp/.x/kworker\n');
    symlinkSync('/tmp/.x/evil.service', join(root, 'etc/systemd/system/multi-user.target.wants/evil.service'));
    rmSync(join(root, 'etc/profile.d/cuda.sh'));
    const changes = watcher.check().findings.map((f) => [f.path, f.change, f.finding.rule, f.finding.category]);
    expect(changes).toEqual(expect.arrayContaining([
      ['/home/alice/.ssh/authorized_keys', 'modified', 'authorized-keys-changed', 'persistence'],
      ['/etc/cron.d/persist', 'created', 'cron-changed', 'persistence'],
      ['/etc/systemd/system/multi-user.target.wants/evil.service', 'created', 'systemd-unit-changed', 'persistence'],
      ['/etc/profile.d/cuda.sh', 'deleted', 'startup-file-changed', 'persistence'],
    ]));
    expect(changes).toHaveLength(4);
    expect(watcher.check().findings).toEqual([]);
  });

  test('a touch without a content change is not a change; a same-size rewrite is', () => {
    const root = hostRoot();
    const watcher = new FileWatcher({ hostRoot: root });
    watcher.check();
    const cron = join(root, 'etc/cron.d/e2scrub_all');
    utimesSync(cron, new Date(), new Date(Date.now() + 5000));
    expect(watcher.check().findings).toEqual([]);
    writeFileSync(cron, '30 3 * * 0 root test -e /run/systemd/system || /tmp/.x/e2scrub_al\n');
    expect(watcher.check().findings.map((f) => f.change)).toEqual(['modified']);
  });

  test('a non-empty ld.so.preload is reported at the baseline, critical', () => {
    const root = hostRoot();
    writeFileSync(join(root, 'etc/ld.so.preload'), '/usr/local/lib/libprocesshider.so\n');
    const [finding] = new FileWatcher({ hostRoot: root }).check().findings;
    expect(finding.finding).toMatchObject({ rule: 'ld-so-preload-changed', severity: 'critical', category: 'system_modification', evidence: { path: '/etc/ld.so.preload', change: 'present' } });
  });

  test('the file cap bounds the work and counts what it skipped', () => {
    const root = hostRoot();
    for (let i = 0; i < 30; i++) writeFileSync(join(root, `etc/cron.d/job${i}`), `${i}\n`);
    const { stats } = new FileWatcher({ hostRoot: root, maxFiles: 10 }).check();
    expect(stats.files).toBe(10);
    expect(stats.skipped).toBeGreaterThan(0);
  });
});
