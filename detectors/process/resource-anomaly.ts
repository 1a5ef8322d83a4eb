/**
 * Per-process-name CPU and memory anomalies. Each tracked name has two StreamScorers (cores used, resident bytes,
 * summed over the processes of that name): an Isolation Forest once the name has enough history, a robust
 * z-score before. The set of names is capped (a metric label per name must stay bounded): the biggest consumers
 * are admitted first, and names unseen for a while are forgotten to make room.
 */
import { StreamScorer } from '../scoring/stream-scorer.js';
import type { ProcessFacts } from './types.js';

export type ResourceMetric = 'cpu_cores' | 'rss_bytes';

export interface ResourceScore {
  readonly name: string;
  readonly metric: ResourceMetric;
  readonly value: number;
  /** 0–100, see scoring/calibrate.ts; NaN when the value could not be scored. */
  readonly score: number;
}

export interface ResourceAnomaliesOptions {
  /** Most process names scored (and exported as label values). @default 50 */
  readonly maxNames?: number;
  /** @default 0.05 */
  readonly anomalyShare?: number;
  /** History each name keeps. @default 86400 (a day of 60 s cycles is 1,440 rows per metric) */
  readonly trainWindowSec?: number;
  /** A name not seen for this long is dropped. @default 3600 */
  readonly forgetAfterSec?: number;
}

interface Tracked {
  readonly cpu: StreamScorer;
  readonly rss: StreamScorer;
  lastSeenSec: number;
}

export class ResourceAnomalies {
  private readonly maxNames: number;
  private readonly anomalyShare: number;
  private readonly trainWindowSec: number;
  private readonly forgetAfterSec: number;
  private readonly tracked = new Map<string, Tracked>();
  /** Names seen in the last pass that found no room. */
  untracked = 0;

  constructor(options: ResourceAnomaliesOptions = {}) {
    this.maxNames = options.maxNames ?? 50;
    this.anomalyShare = options.anomalyShare ?? 0.05;
    this.trainWindowSec = options.trainWindowSec ?? 86_400;
    this.forgetAfterSec = options.forgetAfterSec ?? 3600;
    if (!Number.isInteger(this.maxNames) || this.maxNames < 1) throw new Error(`maxNames must be a positive integer, got ${this.maxNames}`);
  }

  /** Scores this pass's usage per name; processes without a CPU rate yet (first pass) are left out. */
  score(nowSec: number, processes: readonly ProcessFacts[]): ResourceScore[] {
    this.forget(nowSec);
    const usage = usageByName(processes);
    this.untracked = 0;
    const scores: ResourceScore[] = [];
    for (const [name, { cpuCores, rssBytes }] of usage) {
      const tracked = this.admit(name, nowSec);
      if (!tracked) { this.untracked++; continue; }
      tracked.lastSeenSec = nowSec;
      scores.push({ name, metric: 'cpu_cores', value: cpuCores, score: tracked.cpu.next(nowSec, [cpuCores]) });
      scores.push({ name, metric: 'rss_bytes', value: rssBytes, score: tracked.rss.next(nowSec, [rssBytes]) });
    }
    return scores;
  }

  private admit(name: string, nowSec: number): Tracked | undefined {
    const known = this.tracked.get(name);
    if (known || this.tracked.size >= this.maxNames) return known;
    const scorer = (): StreamScorer => new StreamScorer({ anomalyShare: this.anomalyShare, trainWindowSec: this.trainWindowSec });
    const created = { cpu: scorer(), rss: scorer(), lastSeenSec: nowSec };
    this.tracked.set(name, created);
    return created;
  }

  private forget(nowSec: number): void {
    for (const [name, t] of this.tracked) if (nowSec - t.lastSeenSec > this.forgetAfterSec) this.tracked.delete(name);
  }
}

/** Cores and resident bytes summed per process name, biggest consumers first (they are admitted first). */
export function usageByName(processes: readonly ProcessFacts[]): Map<string, { cpuCores: number; rssBytes: number }> {
  const usage = new Map<string, { cpuCores: number; rssBytes: number }>();
  for (const p of processes) {
    if (p.cpuCores === undefined || p.comm === undefined) continue;
    const sum = usage.get(p.comm) ?? { cpuCores: 0, rssBytes: 0 };
    usage.set(p.comm, { cpuCores: sum.cpuCores + p.cpuCores, rssBytes: sum.rssBytes + (p.rssBytes ?? 0) });
  }
  return new Map([...usage].sort(([, a], [, b]) => b.cpuCores - a.cpuCores || b.rssBytes - a.rssBytes));
}
