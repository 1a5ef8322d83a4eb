/**
 * The TCP port a child process listens on, read from the kernel: the sockets among its file descriptors
 * (/proc/<pid>/fd) matched against the listening sockets of /proc/net/tcp and tcp6. So Prometheus, Alertmanager and
 * node-exporter can bind port 0 and get a free port from the kernel, though none of them reports the port it got:
 * no port is chosen first and bound later, which parallel test files could race for.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const LISTEN = '0A';

/** Inodes of the sockets `pid` holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // closed between the listing and the read
    }
  }
  return inodes;
}

/** Ports of listening TCP sockets whose inode is in `inodes`. */
function listeningPorts(inodes: ReadonlySet<string>): number[] {
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && fields[3] === LISTEN && inodes.has(fields[9])) ports.add(parseInt(fields[1].split(':')[1], 16));
    }
  }
  return [...ports];
}

/**
 * Waits until `child` listens on exactly one TCP port and returns it; fails with `output()` (its log) when it
 * exits first or takes longer than `timeoutMs`.
 */
export async function listeningPort(child: ChildProcess, what: string, output: () => string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before listening: ${output()}`);
    let ports: number[] = [];
    try {
      ports = listeningPorts(socketInodes(child.pid!));
    } catch {
      // the process is starting or just exited: the check above tells on the next turn
    }
    if (ports.length > 1) throw new Error(`${what} listens on several ports (${ports.join(', ')})`);
    if (ports.length === 1) return ports[0];
    if (Date.now() > deadline) throw new Error(`${what} did not listen within ${timeoutMs} ms: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
