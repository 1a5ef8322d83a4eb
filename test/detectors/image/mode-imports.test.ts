/**
 * Each mode loads only what it uses: the detector program loads no mode when it starts, and the mode table imports
 * the one it runs on demand, so only the pod mode loads the Kubernetes client.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importsOf, moduleGraph } from '../helpers/module-graph.js';

const DETECTORS = join(import.meta.dirname, '../../../detectors');
const MODE_TABLE = join(DETECTORS, 'modes/index.ts');
const KUBERNETES_CLIENT = '@kubernetes/client-node';

describe('mode loading', () => {
  const startup = moduleGraph(join(DETECTORS, 'main.ts'), false);
  const modeModules = importsOf(MODE_TABLE).dynamic.map((specifier) => join(DETECTORS, 'modes', specifier.replace(/\.js$/, '.ts')));

  test('the program starts without any mode or the Kubernetes client', () => {
    expect(startup.files).toContain(MODE_TABLE);
    expect([...startup.files].filter((f) => f.startsWith(join(DETECTORS, 'modes')) && f !== MODE_TABLE)).toEqual([]);
    expect(startup.packages).not.toContain(KUBERNETES_CLIENT);
  });

  test('the mode table loads each of the five modes on demand', () => {
    expect(modeModules.map((f) => f.slice(f.lastIndexOf('/') + 1)).sort()).toEqual(['disk.ts', 'gpu-exporter.ts', 'gpu.ts', 'pod.ts', 'process.ts']);
  });

  test('only the pod mode loads the Kubernetes client', () => {
    const withClient = modeModules.filter((file) => moduleGraph(file, true).packages.has(KUBERNETES_CLIENT));
    expect(withClient.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['pod.ts']);
  });
});
