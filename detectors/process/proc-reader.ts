/**
 * Reads every process under a /proc directory (the host's /proc mounted read-only, or a test's fake tree) into
 * `ProcessFacts`. Reads are synchronous: /proc files are in-memory, a few microseconds each, and the whole scan
 * of 2,000 processes stays well under the cycle's CPU budget without the overhead of 20,000 promises.
 */
import { readdirSync } from 'node:fs';
import { ProcReadError, readCapped, readLink, readText, sameContent } from './proc-files.js';
import { SocketTables, socketInode } from './net-sockets.js';
import type { ProcessFacts } from './types.js';

/** Bytes of a command line read unless configured otherwise: the process mode's and `odin-detect classify`'s default too. */
export const DEFAULT_MAX_CMDLINE_BYTES = 65_536;

export interface ProcReaderOptions {
  /** @default '/proc' */
  readonly procDir?: string;
  /** Bytes of a command line read; longer ones are cut and counted. @default 65536 */
  readonly maxCmdlineBytes?: number;
  /** Ancestors named in `parentChain`. @default 8 */
  readonly maxParentDepth?: number;
}

/** What a scan could not read, by kind: the process mode exports these as error counters. */
export interface ProcReadStats {
  processes: number;
  /** Processes that exited while being read (ENOENT/ESRCH): skipped. */
  vanished: number;
  /** Fields denied (EACCES/EPERM): the process is kept without them. */
  unreadable: number;
  /** Command lines longer than the cap: kept, cut. */
  truncated: number;
  /** Any other failure (malformed stat, I/O error): the process is skipped. */
  errors: number;
}

export interface ProcSnapshot {
  readonly processes: ProcessFacts[];
  readonly stats: ProcReadStats;
  /**
   * Remote ports of a process's established TCP connections; empty when its descriptors are unreadable or gone.
   * It reuses the pass's TCP tables (one read per network namespace) instead of reading them again per process.
   */
  remotePorts(pid: number): number[];
}

/** Linux reports CPU times in clock ticks (USER_HZ, 100 on every mainstream architecture) and RSS in pages. */
const CLOCK_TICKS_PER_SEC = 100;
const PAGE_BYTES = 4096;
const SMALL_FILE_BYTES = 64 * 1024;
/** Executables larger than this are not compared byte for byte (runc is about 10 MB; K3s's multi-call binary ~70 MB). */
const MAX_COMPARED_EXE_BYTES = 256 * 1024 * 1024;
const STDIO_FDS = ['0', '1', '2'];

export class ProcReader {
  readonly procDir: string;
  private readonly maxCmdlineBytes: number;
  private readonly maxParentDepth: number;

  constructor(options: ProcReaderOptions = {}) {
    this.procDir = options.procDir ?? '/proc';
    this.maxCmdlineBytes = options.maxCmdlineBytes ?? DEFAULT_MAX_CMDLINE_BYTES;
    this.maxParentDepth = options.maxParentDepth ?? 8;
    if (!(this.maxCmdlineBytes > 0)) throw new Error(`maxCmdlineBytes must be positive, got ${this.maxCmdlineBytes}`);
  }

  /** One pass over all processes. Throws only when the /proc directory itself cannot be listed. */
  read(): ProcSnapshot {
    const stats: ProcReadStats = { processes: 0, vanished: 0, unreadable: 0, truncated: 0, errors: 0 };
    const sockets = new SocketTables(this.procDir);
    const uptimeSec = optional(() => Number(readText(`${this.procDir}/uptime`, 256).split(' ')[0]));
    const processes: ProcessFacts[] = [];
    for (const entry of readdirSync(this.procDir)) {
      if (!/^\d+$/.test(entry)) continue;
      const facts = this.readOne(Number(entry), sockets, stats, uptimeSec);
      if (facts) processes.push(facts.exe?.startsWith('/memfd:') ? this.withImageComparison(facts) : facts);
    }
    stats.processes = processes.length;
    return { processes: withParentChains(processes, this.maxParentDepth), stats, remotePorts: (pid) => this.remotePorts(pid, sockets) };
  }

  /**
   * A memfd-backed process compared with its parent's executable: runc re-executes a sealed copy of itself at every
   * container start, fileless malware runs code that exists nowhere else. Rare, so the byte comparison is affordable.
   */
  private withImageComparison(facts: ProcessFacts): ProcessFacts {
    if (facts.ppid === undefined || facts.ppid <= 0) return facts;
    const same = sameContent(`${this.procDir}/${facts.pid}/exe`, `${this.procDir}/${facts.ppid}/exe`, MAX_COMPARED_EXE_BYTES);
    return same === undefined ? facts : { ...facts, exeCopyOfParent: same };
  }

  private remotePorts(pid: number, sockets: SocketTables): number[] {
    try {
      const targets = readdirSync(`${this.procDir}/${pid}/fd`).flatMap((fd) => optional(() => readLink(`${this.procDir}/${pid}/fd/${fd}`)) ?? []);
      return sockets.remotePorts(pid, targets);
    } catch {
      return [];
    }
  }

  private readOne(pid: number, sockets: SocketTables, stats: ProcReadStats, uptimeSec: number | undefined): ProcessFacts | undefined {
    const dir = `${this.procDir}/${pid}`;
    try {
      const statFile = readCapped(`${dir}/stat`, SMALL_FILE_BYTES, true);
      const stat = parseStat(statFile.data.toString('utf8'));
      const cmdline = readCapped(`${dir}/cmdline`, this.maxCmdlineBytes);
      if (cmdline.truncated) stats.truncated++;
      const denied = (): void => void stats.unreadable++;
      const exe = optional(() => readLink(`${dir}/exe`), denied);
      return {
        pid,
        argv: splitArgv(cmdline.data),
        ...(cmdline.truncated ? { cmdlineTruncated: true } : {}),
        comm: stat.comm,
        ...(exe !== undefined ? exeFacts(exe) : {}),
        ppid: stat.ppid,
        uid: statFile.uid,
        state: stat.state,
        ...(uptimeSec !== undefined && Number.isFinite(uptimeSec) ? { ageSec: Math.max(0, uptimeSec - stat.startSec) } : {}),
        cpuSeconds: stat.cpuSeconds,
        rssBytes: stat.rssBytes,
        ...definedField('containerId', optional(() => containerIdOf(readText(`${dir}/cgroup`, SMALL_FILE_BYTES)), denied)),
        ...definedField('ldPreload', optional(() => ldPreloadOf(readCapped(`${dir}/environ`, SMALL_FILE_BYTES).data), denied)),
        ...definedField('stdioRemote', this.stdioRemote(pid, sockets)),
      };
    } catch (err) {
      if (err instanceof ProcReadError && err.kind === 'vanished') stats.vanished++;
      else if (err instanceof ProcReadError && err.kind === 'unreadable') stats.unreadable++;
      else stats.errors++;
      return undefined;
    }
  }

  /** The remote peer when standard input, output or error is a connected TCP socket. */
  private stdioRemote(pid: number, sockets: SocketTables): string | undefined {
    for (const fd of STDIO_FDS) {
      const inode = socketInode(optional(() => readLink(`${this.procDir}/${pid}/fd/${fd}`)) ?? '');
      const socket = inode === undefined ? undefined : sockets.established(pid, inode);
      if (socket) return socket.remote;
    }
    return undefined;
  }
}

interface StatFields {
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  /** Start time after boot, in seconds. */
  readonly startSec: number;
}

/** /proc/<pid>/stat: `pid (comm) state ppid ...`; comm may hold spaces and parentheses, so split at the last `)`. */
function parseStat(text: string): StatFields {
  const close = text.lastIndexOf(')');
  const open = text.indexOf('(');
  const fields = text.slice(close + 2).trim().split(' ');
  if (open < 0 || close < open || fields.length < 22) throw new ProcReadError('error', 'stat', new Error(`malformed stat: ${text.slice(0, 80)}`));
  const num = (i: number): number => Number(fields[i]);
  return {
    comm: text.slice(open + 1, close),
    state: fields[0],
    ppid: num(1),
    cpuSeconds: (num(11) + num(12)) / CLOCK_TICKS_PER_SEC,
    rssBytes: num(21) * PAGE_BYTES,
    startSec: num(19) / CLOCK_TICKS_PER_SEC,
  };
}

/** NUL-separated arguments; the kernel ends the list with a NUL. */
function splitArgv(data: Buffer): string[] {
  const args = data.toString('utf8').split('\0');
  if (args[args.length - 1] === '') args.pop();
  return args;
}

/** The exe link: the kernel appends " (deleted)" when the file was removed or replaced after exec. */
function exeFacts(target: string): Pick<ProcessFacts, 'exe' | 'exeDeleted'> {
  const deleted = target.endsWith(' (deleted)');
  return { exe: deleted ? target.slice(0, -' (deleted)'.length) : target, ...(deleted ? { exeDeleted: true } : {}) };
}

/** A 64-hex container id in the cgroup path (containerd, CRI-O, Docker all use one); host processes have none. */
function containerIdOf(cgroup: string): string | undefined {
  const ids = cgroup.match(/[0-9a-f]{64}/g);
  return ids ? ids[ids.length - 1] : undefined;
}

function ldPreloadOf(environ: Buffer): string | undefined {
  const entry = environ.toString('utf8').split('\0').find((e) => e.startsWith('LD_PRELOAD='));
  const value = entry?.slice('LD_PRELOAD='.length).trim();
  return value ? value : undefined;
}

/** Names of each process's ancestors, parent first, from the ppid links of this snapshot. */
function withParentChains(processes: ProcessFacts[], maxDepth: number): ProcessFacts[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  return processes.map((p) => {
    const chain: string[] = [];
    let parent = p.ppid === undefined ? undefined : byPid.get(p.ppid);
    while (parent && chain.length < maxDepth && parent.pid !== p.pid) {
      chain.push(parent.comm ?? '');
      parent = parent.ppid === undefined || parent.ppid === parent.pid ? undefined : byPid.get(parent.ppid);
    }
    return chain.length > 0 ? { ...p, parentChain: chain } : p;
  });
}

/**
 * A field that may be missing: a vanished file (a kernel thread has no exe) gives undefined; a denied one calls
 * `onDenied` so it is counted; other failures propagate and skip the process.
 */
function optional<T>(read: () => T, onDenied?: () => void): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof ProcReadError && err.kind === 'unreadable') onDenied?.();
    else if (!(err instanceof ProcReadError && err.kind === 'vanished')) throw err;
    return undefined;
  }
}

function definedField<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
