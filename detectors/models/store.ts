/**
 * Models as JSON files under the models directory (a PVC at /models). A save never leaves a torn file: the JSON
 * goes to a temporary file that is fsynced, renamed over the old one (atomic on POSIX) and the directory is
 * fsynced so the rename itself survives a crash. A file that is missing is no model; one that is truncated,
 * junk, written by something else or for another model is logged, counted and treated as missing, so the
 * mode retrains instead of crashing.
 */
import { open, readdir, readFile, rename, rm, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger, ModelStore } from '../runtime/mode.js';

const FORMAT = 'odin.model';
const FORMAT_VERSION = 1;
const TEMP_MARKER = '.tmp-';
const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

/** Why a stored model was rejected (the `reason` label of the counter). */
export const MODEL_REJECTIONS = ['corrupt', 'foreign', 'invalid', 'unreadable'] as const;
export type ModelRejection = typeof MODEL_REJECTIONS[number];

/** What is written on disk around a model. */
interface Envelope {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly key: string;
  readonly savedAt: string;
  readonly model: unknown;
}

/** Options of `FileModelStore`. */
export interface FileModelStoreOptions {
  readonly dir: string;
  readonly log: Logger;
  /** Called when a stored file is rejected, e.g. to count it in a metric. */
  readonly onRejected?: (reason: ModelRejection) => void;
}

export class FileModelStore implements ModelStore {
  constructor(private readonly options: FileModelStoreOptions) {}

  async load<T>(key: string, validate: (raw: unknown) => T): Promise<T | undefined> {
    const path = this.pathOf(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return this.reject('unreadable', key, err);
    }
    let envelope: Partial<Envelope>;
    try {
      envelope = JSON.parse(text) as Partial<Envelope>;
    } catch (err) {
      return this.reject('corrupt', key, err);
    }
    if (envelope?.format !== FORMAT || envelope.version !== FORMAT_VERSION || envelope.key !== key) {
      return this.reject('foreign', key, new Error(`not an ${FORMAT} v${FORMAT_VERSION} file for '${key}'`));
    }
    try {
      return validate(envelope.model);
    } catch (err) {
      return this.reject('invalid', key, err);
    }
  }

  async save(key: string, model: unknown): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(this.options.dir, { recursive: true });
    const envelope: Envelope = { format: FORMAT, version: FORMAT_VERSION, key, savedAt: new Date().toISOString(), model };
    await writeFileAtomically(path, JSON.stringify(envelope), 0o600);
  }

  /** Deletes temporary files left by a process killed while saving (call once at start). */
  async removeStaleTempFiles(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.options.dir);
    } catch {
      return 0;
    }
    const stale = names.filter((name) => name.includes(`.json${TEMP_MARKER}`));
    await Promise.all(stale.map((name) => rm(join(this.options.dir, name), { force: true })));
    return stale.length;
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`model key must match ${KEY_PATTERN}, got '${key}'`);
    return join(this.options.dir, `${key}.json`);
  }

  private reject(reason: ModelRejection, key: string, err: unknown): undefined {
    this.options.log.warn('stored model rejected; it will be retrained', { key, reason, error: err });
    this.options.onRejected?.(reason);
    return undefined;
  }
}

/**
 * Writes `data` to `path` so that a reader sees the old file or the whole new one, never a part: a temporary
 * file beside it, fsynced, renamed over it, and the directory fsynced so the rename survives a crash.
 */
export async function writeFileAtomically(path: string, data: string, mode = 0o644): Promise<void> {
  const temp = `${path}${TEMP_MARKER}${process.pid}-${Date.now()}`;
  try {
    const file = await open(temp, 'w', mode);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
