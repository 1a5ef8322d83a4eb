/**
 * Reading the GPU series from Prometheus and joining them per GPU. A GPU is identified by its UUID (unique
 * across nodes) and shown by its index (`gpu` label).
 */
import type { PrometheusClient, Series } from '../runtime/mode.js';
import { GPU_METRICS, gpuFeatureRow, UTILIZATION, type GpuMetric } from './gpu-features.js';

export interface GpuIdentity {
  readonly gpu: string;
  readonly uuid: string;
}

/** Observations of one GPU and metric: timestamps and feature rows, in time order. */
export interface GpuHistory {
  readonly identity: GpuIdentity;
  readonly metric: GpuMetric;
  readonly timestamps: number[];
  readonly rows: number[][];
}

/** `max by (gpu, uuid)` so that duplicate scrapes of one GPU (two exporter replicas) collapse into one series. */
export function perGpu(series: string): string {
  return `max by (gpu, uuid) (${series})`;
}

function identityOf(labels: Readonly<Record<string, string>>): GpuIdentity | undefined {
  if (labels.gpu === undefined || labels.uuid === undefined) return undefined;
  return { gpu: labels.gpu, uuid: labels.uuid };
}

/** Per GPU, its points by timestamp. */
function byGpu(series: Series[]): Map<string, { identity: GpuIdentity; points: Map<number, number> }> {
  const out = new Map<string, { identity: GpuIdentity; points: Map<number, number> }>();
  for (const s of series) {
    const identity = identityOf(s.labels);
    if (!identity) continue;
    out.set(identity.uuid, { identity, points: new Map(s.points.map(([t, v]) => [t, v])) });
  }
  return out;
}

/** Joins a metric's series with utilisation at equal timestamps; points missing either are left out. */
function joinHistories(metric: GpuMetric, metricSeries: Series[], utilizationSeries: Series[]): GpuHistory[] {
  const utilization = byGpu(utilizationSeries);
  const histories: GpuHistory[] = [];
  for (const [uuid, { identity, points }] of byGpu(metricSeries)) {
    const context = utilization.get(uuid)?.points;
    const history: GpuHistory = { identity, metric, timestamps: [], rows: [] };
    for (const [t, value] of [...points].sort((a, b) => a[0] - b[0])) {
      const util = context?.get(t);
      if (util === undefined || !Number.isFinite(value) || !Number.isFinite(util)) continue;
      history.timestamps.push(t);
      history.rows.push(gpuFeatureRow(value, util));
    }
    histories.push(history);
  }
  return histories;
}

/** Every GPU metric's history over [start, end] at `step`, read in chunks the range API accepts. */
export async function readHistories(prometheus: PrometheusClient, startSec: number, endSec: number, stepSec: number, signal: AbortSignal): Promise<GpuHistory[]> {
  const utilization = await prometheus.queryRange(perGpu(UTILIZATION.series), startSec, endSec, stepSec, signal);
  const out: GpuHistory[] = [];
  for (const metric of GPU_METRICS) {
    out.push(...joinHistories(metric, await prometheus.queryRange(perGpu(metric.series), startSec, endSec, stepSec, signal), utilization));
  }
  return out;
}

/** The latest observation of every GPU metric (instant queries at `timeSec`), as one-row histories. */
export async function readLatest(prometheus: PrometheusClient, timeSec: number, signal: AbortSignal): Promise<GpuHistory[]> {
  const utilization = await prometheus.query(perGpu(UTILIZATION.series), timeSec, signal);
  const out: GpuHistory[] = [];
  for (const metric of GPU_METRICS) {
    out.push(...joinHistories(metric, await prometheus.query(perGpu(metric.series), timeSec, signal), utilization));
  }
  return out;
}
