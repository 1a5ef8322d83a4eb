import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../validate/tools.js';
import { onPath } from '../../scripts/on-path.js';
import { TEST_TOOLS, packagesFor, planToolInstall } from './test-tools.js';

const SCRIPT = join(import.meta.dirname, 'test-tools.ts');

describe('the tools npm test needs', () => {
  test('are on this machine (the pretest put them there)', () => {
    expect(Object.keys(TEST_TOOLS).filter((command) => !onPath(command))).toEqual([]);
  });

  test('nothing missing: nothing to do, whoever runs it', () => {
    for (const [root, apt] of [[true, true], [false, false]]) expect(planToolInstall([], root, apt)).toEqual({ action: 'none' });
  });

  test('root with apt-get installs the packages of the missing commands, each once', () => {
    expect(planToolInstall(['amtool', 'prometheus-alertmanager', 'promtool'], true, true)).toEqual({
      action: 'install',
      commands: [['apt-get', 'update'], ['apt-get', 'install', '-y', '--no-install-recommends', 'prometheus', 'prometheus-alertmanager']],
    });
  });

  test('anyone else stops with the exact command: sudo apt-get where there is apt-get, the package names otherwise', () => {
    const withApt = planToolInstall(['promtool', 'prometheus-node-exporter'], false, true);
    expect(withApt).toEqual({ action: 'stop', message: expect.stringContaining('sudo apt-get update && sudo apt-get install -y --no-install-recommends prometheus prometheus-node-exporter') });
    const noApt = planToolInstall(['amtool'], true, false);
    expect(noApt).toEqual({ action: 'stop', message: expect.stringMatching(/no apt-get: .*\(prometheus-alertmanager\).*amtool are on PATH/) });
    expect(packagesFor(Object.keys(TEST_TOOLS))).toEqual(['chromium', 'prometheus', 'prometheus-alertmanager', 'prometheus-node-exporter', 'util-linux']);
  });

  /** Runs the pretest with only `commands` (stubs that fail if run) on PATH; as root, it runs as nobody. */
  function pretestWith(commands: readonly string[]) {
    const dir = tempDir('path');
    chmodSync(dir, 0o755);
    for (const command of commands) writeFileSync(join(dir, command), '#!/bin/sh\nexit 99\n', { mode: 0o755 });
    return spawnSync(process.execPath, ['--import', 'tsx', SCRIPT], {
      encoding: 'utf8', env: { PATH: dir, HOME: '/tmp' }, cwd: join(import.meta.dirname, '..', '..'),
      ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}), timeout: 60_000,
    });
  }

  test('the pretest, run without root on a Debian-like machine without the tools, exits at once with the sudo command', () => {
    const run = pretestWith(['apt-get', 'promtool']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toBe('npm test needs prometheus, prometheus-alertmanager, amtool, prometheus-node-exporter, setpriv, chromium, not found on PATH. Run:\n'
      + '  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium prometheus prometheus-alertmanager prometheus-node-exporter util-linux\n'
      + 'then npm test again.\n');
  });

  test('the pretest, without apt-get, names the packages to find elsewhere', () => {
    const run = pretestWith([]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^npm test needs prometheus, promtool, .*, setpriv, chromium, not found on PATH\. This machine has no apt-get/);
  });
});
