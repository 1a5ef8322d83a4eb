import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { open } from 'node:fs/promises';
import { FileModelStore, type ModelRejection } from '../../../detectors/models/store.js';
import { createLogger } from '../../../detectors/runtime/logger.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';

const root = mkdtempSync(join(tmpdir(), 'odin-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function storeIn(name: string): { store: FileModelStore; dir: string; rejected: ModelRejection[]; logs: string[] } {
  const dir = join(root, name);
  const rejected: ModelRejection[] = [];
  const logs: string[] = [];
  const store = new FileModelStore({ dir, log: createLogger({ sink: { write: (l: string) => logs.push(l) } }), onRejected: (r) => rejected.push(r) });
  return { store, dir, rejected, logs };
}

/** Writers killed per run of the kill test. */
const KILLS = 6;
/**
 * Kills go on past KILLS until one has landed in the middle of a save (a temporary file left behind), up to this
 * many: where a kill lands is chance, and the test means something only once one has hit a write.
 */
const MAX_KILLS = 20;
/** A whole model of save-forever.ts is larger than this (200,000 weights). */
const MODEL_BYTES = 2_000_000;

/**
 * Reads `path` over and over until stopped: opens it, and reads the head and the last bytes of that same file. A
 * read counts as torn unless the file is a whole model (the envelope save-forever.ts writes, complete to its last
 * bracket), or it is missing before any whole one was seen.
 */
function keepReading(path: string) {
  let stopped = false;
  let wholeSeen = false;
  let reads = 0;
  const torn: string[] = [];
  const generations = new Set<string>();
  const readEnds = async (): Promise<{ head: string; tail: string; size: number } | undefined> => {
    let file;
    try {
      file = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const { size } = await file.stat();
      const head = Buffer.alloc(Math.min(size, 200));
      const tail = Buffer.alloc(Math.min(size, 3));
      await file.read(head, 0, head.length, 0);
      await file.read(tail, 0, tail.length, size - tail.length);
      return { head: head.toString(), tail: tail.toString(), size };
    } finally {
      await file.close();
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const ends = await readEnds();
      // A millisecond between reads: many reads per save, without spinning a core.
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (ends === undefined) {
        if (wholeSeen) torn.push('missing');
        continue;
      }
      reads++;
      if (ends.head.startsWith('{"format":"odin.model"') && ends.tail === ']}}' && ends.size > MODEL_BYTES) {
        wholeSeen = true;
        generations.add(/"generation":(\d+)/.exec(ends.head)?.[1] ?? '');
      } else {
        torn.push(`${ends.size} bytes`);
      }
    }
  })();
  return {
    wholeSeen: () => wholeSeen,
    stop: async () => {
      stopped = true;
      await loop;
      return { reads, torn, generations };
    },
  };
}

const asNumbers = (raw: unknown): number[] => {
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'number')) throw new Error('model must be an array of numbers');
  return raw;
};

describe('FileModelStore', () => {
  test('saves and loads a model; a missing one is undefined without complaint', async () => {
    const { store, rejected } = storeIn('roundtrip');
    expect(await store.load('gpu-0', asNumbers)).toBeUndefined();
    await store.save('gpu-0', [1, 2.5, 3]);
    expect(await store.load('gpu-0', asNumbers)).toEqual([1, 2.5, 3]);
    expect(rejected).toEqual([]);
  });

  test.each([
    ['truncated', (text: string) => text.slice(0, text.length / 2), 'corrupt'],
    ['junk', () => '\u0000\u0001binary junk', 'corrupt'],
    ['foreign', () => JSON.stringify({ sklearn: 'pickle' }), 'foreign'],
    ['another key', (text: string) => text.replace('"key":"m"', '"key":"other"'), 'foreign'],
    ['invalid model', (text: string) => text.replace('[1,2,3]', '"three"'), 'invalid'],
  ])('a %s file is logged, counted and treated as missing', async (name, damage, reason) => {
    const { store, dir, rejected, logs } = storeIn(`damaged-${name.replace(' ', '-')}`);
    await store.save('m', [1, 2, 3]);
    const path = join(dir, 'm.json');
    writeFileSync(path, damage(readFileSync(path, 'utf8')));
    expect(await store.load('m', asNumbers)).toBeUndefined();
    expect(rejected).toEqual([reason]);
    expect(logs.join('')).toContain('stored model rejected; it will be retrained');
  });

  test('rejects keys that could escape the directory', async () => {
    const { store } = storeIn('keys');
    await expect(store.save('../etc/passwd', 1)).rejects.toThrow(/model key must match/);
  });

  test('a reader never sees a partial, empty or missing model while a writer saving large models is killed at random points', async () => {
    // GIVEN a reader reading the model file over and over while, again and again, a writer saves ~4 MB models under
    // one key until it is killed with SIGKILL after a random delay
    const { store, dir, rejected } = storeIn('sigkill');
    const seed = Date.now();
    const random = mulberry32(seed);
    const reader = keepReading(join(dir, 'big.json'));
    let killsDuringAWrite = 0;
    for (let kill = 0; kill < KILLS || (killsDuringAWrite === 0 && kill < MAX_KILLS); kill++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'save-forever.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, 100 + random() * 500));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid!, 'SIGKILL');
      await exited;
      if (readdirSync(dir).some((name) => name.includes('.tmp-'))) killsDuringAWrite++;
      // THEN after each kill the store loads a whole model
      const model = await store.load('big', (raw) => raw as { generation: number; weights: number[] });
      if (model !== undefined || reader.wholeSeen()) expect(model?.weights, `seed ${seed}, kill ${kill}`).toHaveLength(200_000);
    }
    const { reads, torn, generations } = await reader.stop();
    // AND no read in between saw anything but a whole model (once the first one existed)
    expect(torn, `seed ${seed}`).toEqual([]);
    expect(rejected).toEqual([]);
    // The test means something only if it read while many saves replaced the file, and some kills hit a save.
    expect(reads).toBeGreaterThan(500);
    expect(generations.size).toBeGreaterThan(KILLS);
    expect(killsDuringAWrite).toBeGreaterThan(0);
    await store.removeStaleTempFiles();
    expect(readdirSync(dir)).toEqual(['big.json']);
  });
});
