/**
 * What the GPU detector scores, shared by the live mode and the offline CSV scorer: per GPU, temperature and
 * power draw, each in the context of the GPU's utilisation (a hot GPU at 0% is stranger than one at 100%): see
 * utilization-model.ts. Time of day and day of week are added by the AnomalyModel once the history covers them.
 */

export interface GpuMetric {
  /** The `metric` label of odin_anomaly_score. */
  readonly name: 'temperature' | 'power';
  /** The exporter's series. */
  readonly series: string;
  /** The column in nvidia-smi CSV output (units stripped), e.g. h100-load-trace.csv. */
  readonly csvColumn: string;
}

export const GPU_METRICS: readonly GpuMetric[] = [
  { name: 'temperature', series: 'nvidia_gpu_temperature_celsius', csvColumn: 'temperature.gpu' },
  { name: 'power', series: 'nvidia_gpu_power_draw_watts', csvColumn: 'power.draw' },
];

export const UTILIZATION = { series: 'nvidia_gpu_utilization_gpu', csvColumn: 'utilization.gpu' } as const;

/** The feature row of one observation: the metric's value, then its context. */
export function gpuFeatureRow(value: number, utilizationPercent: number): number[] {
  return [value, utilizationPercent];
}
