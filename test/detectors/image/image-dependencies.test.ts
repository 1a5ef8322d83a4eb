/**
 * The detector image installs detectors/package.json with detectors/package-lock.json (`npm ci --omit=dev`): only
 * what the compiled detectors import, at exactly the versions the repository is tested with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { moduleGraph } from '../helpers/module-graph.js';

const ROOT = join(import.meta.dirname, '../../..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
const rootManifest = json('package.json');
const imageManifest = json('detectors/package.json');
const rootLock = json('package-lock.json');
const imageLock = json('detectors/package-lock.json');

describe('the detector image dependencies', () => {
  test('are exactly the packages the detector program imports, modes included', () => {
    const imported = [...moduleGraph(join(ROOT, 'detectors/main.ts'), true).packages].sort();
    expect(imported.length).toBeGreaterThan(0);
    expect(Object.keys(imageManifest.dependencies).sort()).toEqual(imported);
  });

  test('are pinned exactly as in the root package.json', () => {
    for (const [name, version] of Object.entries(imageManifest.dependencies)) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(version, `${name} in detectors/package.json`).toBe(rootManifest.dependencies[name]);
    }
    expect(imageManifest.type, 'the compiled detectors are ES modules').toBe('module');
  });

  test('lock every package, transitive ones included, as the root lockfile does', () => {
    expect(imageLock.packages[''].dependencies).toEqual(imageManifest.dependencies);
    const locked = Object.entries(imageLock.packages as Record<string, { version: string; integrity: string; dev?: boolean }>).filter(([path]) => path !== '');
    expect(locked.length).toBeGreaterThan(Object.keys(imageManifest.dependencies).length);
    for (const [path, entry] of locked) {
      expect(entry.dev, path).toBeUndefined();
      expect(rootLock.packages[path], `${path} is not in the root package-lock.json`).toBeDefined();
      expect({ version: entry.version, integrity: entry.integrity }, path).toEqual({ version: rootLock.packages[path].version, integrity: rootLock.packages[path].integrity });
    }
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'detectors/Dockerfile'), 'utf8');

  test('builds every stage from a base argument pinned by digest', () => {
    const args = new Map([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThan(1);
    for (const from of froms) {
      const arg = /^\$\{(\w+)\}$/.exec(from)?.[1];
      expect(arg, `FROM ${from} names its base in a build argument`).toBeDefined();
      expect(args.get(arg!), `ARG ${arg}`).toMatch(/^[\w.\-/:]+@sha256:[0-9a-f]{64}$/);
    }
  });
});
