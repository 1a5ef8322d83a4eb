/**
 * Bounded, error-classifying reads of /proc files. /proc entries vanish while they are read (the process exits),
 * deny access (another user's process without CAP_SYS_PTRACE) and can be huge (a 10 MB command line): every read
 * here is capped and every failure is sorted into one of those kinds, never thrown past the reader.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';

export type ReadFailure = 'vanished' | 'unreadable' | 'error';

export class ProcReadError extends Error {
  constructor(
    readonly kind: ReadFailure,
    readonly path: string,
    cause: unknown,
  ) {
    super(`${kind}: ${path}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Result of a capped read: the bytes read and whether the file was longer than the cap. */
export interface CappedRead {
  readonly data: Buffer;
  readonly truncated: boolean;
  /** Owner of the file when asked for: for /proc/<pid>/* the process's effective uid. */
  readonly uid?: number;
}

/** One read buffer reused by every read (allocating 64 KiB per file read was a third of a scan's CPU). */
let scratch = Buffer.allocUnsafe(64 * 1024 + 1);

/** Reads at most `maxBytes` of a file (one byte more to know whether it was cut); the data is a copy. */
export function readCapped(path: string, maxBytes: number, withOwner = false): CappedRead {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (scratch.length < maxBytes + 1) scratch = Buffer.allocUnsafe(maxBytes + 1);
    let length = 0;
    while (length < maxBytes + 1) {
      const n = readSync(fd, scratch, length, maxBytes + 1 - length, null);
      if (n === 0) break;
      length += n;
    }
    return { data: Buffer.from(scratch.subarray(0, Math.min(length, maxBytes))), truncated: length > maxBytes, ...(withOwner ? { uid: fstatSync(fd).uid } : {}) };
  } catch (err) {
    throw classify(path, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Whether two files hold the same bytes: `false` when their sizes differ, a SHA-256 comparison otherwise, `undefined`
 * when either cannot be opened (vanished, not ours to read) or is larger than `maxBytes`. For /proc/<pid>/exe this
 * reads the executable image itself, memfd-backed or deleted ones included.
 */
export function sameContent(a: string, b: string, maxBytes: number): boolean | undefined {
  const fds: number[] = [];
  try {
    for (const path of [a, b]) fds.push(openSync(path, 'r'));
    const [sizeA, sizeB] = fds.map((fd) => fstatSync(fd).size);
    if (sizeA !== sizeB) return false;
    if (sizeA > maxBytes) return undefined;
    const [digestA, digestB] = fds.map(digest);
    return digestA === digestB;
  } catch {
    return undefined;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

function digest(fd: number): string {
  const hash = createHash('sha256');
  let position = 0;
  for (let n = readSync(fd, scratch, 0, scratch.length, position); n > 0; n = readSync(fd, scratch, 0, scratch.length, position)) {
    hash.update(scratch.subarray(0, n));
    position += n;
  }
  return hash.digest('hex');
}

export function readText(path: string, maxBytes: number): string {
  return readCapped(path, maxBytes).data.toString('utf8');
}

export function readLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch (err) {
    throw classify(path, err);
  }
}

/** ENOENT/ESRCH: the process went away; EACCES/EPERM: not ours to read; anything else: an error worth counting. */
export function classify(path: string, err: unknown): ProcReadError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const kind: ReadFailure = code === 'ENOENT' || code === 'ESRCH' ? 'vanished' : code === 'EACCES' || code === 'EPERM' ? 'unreadable' : 'error';
  return new ProcReadError(kind, path, err);
}
