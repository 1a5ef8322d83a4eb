import { Gauge, type Registry } from 'prom-client';
import { ANOMALY_THRESHOLD } from '../scoring/calibrate.js';
import { directionOf, type ScoredValue } from '../scoring/expected-band.js';

/**
 * The series every detector mode exports per scored subject, set together so that a scrape never sees a score,
 * flag and band that disagree:
 * - `odin_anomaly_score` (0–100) and its flag `odin_anomaly` (1 above the threshold);
 * - `odin_anomaly_value`, the value scored (vmanomaly's `y`, Grafana ML's `:actual`);
 * - `odin_anomaly_expected{bound="lower|expected|upper"}`, its band (vmanomaly's yhat_lower, yhat, yhat_upper):
 *   the score is at most 90 inside it and above 90 just beyond either edge;
 * - `odin_anomaly_direction`, −1 below the band, 0 inside, +1 above (Grafana ML's `:anomalous`).
 * The last three carry the score's labels (plus `feature` where one score covers several inputs); without a band
 * (no value is normal as the other inputs stand) the expected and direction series are absent. A band that many
 * subjects share (the pods of a namespace) is exported once: `sharedBandLabels` are written empty on the band's
 * series, which Prometheus stores without them (and, under honor_labels, without the scrape target's label of
 * that name), so the band costs one series per bound per namespace rather than per pod.
 */
export class AnomalyGauges<L extends string> {
  private readonly score: Gauge<L>;
  private readonly anomaly: Gauge<L>;
  // Keyed by plain strings: TypeScript cannot see that L's labels plus `feature` are labels of L | 'feature'.
  private readonly value: Gauge<string>;
  private readonly expected: Gauge<string>;
  private readonly direction: Gauge<string>;
  /** Shared bands written since the last reset. */
  private readonly bandsWritten = new Set<string>();

  /** `scoreHelp` says what this mode scores; the threshold's meaning is added to it. */
  constructor(registry: Registry, labelNames: readonly L[], scoreHelp: string, private readonly sharedBandLabels: readonly L[] = []) {
    const registers = [registry];
    const withFeature = [...labelNames, 'feature' as const];
    this.score = new Gauge({
      name: 'odin_anomaly_score', labelNames, registers,
      help: `${scoreHelp} Score 0-100: normal data spreads below ${ANOMALY_THRESHOLD}, at most the configured share of normal points above it.`,
    });
    this.anomaly = new Gauge({ name: 'odin_anomaly', help: `1 when odin_anomaly_score is above ${ANOMALY_THRESHOLD}.`, labelNames, registers });
    this.value = new Gauge({ name: 'odin_anomaly_value', help: 'The value odin_anomaly_score scored (of the input named by feature, where a score covers several).', labelNames: withFeature, registers });
    this.expected = new Gauge({
      name: 'odin_anomaly_expected', labelNames: [...withFeature, 'bound'], registers,
      help: `What the model expected of odin_anomaly_value: bound="expected" the most normal value, "lower" and "upper" the band outside which the score exceeds ${ANOMALY_THRESHOLD} (the other inputs held as they are).`,
    });
    this.direction = new Gauge({ name: 'odin_anomaly_direction', help: 'Where odin_anomaly_value lies against its band: -1 below, 0 inside, 1 above.', labelNames: withFeature, registers });
  }

  set(labels: Partial<Record<L, string>>, score: number, scored: readonly ScoredValue[] = []): void {
    this.score.set(labels, score);
    this.anomaly.set(labels, score > ANOMALY_THRESHOLD ? 1 : 0);
    for (const { feature, value, band } of scored) {
      const about: Record<string, string | undefined> = feature === undefined ? labels : { ...labels, feature };
      this.value.set(about, value);
      if (band === undefined) continue;
      this.direction.set(about, directionOf(value, band));
      const shared = { ...about };
      for (const label of this.sharedBandLabels) shared[label] = '';
      // Each subject sharing the band would write it again: once per reset is enough.
      const key = this.sharedBandLabels.length > 0 ? JSON.stringify(shared) : undefined;
      if (key !== undefined && this.bandsWritten.has(key)) continue;
      if (key !== undefined) this.bandsWritten.add(key);
      this.expected.set({ ...shared, bound: 'lower' }, band.lower);
      this.expected.set({ ...shared, bound: 'expected' }, band.expected);
      this.expected.set({ ...shared, bound: 'upper' }, band.upper);
    }
  }

  /** Drops every series, for modes that replace their scores whole each cycle (so vanished subjects disappear). */
  reset(): void {
    for (const gauge of [this.score, this.anomaly, this.value, this.expected, this.direction]) gauge.reset();
    this.bandsWritten.clear();
  }
}
