/**
 * Watches the files that short-lived attack commands change and polling of /proc misses (`crontab`, `echo >>
 * authorized_keys`, a unit dropped in /etc/systemd/system): each cycle compares size, mtime and content hash with
 * the previous cycle. The first cycle is the baseline; only a non-empty /etc/ld.so.preload is reported at once.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Category, Finding, Severity } from './types.js';

export interface WatchedPath {
  /** Relative to the host root. A `*` component matches every entry of that directory (home directories). */
  readonly path: string;
  readonly rule: string;
  readonly category: Category;
  readonly severity: Severity;
}

export const WATCHED: readonly WatchedPath[] = [
  ...['etc/crontab', 'etc/cron.d', 'etc/cron.hourly', 'etc/cron.daily', 'etc/cron.weekly', 'etc/cron.monthly', 'var/spool/cron', 'etc/anacrontab']
    .map((path) => ({ path, rule: 'cron-changed', category: 'persistence' as const, severity: 'high' as const })),
  { path: 'etc/ld.so.preload', rule: 'ld-so-preload-changed', category: 'system_modification', severity: 'critical' },
  ...['etc/systemd/system', 'root/.config/systemd/user', 'home/*/.config/systemd/user']
    .map((path) => ({ path, rule: 'systemd-unit-changed', category: 'persistence' as const, severity: 'medium' as const })),
  ...['root/.ssh/authorized_keys', 'root/.ssh/authorized_keys2', 'home/*/.ssh/authorized_keys', 'home/*/.ssh/authorized_keys2']
    .map((path) => ({ path, rule: 'authorized-keys-changed', category: 'persistence' as const, severity: 'high' as const })),
  ...['etc/sudoers', 'etc/sudoers.d'].map((path) => ({ path, rule: 'sudoers-changed', category: 'privilege_escalation' as const, severity: 'high' as const })),
  ...['etc/rc.local', 'etc/profile', 'etc/profile.d', 'etc/bash.bashrc', 'etc/environment', 'etc/pam.d']
    .map((path) => ({ path, rule: 'startup-file-changed', category: 'persistence' as const, severity: 'medium' as const })),
];

/** The finding labels the watcher can report, one per rule: the process mode creates their counters at 0. */
export const FILE_WATCH_LABELS: readonly Pick<Finding, 'category' | 'severity' | 'rule'>[] = [
  ...new Map(WATCHED.map((w) => [w.rule, { category: w.category, severity: w.severity, rule: w.rule }])).values(),
];

/** Directory levels walked under a watched directory (/etc/systemd/system/x.target.wants/y.service is level 2). */
const MAX_DEPTH = 2;
/** Files larger than this are compared by size and mtime only. */
const MAX_HASHED_BYTES = 1024 * 1024;

interface FileState {
  readonly size: number;
  readonly mtimeMs: number;
  /** sha256 of the content, or the link target for a symlink (enabling a unit creates one). */
  readonly digest: string;
  readonly watch: WatchedPath;
}

export type FileChangeKind = 'created' | 'modified' | 'deleted';

export interface FileFinding {
  readonly finding: Finding;
  /** The path as the host sees it (host root removed). */
  readonly path: string;
  readonly change: FileChangeKind | 'present';
}

export interface FileWatchStats {
  files: number;
  unreadable: number;
  /** Entries not examined because the watch cap was reached. */
  skipped: number;
}

export interface FileWatcherOptions {
  /** @default '/' */
  readonly hostRoot?: string;
  /** Most files tracked; more are skipped and counted. @default 20000 */
  readonly maxFiles?: number;
}

export class FileWatcher {
  private readonly hostRoot: string;
  private readonly maxFiles: number;
  private previous: Map<string, FileState> | undefined;

  constructor(options: FileWatcherOptions = {}) {
    this.hostRoot = options.hostRoot ?? '/';
    this.maxFiles = options.maxFiles ?? 20_000;
  }

  /** Findings for what changed since the last call; on the first call, only a non-empty ld.so.preload. */
  check(): { findings: FileFinding[]; stats: FileWatchStats } {
    const stats: FileWatchStats = { files: 0, unreadable: 0, skipped: 0 };
    const current = this.snapshot(stats);
    const findings = this.previous ? diff(this.previous, current) : presentAtBaseline(current);
    this.previous = current;
    return { findings, stats };
  }

  private snapshot(stats: FileWatchStats): Map<string, FileState> {
    const files = new Map<string, FileState>();
    for (const watch of WATCHED) {
      for (const path of this.expand(watch.path, stats)) this.visit(path, watch, 0, files, stats);
    }
    stats.files = files.size;
    return files;
  }

  /** Host paths for a watched pattern, `*` expanded against the directory listing. */
  private expand(pattern: string, stats: FileWatchStats): string[] {
    let paths = [''];
    for (const part of pattern.split('/')) {
      paths = part !== '*' ? paths.map((p) => `${p}/${part}`) : paths.flatMap((p) => this.list(p, stats).map((name) => `${p}/${name}`));
    }
    return paths;
  }

  private visit(path: string, watch: WatchedPath, depth: number, files: Map<string, FileState>, stats: FileWatchStats): void {
    if (files.size >= this.maxFiles) { stats.skipped++; return; }
    const hostPath = join(this.hostRoot, path);
    let info: Stats;
    try {
      info = lstatSync(hostPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') stats.unreadable++;
      return;
    }
    if (info.isDirectory()) {
      if (depth < MAX_DEPTH) for (const name of this.list(path, stats)) this.visit(`${path}/${name}`, watch, depth + 1, files, stats);
      return;
    }
    const digest = this.digest(hostPath, path, info, stats);
    if (digest !== undefined) files.set(path, { size: info.size, mtimeMs: info.mtimeMs, digest, watch });
  }

  /** The content hash, reused from the previous cycle when size and mtime are unchanged. */
  private digest(hostPath: string, path: string, info: Stats, stats: FileWatchStats): string | undefined {
    const before = this.previous?.get(path);
    if (before && before.size === info.size && before.mtimeMs === info.mtimeMs) return before.digest;
    try {
      if (info.isSymbolicLink()) return `link:${readlinkSync(hostPath)}`;
      if (!info.isFile() || info.size > MAX_HASHED_BYTES) return `size:${info.size}:${info.mtimeMs}`;
      return createHash('sha256').update(readFileSync(hostPath)).digest('hex');
    } catch {
      stats.unreadable++;
      return undefined;
    }
  }

  private list(path: string, stats: FileWatchStats): string[] {
    try {
      return readdirSync(join(this.hostRoot, path)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') stats.unreadable++;
      return [];
    }
  }
}

function diff(before: Map<string, FileState>, after: Map<string, FileState>): FileFinding[] {
  const findings: FileFinding[] = [];
  for (const [path, state] of after) {
    const old = before.get(path);
    if (!old) findings.push(fileFinding(path, state.watch, 'created'));
    else if (old.digest !== state.digest) findings.push(fileFinding(path, state.watch, 'modified'));
  }
  for (const [path, state] of before) if (!after.has(path)) findings.push(fileFinding(path, state.watch, 'deleted'));
  return findings;
}

/** /etc/ld.so.preload is empty or absent on a clean system; content there at start is reported at start. */
function presentAtBaseline(files: Map<string, FileState>): FileFinding[] {
  const preload = files.get('/etc/ld.so.preload');
  return preload && preload.size > 0 ? [fileFinding('/etc/ld.so.preload', preload.watch, 'present')] : [];
}

function fileFinding(path: string, watch: WatchedPath, change: FileFinding['change']): FileFinding {
  return { path, change, finding: { category: watch.category, severity: watch.severity, rule: watch.rule, evidence: { path, change } } };
}
