/**
 * Synthesis speed: objects in the stack, median in-process synthesis time over several runs, and the whole
 * `npm run synth` command (process start, TypeScript loading, writing dist/). Reference: a chart holding only the
 * Prometheus construct (the largest component), synthesized in the same process: the ratio says how many
 * Prometheus-sized components the stack costs, independent of the machine's speed.
 * Targets (2-core machine): median < 500 ms in-process, `npm run synth` < 3 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, Chart } from 'cdk8s';
import { Prometheus } from '../lib/prometheus/prometheus.js';
import { DEFAULT_CONFIG } from '../lib/config.js';
import { synthesizeManifests } from '../lib/synth.js';

const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeRuns(fn: () => void, runs: number): number[] {
  fn(); // warm-up: module loading and JIT are not synthesis
  return Array.from({ length: runs }, () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  });
}

function prometheusOnly(): void {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'reference');
  new Prometheus(chart, 'Prometheus');
  chart.toJson();
}

function wholeCommand(): number {
  const outdir = join(mkdtempSync(join(tmpdir(), 'odin-bench-')), 'dist');
  const start = performance.now();
  const result = spawnSync('npm', ['run', '--silent', 'synth', '--', '--outdir', outdir], { encoding: 'utf8' });
  const elapsed = performance.now() - start;
  rmSync(join(outdir, '..'), { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`npm run synth failed: ${result.stderr}`);
  return elapsed;
}

const objects = synthesizeManifests(DEFAULT_CONFIG).length;
const stack = median(timeRuns(() => synthesizeManifests(DEFAULT_CONFIG), RUNS));
const reference = median(timeRuns(prometheusOnly, RUNS));
const command = median(Array.from({ length: 3 }, wholeCommand));

console.table([
  { measure: 'in-process synthesis, full stack', median_ms: Number(stack.toFixed(1)), target_ms: 500 },
  { measure: 'in-process synthesis, Prometheus only (reference)', median_ms: Number(reference.toFixed(1)), target_ms: '' },
  { measure: '`npm run synth` whole command (3 runs)', median_ms: Number(command.toFixed(0)), target_ms: 3000 },
]);
console.log(`stack / Prometheus-only ratio: ${(stack / reference).toFixed(1)}x`);
console.log(`synth: ${objects} objects, median ${stack.toFixed(1)} ms`);
