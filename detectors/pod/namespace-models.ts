import { AnomalyModel } from '../scoring/anomaly-model.js';
import { ANOMALY_THRESHOLD, ROBUST_Z_AT_THRESHOLD, robustZToScore } from '../scoring/calibrate.js';
import { fromLog1p, NormalSet, robustNormalSet, type ExpectedBand } from '../scoring/expected-band.js';
import { robustBaseline, robustZ, type RobustBaseline } from '../scoring/robust-stats.js';
import type { NamespaceSamples, PodValue } from './pod-queries.js';

const JSON_KIND = 'odin.pod-namespace-models';
const JSON_VERSION = 2;
/** Training rows per namespace are thinned to this many, evenly over the window, to bound fit time. */
const MAX_ROWS_PER_NAMESPACE = 2048;
/** The forest's pooled training rows are thinned to this many. */
const MAX_FOREST_ROWS = 16_384;
/** Fewer pods than this in a namespace are not a baseline for each other. */
const MIN_PEERS = 3;

/**
 * A pod's anomaly score for one metric, 0–100 (above 90: anomalous), and its namespace's band: the pods of a
 * namespace share one normal set (the namespace's baseline at this time of day), and its range around the
 * namespace's median is their band.
 */
export interface PodScore extends PodValue {
  readonly score: number;
  readonly band: ExpectedBand | undefined;
}

/**
 * Resource values are heavy-tailed (a pod at 4 GiB beside pods at 40 MiB); on a log scale the robust z and the
 * forest's random splits look at ratios, which is how resource use differs between pods.
 */
function feature(value: number): number {
  return Math.log1p(Math.max(0, value));
}

/**
 * Baselines of one metric: per namespace, the robust median and sigma of its pods over the training window; and
 * one Isolation Forest over (deviation from the namespace baseline, time of day), calibrated on the training
 * distribution, which learns how far pods normally stray and when. A pod's score is the higher of the forest's
 * and the robust z's. One forest per metric rather than per namespace keeps memory flat in the number of
 * namespaces (a forest is some 500 kB). Namespaces that appeared after training are scored against their
 * current peers.
 */
export class NamespaceModels {
  private constructor(
    private readonly baselines: ReadonlyMap<string, RobustBaseline>,
    private readonly forest: AnomalyModel | undefined,
  ) {}

  static empty(): NamespaceModels {
    return new NamespaceModels(new Map(), undefined);
  }

  /** `withForest` false: robust statistics only, for simple metrics (counts, ages) where time of day says nothing. */
  static train(history: ReadonlyMap<string, NamespaceSamples>, trainedAtSec: number, anomalyShare: number, withForest = true): NamespaceModels {
    const baselines = new Map<string, RobustBaseline>();
    const deviations: Array<{ t: number; z: number }> = [];
    for (const [namespace, samples] of history) {
      const rows = evenlySpacedIndexes(samples.values.length, MAX_ROWS_PER_NAMESPACE);
      if (rows.length === 0) continue;
      const values = rows.map((i) => feature(samples.values[i]));
      const baseline = robustBaseline(values);
      baselines.set(namespace, baseline);
      // A constant namespace (no restarts, ever) has no deviations to learn from; its robust z flags any change.
      if (baseline.sigma > 0) rows.forEach((i, k) => deviations.push({ t: samples.timestampsSec[i], z: robustZ(values[k], baseline) }));
    }
    const forest = withForest && deviations.length >= 2 ? fitForest(deviations, trainedAtSec, anomalyShare) : undefined;
    return new NamespaceModels(baselines, forest);
  }

  get namespaceCount(): number {
    return this.baselines.size;
  }

  /** Scores every pod; pods of an unknown namespace with too few peers get no score. */
  score(values: readonly PodValue[], nowSec: number): PodScore[] {
    const scores: PodScore[] = [];
    for (const [namespace, pods] of groupByNamespace(values)) {
      const baseline = this.baselines.get(namespace) ?? peerBaseline(pods);
      if (baseline === undefined) continue;
      const band = this.normalValues(baseline, nowSec).bandFor(Math.expm1(baseline.median));
      for (const pod of pods) scores.push({ ...pod, score: this.scoreDeviation(robustZ(feature(pod.value), baseline), nowSec), band });
    }
    return scores;
  }

  toJSON(): unknown {
    return { kind: JSON_KIND, version: JSON_VERSION, baselines: Object.fromEntries(this.baselines), forest: this.forest?.toJSON() };
  }

  /** Rebuilds from `toJSON` output; throws an error naming the problem for anything else. */
  static fromJSON(raw: unknown): NamespaceModels {
    const json = raw as { kind?: unknown; version?: unknown; baselines?: unknown; forest?: unknown } | null;
    if (json?.kind !== JSON_KIND || json.version !== JSON_VERSION) {
      throw new Error(`pod namespace models must be ${JSON_KIND} version ${JSON_VERSION}, got ${JSON.stringify([json?.kind, json?.version])}`);
    }
    if (typeof json.baselines !== 'object' || json.baselines === null) throw new Error('pod namespace models need a baselines object');
    const baselines = new Map<string, RobustBaseline>();
    for (const [namespace, entry] of Object.entries(json.baselines)) baselines.set(namespace, baselineFromJSON(namespace, entry));
    return new NamespaceModels(baselines, json.forest === undefined ? undefined : AnomalyModel.fromJSON(json.forest));
  }

  /**
   * The values that score at most 90 against `baseline` now, exactly as `scoreDeviation` scores them: the robust
   * z within ±3.5 and, where there is a forest, the forest's normal deviations. With a zero sigma only the
   * median itself has a finite z.
   */
  private normalValues(baseline: RobustBaseline, nowSec: number): NormalSet {
    if (!(baseline.sigma > 0)) return this.scoreDeviation(0, nowSec) <= ANOMALY_THRESHOLD ? fromLog1p(robustNormalSet(baseline)) : NormalSet.EMPTY;
    const z = ROBUST_Z_AT_THRESHOLD;
    const deviations = this.forest?.normalSet(nowSec, [0], 0, [-z, z]) ?? robustNormalSet({ median: 0, sigma: 1 });
    return fromLog1p(deviations.map((z) => baseline.median + z * baseline.sigma));
  }

  /**
   * The forest ranks deviations within the range it was trained on, by time of day too; but it cannot
   * extrapolate: a deviation ten times beyond the largest in training is isolated no faster than that one, so
   * it scores like the edge of normal. The robust z's own score sees how far out it is.
   */
  private scoreDeviation(z: number, nowSec: number): number {
    const zScore = robustZToScore(z);
    if (this.forest === undefined || !Number.isFinite(z)) return zScore;
    return Math.max(this.forest.score(nowSec, [z]), zScore);
  }
}

function fitForest(deviations: ReadonlyArray<{ t: number; z: number }>, trainedAtSec: number, anomalyShare: number): AnomalyModel {
  // Namespaces follow each other in the pool, not time: sort so the model sees the window's true span.
  const rows = evenlySpacedIndexes(deviations.length, MAX_FOREST_ROWS).map((i) => deviations[i]).sort((a, b) => a.t - b.t);
  return AnomalyModel.fit(rows.map((r) => r.t), rows.map((r) => [r.z]), trainedAtSec, { anomalyShare });
}

function baselineFromJSON(namespace: string, raw: unknown): RobustBaseline {
  const baseline = raw as Partial<RobustBaseline> | null;
  if (typeof baseline?.median !== 'number' || typeof baseline.sigma !== 'number') {
    throw new Error(`pod namespace baseline ${namespace} needs a numeric median and sigma`);
  }
  return { median: baseline.median, sigma: baseline.sigma };
}

function peerBaseline(pods: readonly PodValue[]): RobustBaseline | undefined {
  return pods.length < MIN_PEERS ? undefined : robustBaseline(pods.map((p) => feature(p.value)));
}

function groupByNamespace(values: readonly PodValue[]): Map<string, PodValue[]> {
  const groups = new Map<string, PodValue[]>();
  for (const v of values) {
    const group = groups.get(v.namespace);
    if (group === undefined) groups.set(v.namespace, [v]);
    else group.push(v);
  }
  return groups;
}

function evenlySpacedIndexes(length: number, max: number): number[] {
  const count = Math.min(length, max);
  return Array.from({ length: count }, (_, i) => Math.floor((i * length) / count));
}
