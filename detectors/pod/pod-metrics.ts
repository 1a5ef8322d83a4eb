import { Gauge, type Registry } from 'prom-client';
import { ANOMALY_THRESHOLD } from '../scoring/calibrate.js';
import type { PodScore } from './namespace-models.js';
import type { PodStatusAnomaly } from './pod-status.js';

const DETECTOR = 'pod';

/** The pod detector's own series. Every cycle replaces them whole, so deleted pods disappear. */
export class PodMetrics {
  private readonly statusAnomaly: Gauge<'namespace' | 'pod' | 'reason'>;
  private readonly score: Gauge<'detector' | 'metric' | 'namespace' | 'pod'>;
  private readonly anomaly: Gauge<'detector' | 'metric' | 'namespace' | 'pod'>;
  private readonly modelAge: Gauge<'detector' | 'metric'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.statusAnomaly = new Gauge({
      name: 'odin_pod_status_anomaly', help: '1 while a container of the pod is in the state named by reason (CrashLoopBackOff, OOMKilled), from the Kubernetes API.',
      labelNames: ['namespace', 'pod', 'reason'], registers,
    });
    this.score = new Gauge({
      name: 'odin_anomaly_score', help: 'Anomaly score 0-100 against the namespace baseline; above 90 is anomalous (at most anomalyShare of normal data).',
      labelNames: ['detector', 'metric', 'namespace', 'pod'], registers,
    });
    this.anomaly = new Gauge({ name: 'odin_anomaly', help: '1 when odin_anomaly_score is above 90.', labelNames: ['detector', 'metric', 'namespace', 'pod'], registers });
    this.modelAge = new Gauge({ name: 'odin_model_age_seconds', help: 'Age of the model the scores come from.', labelNames: ['detector', 'metric'], registers });
  }

  setStatusAnomalies(anomalies: readonly PodStatusAnomaly[]): void {
    this.statusAnomaly.reset();
    for (const a of anomalies) this.statusAnomaly.set({ namespace: a.namespace, pod: a.pod, reason: a.reason }, 1);
  }

  /** Replaces all scores; a metric absent from `byMetric` (its query failed) has no scores this cycle. */
  setScores(byMetric: ReadonlyMap<string, readonly PodScore[]>): void {
    this.score.reset();
    this.anomaly.reset();
    for (const [metric, scores] of byMetric) {
      for (const s of scores) {
        const labels = { detector: DETECTOR, metric, namespace: s.namespace, pod: s.pod };
        this.score.set(labels, s.score);
        this.anomaly.set(labels, s.score > ANOMALY_THRESHOLD ? 1 : 0);
      }
    }
  }

  setModelAge(metric: string, ageSec: number): void {
    this.modelAge.set({ detector: DETECTOR, metric }, ageSec);
  }
}
