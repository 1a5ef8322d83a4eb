import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findObject, podSpec, synthStack } from '../helpers.js';
import { tempDir } from '../validate/tools.js';

/** Ubuntu's syslog user and adm group: /var/log/syslog, auth.log and kern.log are syslog:adm 0640. */
const SYSLOG_UID = 104;
const ADM_GID = 4;

/** Reads `file` as the promtail container would: its user, group and supplemental groups, every capability dropped. */
function readAsPromtail(file: string, container: Record<string, any>, pod: Record<string, any>): { status: number | null; stderr: string } {
  const sc = container.securityContext;
  expect(sc.capabilities.drop).toEqual(['ALL']);
  const groups = (pod.securityContext.supplementalGroups ?? []) as number[];
  const run = spawnSync('setpriv', [
    `--reuid=${sc.runAsUser}`, `--regid=${sc.runAsGroup}`, ...(groups.length > 0 ? [`--groups=${groups.join(',')}`] : ['--clear-groups']),
    '--inh-caps=-all', '--bounding-set=-all', 'cat', file,
  ], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

describe('Promtail', () => {
  const spec = podSpec(findObject(synthStack(), 'DaemonSet', 'promtail'));

  test('runs as root with no capability and the adm group for the system logs', () => {
    expect(spec.containers[0].securityContext).toMatchObject({ runAsUser: 0, capabilities: { drop: ['ALL'] } });
    expect(spec.containers[0].securityContext.capabilities.add).toBeUndefined();
    expect(spec.securityContext.supplementalGroups).toEqual([ADM_GID]);
  });

  // Changing user and owner needs root, which CI (and this check) has; elsewhere the manifest test above stands.
  test.runIf(process.getuid?.() === 0)("reads a syslog:adm 0640 file with the manifest's identity, and not without the adm group", () => {
    const file = join(tempDir('promtail'), 'syslog');
    writeFileSync(file, 'Jan  1 00:00:00 node kernel: hello\n');
    chownSync(file, SYSLOG_UID, ADM_GID);
    chmodSync(file, 0o640);
    const withAdm = readAsPromtail(file, spec.containers[0], spec);
    expect(withAdm.stderr).toBe('');
    expect(withAdm.status).toBe(0);
    const withoutAdm = readAsPromtail(file, spec.containers[0], { securityContext: {} });
    expect(withoutAdm.stderr).toMatch(/Permission denied/);
  });
});
