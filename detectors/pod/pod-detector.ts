import type { CoreV1Event } from '@kubernetes/client-node';
import type { Mode, ModeContext } from '../runtime/mode.js';
import { NamespaceModels, type PodScore } from './namespace-models.js';
import { PodMetrics } from './pod-metrics.js';
import { fetchNamespaceHistory, fetchPodValues, POD_METRICS, type PodMetric } from './pod-queries.js';
import type { PodSettings } from './pod-settings.js';
import { podStatusAnomalies, type PodStatusAnomaly } from './pod-status.js';
import type { PodSource } from './pod-watch.js';

/** What the pod mode counts in odin_detector_errors_total: a metric that could not be scored, a failed API request. */
const POD_ERROR_KINDS = ['metric_failed', 'kubernetes'] as const;
export type PodContext = ModeContext<typeof POD_ERROR_KINDS[number]>;

/** Builds the pod source once the context exists (the API watch needs the context to report its health). */
export type PodSourceFactory = (ctx: PodContext) => PodSource & { stop(): Promise<void> };

interface TrainedModels {
  readonly models: NamespaceModels;
  readonly trainedAtSec: number;
}

/**
 * The pod detector: container states from the Kubernetes API reported directly, and six resource series per
 * pod from Prometheus scored against their namespace's baseline. One query per metric per cycle, for all pods.
 */
export class PodDetector implements Mode<typeof POD_ERROR_KINDS[number]> {
  readonly name = 'pod';
  readonly needsPrometheus = true;
  readonly errorKinds = POD_ERROR_KINDS;
  private readonly trained = new Map<string, TrainedModels>();
  private source: ReturnType<PodSourceFactory> | undefined;
  private metrics: PodMetrics | undefined;
  private reportedStatus = new Set<string>();

  constructor(private readonly settings: PodSettings, private readonly createSource: PodSourceFactory) {}

  async start(ctx: PodContext): Promise<void> {
    this.metrics = new PodMetrics(ctx.registry);
    for (const metric of POD_METRICS) {
      const stored = await ctx.models.load(modelKey(metric), (raw) => storedModels(raw));
      if (stored !== undefined) this.trained.set(metric.name, stored);
    }
    this.source = this.createSource(ctx);
  }

  /** The oldest stored model's training time, when every metric has one. */
  trainedAtSec(): number | undefined {
    const times = POD_METRICS.map((metric) => this.trained.get(metric.name)?.trainedAtSec);
    return times.every((t) => t !== undefined) ? Math.min(...(times as number[])) : undefined;
  }

  /** Fits every metric's namespace baselines; one metric failing does not stop the others, but fails the run. */
  async train(ctx: PodContext, signal: AbortSignal): Promise<void> {
    const endSec = ctx.now();
    const range = { startSec: endSec - ctx.trainWindowSec, endSec, stepSec: this.settings.trainStepSec };
    const failed: string[] = [];
    for (const metric of POD_METRICS) {
      try {
        const history = await fetchNamespaceHistory(ctx.prometheus, metric, this.settings.rateWindow, range, signal);
        const trained = { models: NamespaceModels.train(history, endSec, ctx.anomalyShare, metric.withForest), trainedAtSec: endSec };
        await ctx.models.save(modelKey(metric), { trainedAtSec: endSec, models: trained.models.toJSON() });
        this.trained.set(metric.name, trained);
        ctx.log.info('trained pod baselines', { metric: metric.name, namespaces: trained.models.namespaceCount });
      } catch (err) {
        if (signal.aborted) throw err;
        failed.push(metric.name);
        ctx.log.warn('training a pod metric failed; its scores fall back to namespace peers', { metric: metric.name, error: err });
      }
    }
    if (failed.length > 0) throw new Error(`training failed for ${failed.join(', ')}`);
  }

  async cycle(ctx: PodContext, signal: AbortSignal): Promise<void> {
    this.reportStatus(ctx);
    const scores = await this.scoreResources(ctx, signal);
    this.requireMetrics().setScores(scores);
    if (scores.size === 0) throw new Error('no pod metric could be fetched from Prometheus this cycle');
  }

  async stop(): Promise<void> {
    await this.source?.stop();
  }

  private reportStatus(ctx: PodContext): void {
    const source = this.requireSource();
    const nowSec = ctx.now();
    const anomalies = source.pods().flatMap((pod) => podStatusAnomalies(pod, nowSec, this.settings.oomWindowSec));
    this.requireMetrics().setStatusAnomalies(anomalies);
    const appeared = anomalies.filter((a) => !this.reportedStatus.has(statusKey(a)));
    // The cluster's Warning events are only looked through when there is something new to log.
    if (appeared.length > 0) {
      const warnings = latestWarningPerPod(source.warningEvents());
      for (const a of appeared) logStatusAnomaly(ctx, a, warnings.get(`${a.namespace}/${a.pod}`));
    }
    this.reportedStatus = new Set(anomalies.map(statusKey));
  }

  private async scoreResources(ctx: PodContext, signal: AbortSignal): Promise<Map<string, PodScore[]>> {
    const nowSec = ctx.now();
    const scores = new Map<string, PodScore[]>();
    for (const metric of POD_METRICS) {
      try {
        const values = await fetchPodValues(ctx.prometheus, metric, this.settings.rateWindow, signal);
        const trained = this.trained.get(metric.name);
        scores.set(metric.name, (trained?.models ?? NamespaceModels.empty()).score(values, nowSec));
        if (trained !== undefined) this.requireMetrics().setModelAge(metric.name, nowSec - trained.trainedAtSec);
      } catch (err) {
        if (signal.aborted) throw err;
        ctx.countError?.('metric_failed');
        ctx.log.warn('scoring a pod metric failed; the others go on', { metric: metric.name, error: err });
      }
    }
    return scores;
  }

  private requireSource(): PodSource {
    if (this.source === undefined) throw new Error('pod detector used before start()');
    return this.source;
  }

  private requireMetrics(): PodMetrics {
    if (this.metrics === undefined) throw new Error('pod detector used before start()');
    return this.metrics;
  }
}

function modelKey(metric: PodMetric): string {
  return `pod-${metric.name}`;
}

function storedModels(raw: unknown): TrainedModels {
  const stored = raw as { trainedAtSec?: unknown; models?: unknown } | null;
  if (typeof stored?.trainedAtSec !== 'number') throw new Error('stored pod models need a numeric trainedAtSec');
  return { trainedAtSec: stored.trainedAtSec, models: NamespaceModels.fromJSON(stored.models) };
}

function statusKey(a: PodStatusAnomaly): string {
  return `${a.namespace}/${a.pod}/${a.container}/${a.reason}`;
}

function latestWarningPerPod(events: ReadonlyArray<CoreV1Event>): Map<string, CoreV1Event> {
  const latest = new Map<string, CoreV1Event>();
  for (const e of events) {
    if (e.type !== 'Warning') continue;
    const key = `${e.involvedObject.namespace}/${e.involvedObject.name}`;
    const previous = latest.get(key);
    if (previous === undefined || eventTimeMs(e) >= eventTimeMs(previous)) latest.set(key, e);
  }
  return latest;
}

function eventTimeMs(e: CoreV1Event): number {
  return new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
}

/**
 * Logged once when the state appears; the gauge carries it while it lasts. At info level: it is a finding about
 * the cluster, not a problem of the detector, so it stays out of /health's recent errors.
 */
function logStatusAnomaly(ctx: PodContext, a: PodStatusAnomaly, warning: CoreV1Event | undefined): void {
  ctx.log.info('pod status anomaly', {
    namespace: a.namespace, pod: a.pod, container: a.container, reason: a.reason, restartCount: a.restartCount, detail: a.detail,
    ...(warning ? { lastWarningEvent: { reason: warning.reason, message: warning.message, count: warning.count } } : {}),
  });
}
