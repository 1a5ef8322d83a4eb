import { AnomalyModel } from '../scoring/anomaly-model.js';
import { robustZToScore } from '../scoring/calibrate.js';
import { robustBaseline, robustZ, type RobustBaseline } from '../scoring/robust-stats.js';
import type { NamespaceSamples, PodValue } from './pod-queries.js';

const JSON_KIND = 'odin.pod-namespace-models';
const JSON_VERSION = 1;
/** Pooled training rows per namespace are thinned to this many, evenly over the window, to bound fit time. */
const MAX_TRAINING_ROWS = 4096;
/** Fewer pods than this in a namespace are not a baseline for each other. */
const MIN_PEERS = 3;

/** A pod's anomaly score for one metric, 0–100 (above 90: anomalous). */
export interface PodScore extends PodValue {
  readonly score: number;
}

/** What a namespace's pods looked like over the training window, for one metric. */
interface NamespaceModel {
  readonly baseline: RobustBaseline;
  /** Absent when the window held too few or only identical points. */
  readonly forest?: AnomalyModel;
}

/**
 * Resource values are heavy-tailed (a pod at 4 GiB beside pods at 40 MiB); on a log scale the forest's random
 * splits and the robust z look at ratios, which is how resource use differs between pods.
 */
function feature(value: number): number {
  return Math.log1p(Math.max(0, value));
}

/**
 * Baselines of one metric per namespace: an Isolation Forest over the value and the time of day, calibrated on
 * the namespace's own training distribution, together with the robust z-score against the training median
 * (the higher of the two counts), which is also the fallback when there is no forest.
 * Namespaces that appeared after training are scored against their current peers.
 */
export class NamespaceModels {
  private constructor(private readonly byNamespace: ReadonlyMap<string, NamespaceModel>) {}

  static empty(): NamespaceModels {
    return new NamespaceModels(new Map());
  }

  static train(history: ReadonlyMap<string, NamespaceSamples>, trainedAtSec: number, anomalyShare: number): NamespaceModels {
    const models = new Map<string, NamespaceModel>();
    for (const [namespace, samples] of history) {
      // Pooled pods follow each other, not time: sort so the model sees the window's true span.
      const rows = evenlySpacedIndexes(samples.values.length, MAX_TRAINING_ROWS)
        .sort((a, b) => samples.timestampsSec[a] - samples.timestampsSec[b]);
      if (rows.length === 0) continue;
      const values = rows.map((i) => feature(samples.values[i]));
      const baseline = robustBaseline(values);
      // A forest cannot split constant data (no restarts, ever) and would score every value alike; the robust z
      // of a constant baseline flags any change instead.
      const forest = rows.length >= 2 && baseline.sigma > 0
        ? AnomalyModel.fit(rows.map((i) => samples.timestampsSec[i]), values.map((v) => [v]), trainedAtSec, { anomalyShare })
        : undefined;
      models.set(namespace, { baseline, forest });
    }
    return new NamespaceModels(models);
  }

  get namespaceCount(): number {
    return this.byNamespace.size;
  }

  /** Scores every pod; pods of an unknown namespace with too few peers get no score. */
  score(values: readonly PodValue[], nowSec: number): PodScore[] {
    const scores: PodScore[] = [];
    for (const [namespace, pods] of groupByNamespace(values)) {
      const model = this.byNamespace.get(namespace);
      const scoreOf = model !== undefined ? modelScorer(model, nowSec) : peerScorer(pods);
      if (scoreOf === undefined) continue;
      for (const pod of pods) scores.push({ ...pod, score: scoreOf(feature(pod.value)) });
    }
    return scores;
  }

  toJSON(): unknown {
    const namespaces: Record<string, unknown> = {};
    for (const [namespace, m] of this.byNamespace) namespaces[namespace] = { baseline: m.baseline, forest: m.forest?.toJSON() };
    return { kind: JSON_KIND, version: JSON_VERSION, namespaces };
  }

  /** Rebuilds from `toJSON` output; throws an error naming the problem for anything else. */
  static fromJSON(raw: unknown): NamespaceModels {
    const json = raw as { kind?: unknown; version?: unknown; namespaces?: unknown } | null;
    if (json?.kind !== JSON_KIND || json.version !== JSON_VERSION) {
      throw new Error(`pod namespace models must be ${JSON_KIND} version ${JSON_VERSION}, got ${JSON.stringify([json?.kind, json?.version])}`);
    }
    if (typeof json.namespaces !== 'object' || json.namespaces === null) throw new Error('pod namespace models need a namespaces object');
    const models = new Map<string, NamespaceModel>();
    for (const [namespace, entry] of Object.entries(json.namespaces)) models.set(namespace, namespaceModelFromJSON(namespace, entry));
    return new NamespaceModels(models);
  }
}

function namespaceModelFromJSON(namespace: string, raw: unknown): NamespaceModel {
  const entry = raw as { baseline?: Partial<RobustBaseline>; forest?: unknown } | null;
  const baseline = entry?.baseline;
  if (typeof baseline?.median !== 'number' || typeof baseline.sigma !== 'number') {
    throw new Error(`pod namespace model ${namespace} needs a numeric baseline median and sigma`);
  }
  const forest = entry?.forest === undefined ? undefined : AnomalyModel.fromJSON(entry.forest);
  return { baseline: { median: baseline.median, sigma: baseline.sigma }, forest };
}

/**
 * The forest ranks values within the range it was trained on, by time of day too; but it cannot extrapolate: a
 * value ten times beyond the largest training value is isolated no faster than that value itself, so it scores
 * like the edge of normal. The robust z against the training median sees how far out such a value is.
 */
function modelScorer(model: NamespaceModel, nowSec: number): (x: number) => number {
  const forest = model.forest;
  const zScore = (x: number) => robustZToScore(robustZ(x, model.baseline));
  if (forest === undefined) return zScore;
  return (x) => Math.max(forest.score(nowSec, [x]), zScore(x));
}

function peerScorer(pods: readonly PodValue[]): ((x: number) => number) | undefined {
  if (pods.length < MIN_PEERS) return undefined;
  const baseline = robustBaseline(pods.map((p) => feature(p.value)));
  return (x) => robustZToScore(robustZ(x, baseline));
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
