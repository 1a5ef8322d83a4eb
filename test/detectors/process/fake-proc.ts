/** A fake /proc tree for tests: normal, disguised, huge, vanished, malformed and socket-attached processes. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * pid 1 systemd; 100 a "[kworker/0:1]" from a deleted /dev/shm binary with LD_PRELOAD in a container; 101 a 10 MB
 * command line; 102 exited (no stat); 103 a malformed stat; 104 `bash -i` with stdin and stdout on a TCP socket
 * to 203.0.113.45:4444. The caller removes the returned directory.
 */
export function fakeProc(): string {
  const root = mkdtempSync(join(tmpdir(), 'odin-fake-proc-'));
  const add = (pid: number, files: Record<string, string | Buffer>, links: Record<string, string> = {}): void => {
    mkdirSync(join(root, String(pid), 'fd'), { recursive: true });
    mkdirSync(join(root, String(pid), 'net'), { recursive: true });
    mkdirSync(join(root, String(pid), 'ns'), { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(root, String(pid), name), content);
    for (const [name, target] of Object.entries(links)) symlinkSync(target, join(root, String(pid), name));
  };
  const stat = (pid: number, comm: string, ppid: number): string => `${pid} (${comm}) S ${ppid} 1 1 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 100 1000000 2560 18446744073709551615`;
  add(1, { stat: stat(1, 'systemd', 0), cmdline: '/sbin/init\0', cgroup: '0::/init.scope\n' }, { exe: '/usr/lib/systemd/systemd' });
  add(100, { stat: stat(100, 'kworker', 1), cmdline: '[kworker/0:1]\0', environ: 'PATH=/bin\0LD_PRELOAD=/dev/shm/.l/libhide.so\0', cgroup: `0::/kubepods/burstable/pod1/cri-containerd-${'ab'.repeat(32)}.scope\n` }, { exe: '/dev/shm/.x/kworker (deleted)' });
  add(101, { stat: stat(101, 'node', 1), cmdline: Buffer.concat([Buffer.from('node\0-e\0'), Buffer.alloc(10 * 1024 * 1024, 'A')]) }, { exe: '/usr/bin/node' });
  add(102, { cmdline: 'gone\0' }); // exited between listing and reading: no stat
  add(103, { stat: 'garbage without fields', cmdline: 'x\0' });
  add(104, {
    stat: stat(104, 'bash', 1),
    cmdline: 'bash\0-i\0',
    'net/tcp': '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:9C40 2D7100CB:115C 01 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 20 4 30 10 -1\n',
  }, { 'fd/0': 'socket:[4242]', 'fd/1': 'socket:[4242]', exe: '/usr/bin/bash', 'ns/net': 'net:[4026531840]' });
  mkdirSync(join(root, 'self'));
  writeFileSync(join(root, 'uptime'), '1.0 1.0\n');
  return root;
}

