import { Gauge, type Registry } from 'prom-client';
import { ANOMALY_THRESHOLD } from '../scoring/calibrate.js';

/**
 * `odin_anomaly_score` (0–100) and its flag `odin_anomaly` (1 above the threshold), the pair every detector mode
 * exports. Set together, so a scrape never sees a score and a flag that disagree.
 */
export class AnomalyGauges<L extends string> {
  private readonly score: Gauge<L>;
  private readonly anomaly: Gauge<L>;

  /** `scoreHelp` says what this mode scores; the threshold's meaning is added to it. */
  constructor(registry: Registry, labelNames: readonly L[], scoreHelp: string) {
    const registers = [registry];
    this.score = new Gauge({
      name: 'odin_anomaly_score', labelNames, registers,
      help: `${scoreHelp} Score 0-100: normal data spreads below ${ANOMALY_THRESHOLD}, at most the configured share of normal points above it.`,
    });
    this.anomaly = new Gauge({ name: 'odin_anomaly', help: `1 when odin_anomaly_score is above ${ANOMALY_THRESHOLD}.`, labelNames, registers });
  }

  set(labels: Partial<Record<L, string>>, score: number): void {
    this.score.set(labels, score);
    this.anomaly.set(labels, score > ANOMALY_THRESHOLD ? 1 : 0);
  }

  /** Drops every series, for modes that replace their scores whole each cycle (so vanished subjects disappear). */
  reset(): void {
    this.score.reset();
    this.anomaly.reset();
  }
}
