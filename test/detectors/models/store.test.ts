import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FileModelStore, type ModelRejection } from '../../../detectors/models/store.js';
import { createLogger } from '../../../detectors/runtime/logger.js';

const root = mkdtempSync(join(tmpdir(), 'odin-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function storeIn(name: string): { store: FileModelStore; dir: string; rejected: ModelRejection[]; logs: string[] } {
  const dir = join(root, name);
  const rejected: ModelRejection[] = [];
  const logs: string[] = [];
  const store = new FileModelStore({ dir, log: createLogger({ sink: { write: (l: string) => logs.push(l) } }), onRejected: (r) => rejected.push(r) });
  return { store, dir, rejected, logs };
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

  test('a process killed with SIGKILL while saving never leaves a torn file', async () => {
    const { store, dir, rejected } = storeIn('sigkill');
    let killsDuringAWrite = 0;
    for (const delayMs of [150, 260, 370, 480]) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'save-forever.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid!, 'SIGKILL');
      await exited;
      if (readdirSync(dir).some((name) => name.includes('.tmp-'))) killsDuringAWrite++;
      const model = await store.load('big', (raw) => raw as { generation: number; weights: number[] });
      if (model) expect(model.weights).toHaveLength(200_000);
    }
    expect(rejected).toEqual([]);
    // The test means something only if some kills hit a save in progress (a temporary file was left).
    expect(killsDuringAWrite).toBeGreaterThan(0);
    expect(await store.load('big', (raw) => raw)).toBeDefined();
    await store.removeStaleTempFiles();
    expect(readdirSync(dir)).toEqual(['big.json']);
  });
});
