/**
 * TCP sockets from /proc/<pid>/net/tcp and tcp6, keyed by socket inode, so a process's descriptors
 * (`socket:[inode]`) resolve to a remote address and port. Tables are per network namespace: one read per
 * namespace per cycle, cached by the namespace's own inode.
 */
import { readLink, readText } from './proc-files.js';

export interface TcpSocket {
  readonly remote: string;
  readonly remotePort: number;
  /** Kernel TCP state: 1 is ESTABLISHED, 10 is LISTEN. */
  readonly state: number;
}

const TCP_ESTABLISHED = 1;
/** /proc/net/tcp grows by ~150 bytes a socket; 16 MB is over 100,000 sockets. */
const MAX_TABLE_BYTES = 16 * 1024 * 1024;

export class SocketTables {
  private readonly byNamespace = new Map<string, Map<number, TcpSocket>>();

  constructor(private readonly procDir: string) {}

  /** The established TCP connection with this inode in the network namespace of `pid`, if there is one. */
  established(pid: number, inode: number): TcpSocket | undefined {
    const socket = this.tableFor(pid).get(inode);
    return socket?.state === TCP_ESTABLISHED ? socket : undefined;
  }

  /** Remote ports of the process's established TCP connections (reads its whole descriptor table). */
  remotePorts(pid: number, fdTargets: readonly string[]): number[] {
    const table = this.tableFor(pid);
    return fdTargets.map(socketInode).flatMap((inode) => {
      const socket = inode === undefined ? undefined : table.get(inode);
      return socket && socket.state === TCP_ESTABLISHED ? [socket.remotePort] : [];
    });
  }

  private tableFor(pid: number): Map<number, TcpSocket> {
    let namespace: string;
    try {
      namespace = readLink(`${this.procDir}/${pid}/ns/net`);
    } catch {
      namespace = `pid:${pid}`; // namespace link unreadable: fall back to this process's own view
    }
    let table = this.byNamespace.get(namespace);
    if (!table) {
      table = new Map([...readTable(`${this.procDir}/${pid}/net/tcp`, false), ...readTable(`${this.procDir}/${pid}/net/tcp6`, true)]);
      this.byNamespace.set(namespace, table);
    }
    return table;
  }
}

/** The inode in `socket:[12345]`, or undefined for anything else (a file, a pipe, a pty). */
export function socketInode(fdTarget: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(fdTarget);
  return m ? Number(m[1]) : undefined;
}

/** Established connections with a remote peer, by inode. A missing or unreadable table is an empty one. */
function readTable(path: string, ipv6: boolean): Map<number, TcpSocket> {
  const sockets = new Map<number, TcpSocket>();
  let text: string;
  try {
    text = readText(path, MAX_TABLE_BYTES);
  } catch {
    return sockets;
  }
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [remoteHex, portHex] = fields[2].split(':');
    const inode = Number(fields[9]);
    const remotePort = parseInt(portHex, 16);
    if (!inode || !remotePort) continue;
    const address = ipv6 ? ipv6Address(remoteHex) : ipv4Address(remoteHex);
    sockets.set(inode, { remote: ipv6 ? `[${address}]:${remotePort}` : `${address}:${remotePort}`, remotePort, state: parseInt(fields[3], 16) });
  }
  return sockets;
}

/** The kernel prints each 32-bit word in host (little-endian) byte order. */
function ipv4Address(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function ipv6Address(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) for (const i of [6, 4, 2, 0]) bytes.push(parseInt(hex.slice(word * 8 + i, word * 8 + i + 2), 16));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}
