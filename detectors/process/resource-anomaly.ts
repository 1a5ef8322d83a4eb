/**
 * Per-process-name CPU and memory anomalies. Each tracked name has two streaming scorers (ODIN's default
 * detector, scoring/stream-scorer.ts: cores used and resident bytes, summed over the processes of that name),
 * which learn as they score. The set of names is capped (a metric label per name must stay bounded): the biggest
 * consumers are admitted first, and names unseen for a while are forgotten to make room. The scorers' state is
 * plain JSON (`toState`/`restore`), so a restart continues where the previous process stopped instead of
 * learning every name again.
 */
import { list, record, finite } from '../scoring/state-checks.js';
import { StreamScorer, type StreamScore } from '../scoring/stream-scorer.js';
import type { ProcessFacts } from './types.js';

export type ResourceMetric = 'cpu_cores' | 'rss_bytes';

export interface ResourceScore extends StreamScore {
  readonly name: string;
  readonly metric: ResourceMetric;
  readonly value: number;
}

export interface ResourceAnomaliesOptions {
  /** Most process names scored (and exported as label values). @default 50 */
  readonly maxNames?: number;
  /** Cycles a new name is learned before it is scored (its value range comes from them). @default 360 (6 h of 60 s cycles) */
  readonly probationRows?: number;
  /** Contexts each scorer keeps: bounds memory and the saved state (about 0.1 MB of JSON per 1,000). @default 2000 */
  readonly maxContexts?: number;
  /** A name not seen for this long is dropped. @default 3600 */
  readonly forgetAfterSec?: number;
}

interface Tracked {
  readonly cpu: StreamScorer;
  readonly rss: StreamScorer;
  lastSeenSec: number;
}

/** The JSON form of `ResourceAnomalies`: per tracked name, when it was last seen and its two scorers. */
export interface ResourceAnomaliesState {
  readonly version: number;
  readonly names: ReadonlyArray<{ readonly name: string; readonly lastSeenSec: number; readonly cpu: unknown; readonly rss: unknown }>;
}

const STATE_VERSION = 1;

export class ResourceAnomalies {
  private readonly maxNames: number;
  private readonly probationRows: number;
  private readonly maxContexts: number;
  private readonly forgetAfterSec: number;
  private readonly tracked = new Map<string, Tracked>();
  /** Names seen in the last pass that found no room. */
  untracked = 0;

  constructor(options: ResourceAnomaliesOptions = {}) {
    this.maxNames = options.maxNames ?? 50;
    this.probationRows = options.probationRows ?? 360;
    this.maxContexts = options.maxContexts ?? 2000;
    this.forgetAfterSec = options.forgetAfterSec ?? 3600;
    if (!Number.isInteger(this.maxNames) || this.maxNames < 1) throw new Error(`maxNames must be a positive integer, got ${this.maxNames}`);
    this.newScorer(); // validates the scorer options now rather than at the first new name
  }

  /** Names currently tracked. */
  get size(): number {
    return this.tracked.size;
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
      scores.push({ name, metric: 'cpu_cores', value: cpuCores, ...tracked.cpu.next(nowSec, cpuCores) });
      scores.push({ name, metric: 'rss_bytes', value: rssBytes, ...tracked.rss.next(nowSec, rssBytes) });
    }
    return scores;
  }

  toState(): ResourceAnomaliesState {
    const names = [...this.tracked].map(([name, t]) => ({ name, lastSeenSec: t.lastSeenSec, cpu: t.cpu.toState(), rss: t.rss.toState() }));
    return { version: STATE_VERSION, names };
  }

  /**
   * Replaces the tracked names with a stored state (checked whole before anything changes); returns how many
   * names it restored. Time the detector was down does not count as a name being unseen: each counts as seen at
   * `nowSec`. Throws on a state this version did not write.
   */
  restore(raw: unknown, nowSec: number): number {
    const state = record(raw, 'resources');
    if (state.version !== STATE_VERSION) throw new Error(`resources: not a state of version ${STATE_VERSION} (version ${JSON.stringify(state.version)})`);
    const restored = list(state.names, 'resources.names').slice(0, this.maxNames).map((entry, i) => {
      const e = record(entry, `resources.names[${i}]`);
      if (typeof e.name !== 'string' || e.name === '') throw new Error(`resources.names[${i}].name: expected a non-empty string`);
      finite(e.lastSeenSec, `resources.names[${i}].lastSeenSec`);
      const tracked: Tracked = { cpu: StreamScorer.fromState(e.cpu), rss: StreamScorer.fromState(e.rss), lastSeenSec: nowSec };
      return [e.name, tracked] as const;
    });
    this.tracked.clear();
    for (const [name, tracked] of restored) this.tracked.set(name, tracked);
    return restored.length;
  }

  private admit(name: string, nowSec: number): Tracked | undefined {
    const known = this.tracked.get(name);
    if (known || this.tracked.size >= this.maxNames) return known;
    const created = { cpu: this.newScorer(), rss: this.newScorer(), lastSeenSec: nowSec };
    this.tracked.set(name, created);
    return created;
  }

  private newScorer(): StreamScorer {
    return new StreamScorer({ probationRows: this.probationRows, maxContexts: this.maxContexts, replayRows: Math.max(2016, this.probationRows) });
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
