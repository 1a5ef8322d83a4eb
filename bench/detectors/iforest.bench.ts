/**
 * Isolation Forest benchmark: ours against scikit-learn's IsolationForest and against ml-isolation-forest (the
 * npm package, a devDependency: the forest the design card names) on the same file in the same run.
 * Data: 40,320 rows (a week at 15 s) × 3 features, a correlated Gaussian cloud with 1% uniform outliers, seeded,
 * written to a temporary CSV that all read. All fit 100 trees and score every row; ours and scikit-learn's grow
 * each tree on a 256-row subsample, ml-isolation-forest 0.1.0 grows every tree on the whole data set (it has no
 * subsampling, nor a seed: Math.random). Timings are fit and fit+score (file reading excluded), median of RUNS
 * runs (seeds 1…RUNS where there is a seed); the AUC is the mean over those runs. Heap is this process's largest
 * heapUsed seen during each JavaScript forest's runs (measured one after the other, after a GC when exposed).
 * scikit-learn comes from Debian's python3-sklearn (installed with apt-get when missing: PyPI is not used).
 * Both wall-clock and CPU time are measured; the summary line uses CPU time, because on a shared machine the wall
 * clock mostly measures the neighbours (scikit-learn's IsolationForest runs single-threaded, as ours does).
 * Run: npm run bench:iforest
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { IsolationForest } from '../../detectors/scoring/isolation-forest.js';
import { mulberry32 } from '../../detectors/scoring/prng.js';
import { median } from '../../detectors/scoring/robust-stats.js';

/** ml-isolation-forest 0.1.0 ships no types: the part of its API the benchmark uses. */
interface MlForest {
  train(trainingSet: number[][]): void;
  predict(data: number[][]): number[];
}
const { IsolationForest: MlIsolationForest } = createRequire(import.meta.url)('ml-isolation-forest') as {
  IsolationForest: new (options?: { nEstimators?: number }) => MlForest;
};

const ROWS = 40_320;
const OUTLIER_SHARE = 0.01;
const RUNS = 5;
const PYTHON = '/usr/bin/python3';

/** Writes the data set; returns the CSV path. Columns: x0,x1,x2,label (1 = injected outlier). */
function writeDataSet(dir: string): string {
  const random = mulberry32(2026);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = ['x0,x1,x2,label'];
  for (let i = 0; i < ROWS; i++) {
    if (random() < OUTLIER_SHARE) {
      lines.push(`${(random() * 12 - 6).toFixed(6)},${(random() * 12 - 6).toFixed(6)},${(random() * 12 - 6).toFixed(6)},1`);
    } else {
      const a = gaussian();
      const b = 0.8 * a + 0.6 * gaussian();
      lines.push(`${a.toFixed(6)},${b.toFixed(6)},${gaussian().toFixed(6)},0`);
    }
  }
  const path = join(dir, 'iforest-bench.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function readDataSet(path: string): { rows: Float64Array[]; labels: Uint8Array } {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((line) => Float64Array.from(line.split(',').slice(0, 3), Number));
  return { rows, labels: Uint8Array.from(lines, (line) => Number(line.split(',')[3])) };
}

/** Area under the ROC curve (Mann-Whitney U, ties counted half). */
function auc(scores: ArrayLike<number>, labels: Uint8Array): number {
  const order = Array.from(scores, (s, i) => [s, labels[i]] as const).sort((x, y) => x[0] - y[0]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j][0] === order[i][0]) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (order[k][1] === 1) { positives++; rankSum += meanRank; }
    i = j;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

interface Timings {
  /** Wall-clock ms per run, fit + score. */
  readonly ms: number[];
  /** CPU ms per run, fit + score. */
  readonly cpuMs: number[];
  /** CPU ms per run, fit alone. */
  readonly fitCpuMs: number[];
  readonly auc: number;
  /** Largest heapUsed seen (JavaScript forests only). */
  readonly heapMB?: number;
}

/** Times RUNS fits and scorings of a JavaScript forest; `fitAndScore(run, fitted)` calls `fitted()` between fit and score. */
function benchJs(path: string, fitAndScore: (run: number, rows: Float64Array[], fitted: () => void) => ArrayLike<number>): Timings {
  const { rows, labels } = readDataSet(path);
  const ms: number[] = [];
  const cpuMs: number[] = [];
  const fitCpuMs: number[] = [];
  const aucs: number[] = [];
  (globalThis as { gc?: () => void }).gc?.();
  let heap = process.memoryUsage().heapUsed;
  for (let run = 0; run < RUNS; run++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    const scores = fitAndScore(run, rows, () => {
      const cpu = process.cpuUsage(cpuStart);
      fitCpuMs.push((cpu.user + cpu.system) / 1000);
      heap = Math.max(heap, process.memoryUsage().heapUsed);
    });
    ms.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    heap = Math.max(heap, process.memoryUsage().heapUsed);
    aucs.push(auc(scores, labels));
  }
  return { ms, cpuMs, fitCpuMs, auc: aucs.reduce((a, b) => a + b) / RUNS, heapMB: heap / 2 ** 20 };
}

function benchOdin(path: string): Timings {
  return benchJs(path, (run, rows, fitted) => {
    const forest = new IsolationForest({ seed: run + 1 }).fit(rows);
    fitted();
    return forest.scoreMany(rows);
  });
}

/** ml-isolation-forest 0.1.0 with its defaults (100 trees); it takes plain arrays. */
function benchMl(path: string): Timings {
  return benchJs(path, (_run, rows, fitted) => {
    const data = rows.map((r) => Array.from(r));
    const forest = new MlIsolationForest({ nEstimators: 100 });
    forest.train(data);
    fitted();
    return forest.predict(data);
  });
}

const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
data = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1)
X, y = data[:, :3], data[:, 3]
ms, cpu_ms, fit_cpu_ms, aucs = [], [], [], []
for run in range(int(sys.argv[2])):
    t, c = time.perf_counter(), time.process_time()
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=run + 1).fit(X)
    fit_cpu_ms.append((time.process_time() - c) * 1000)
    scores = -forest.score_samples(X)
    ms.append((time.perf_counter() - t) * 1000)
    cpu_ms.append((time.process_time() - c) * 1000)
    aucs.append(roc_auc_score(y, scores))
print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "fitCpuMs": fit_cpu_ms, "auc": sum(aucs) / len(aucs)}))
`;

function ensureSklearn(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
  } catch {
    process.stderr.write('scikit-learn missing: installing python3-sklearn with apt-get\n');
    execFileSync('apt-get', ['install', '-y', 'python3-sklearn'], { stdio: 'inherit' });
  }
}

function benchSklearn(path: string): Timings {
  ensureSklearn();
  const out = execFileSync(PYTHON, ['-c', SKLEARN_SCRIPT, path, String(RUNS)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Timings;
}

const dir = mkdtempSync(join(tmpdir(), 'odin-iforest-bench-'));
try {
  const path = writeDataSet(dir);
  const odin = benchOdin(path);
  const ml = benchMl(path);
  const sklearn = benchSklearn(path);
  const f = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
  console.log(`data: ${ROWS} rows x 3 features, ${OUTLIER_SHARE * 100}% outliers, ${RUNS} runs (fit + score all rows)`);
  console.log('implementation        median fit CPU ms  median CPU ms  median wall ms  CPU ms per run                 mean AUC  heap MB');
  for (const [name, t] of [['odin', odin], ['ml-isolation-forest', ml], ['scikit-learn', sklearn]] as const) {
    const heap = t.heapMB === undefined ? '' : t.heapMB.toFixed(1);
    console.log(`${name.padEnd(21)} ${median(t.fitCpuMs).toFixed(1).padStart(17)}  ${median(t.cpuMs).toFixed(1).padStart(13)}  ${median(t.ms).toFixed(1).padStart(14)}  ${f(t.cpuMs).padEnd(29)}  ${t.auc.toFixed(4)}  ${heap.padStart(7)}`);
  }
  const [odinMs, mlMs, sklearnMs] = [odin, ml, sklearn].map((t) => median(t.cpuMs));
  console.log(`iforest: odin ${odinMs.toFixed(1)} ms, scikit-learn ${sklearnMs.toFixed(1)} ms, ratio ${(sklearnMs / odinMs).toFixed(1)}x, ml-isolation-forest ${mlMs.toFixed(1)} ms (${(mlMs / sklearnMs).toFixed(1)}x scikit-learn), AUC odin ${odin.auc.toFixed(4)} scikit-learn ${sklearn.auc.toFixed(4)} ml-isolation-forest ${ml.auc.toFixed(4)}, heap odin ${odin.heapMB!.toFixed(1)} MB ml-isolation-forest ${ml.heapMB!.toFixed(1)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
