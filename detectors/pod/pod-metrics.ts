import { Gauge, type Registry } from 'prom-client';
import { AnomalyGauges } from '../runtime/anomaly-gauges.js';
import type { PodScore } from './namespace-models.js';
import type { PodStatusAnomaly } from './pod-status.js';

const DETECTOR = 'pod';

/** The pod detector's own series. Every cycle replaces them whole, so deleted pods disappear. */
export class PodMetrics {
  private readonly statusAnomaly: Gauge<'namespace' | 'pod' | 'reason'>;
  private readonly scores: AnomalyGauges<'detector' | 'metric' | 'namespace' | 'pod'>;
  private readonly modelAge: Gauge<'detector' | 'metric'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.statusAnomaly = new Gauge({
      name: 'odin_pod_status_anomaly', help: '1 while a container of the pod is in the state named by reason (CrashLoopBackOff, OOMKilled), from the Kubernetes API.',
      labelNames: ['namespace', 'pod', 'reason'], registers,
    });
    // The band is the namespace's: exported once per namespace, without the pod.
    this.scores = new AnomalyGauges(registry, ['detector', 'metric', 'namespace', 'pod'], 'Anomaly of a pod against its namespace baseline.', ['pod']);
    this.modelAge = new Gauge({ name: 'odin_model_age_seconds', help: 'Age of the model the scores come from.', labelNames: ['detector', 'metric'], registers });
  }

  setStatusAnomalies(anomalies: readonly PodStatusAnomaly[]): void {
    this.statusAnomaly.reset();
    for (const a of anomalies) this.statusAnomaly.set({ namespace: a.namespace, pod: a.pod, reason: a.reason }, 1);
  }

  /** Replaces all scores; a metric absent from `byMetric` (its query failed) has no scores this cycle. */
  setScores(byMetric: ReadonlyMap<string, readonly PodScore[]>): void {
    this.scores.reset();
    for (const [metric, scores] of byMetric) {
      for (const s of scores) this.scores.set({ detector: DETECTOR, metric, namespace: s.namespace, pod: s.pod }, s.score, [{ value: s.value, band: s.band }]);
    }
  }

  setModelAge(metric: string, ageSec: number): void {
    this.modelAge.set({ detector: DETECTOR, metric }, ageSec);
  }
}
