/**
 * A save survives a power cut only if the data reaches the disk before the rename makes it the model, and the
 * rename itself reaches the disk: fsync of the temporary file, rename, fsync of the directory, in that order. A
 * crash test cannot show this without pulling the plug, so node:fs/promises is wrapped (the real calls still run)
 * and the store's file-system calls are recorded.
 */
import { dirname, join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';

const calls = vi.hoisted(() => [] as string[]);

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fs.open = async (path, ...rest) => {
    const handle = await fs.open(path, ...rest);
    const name = String(path);
    calls.push(`open ${name}`);
    const wrapped = Object.create(handle) as typeof handle;
    wrapped.sync = async () => {
      calls.push(`fsync ${name}`);
      return handle.sync();
    };
    wrapped.writeFile = async (...args: Parameters<typeof handle.writeFile>) => {
      calls.push(`write ${name}`);
      return handle.writeFile(...args);
    };
    wrapped.close = async () => {
      calls.push(`close ${name}`);
      return handle.close();
    };
    return wrapped;
  };
  const rename: typeof fs.rename = async (from, to) => {
    calls.push(`rename ${String(from)} -> ${String(to)}`);
    return fs.rename(from, to);
  };
  const copyFile: typeof fs.copyFile = async (from, to, mode) => {
    calls.push(`copy ${String(from)} -> ${String(to)}`);
    return fs.copyFile(from, to, mode);
  };
  const writeFile: typeof fs.writeFile = async (path, ...rest) => {
    calls.push(`write ${String(path)}`);
    return fs.writeFile(path, ...rest);
  };
  return { ...fs, default: { ...fs, open, rename, copyFile, writeFile }, open, rename, copyFile, writeFile };
});

const { FileModelStore } = await import('../../../detectors/models/store.js');
const { createLogger } = await import('../../../detectors/runtime/logger.js');
const { tempDir } = await import('../../validate/tools.js');

describe('FileModelStore durability', () => {
  test('a save writes a temporary file, fsyncs it, renames it over the model, then fsyncs the directory', async () => {
    const dir = join(tempDir('store-durability'), 'models');
    const store = new FileModelStore({ dir, log: createLogger({ sink: { write: () => true } }) });
    calls.length = 0;
    await store.save('gpu-0', { weights: [1, 2, 3] });
    const model = join(dir, 'gpu-0.json');
    const temp = calls.find((c) => c.startsWith('open '))!.slice('open '.length);
    expect(dirname(temp)).toBe(dir);
    expect(temp).toMatch(/gpu-0\.json\.tmp-/);
    expect(calls).toEqual([
      `open ${temp}`, `write ${temp}`, `fsync ${temp}`, `close ${temp}`,
      `rename ${temp} -> ${model}`,
      `open ${dir}`, `fsync ${dir}`, `close ${dir}`,
    ]);
  });
});
