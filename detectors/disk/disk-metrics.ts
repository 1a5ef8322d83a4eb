import { Gauge, type Registry } from 'prom-client';
import { AnomalyGauges } from '../runtime/anomaly-gauges.js';
import type { DeviceIoScore } from './device-io-models.js';
import type { FilesystemHistory } from './disk-queries.js';
import type { FillForecast } from './fill-forecast.js';

const DETECTOR = 'disk';
const SECONDS_PER_DAY = 86_400;
/** The forest scores the three I/O rates together, so there is one score per disk. */
const IO_METRIC = 'io';

/**
 * The disk detector's series, replaced whole every cycle. `node` is the node the filesystem is on (the
 * Kubernetes node name where the scrape jobs attach it, else node-exporter's instance): the `instance` of our
 * own series is the detector's address.
 */
export class DiskMetrics {
  private readonly daysUntilFull: Gauge<'node' | 'device' | 'mountpoint'>;
  private readonly fillRate: Gauge<'node' | 'device' | 'mountpoint'>;
  private readonly scores: AnomalyGauges<'detector' | 'metric' | 'node' | 'device'>;
  private readonly modelAge: Gauge<'detector' | 'metric'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const fsLabels = ['node', 'device', 'mountpoint'] as const;
    this.daysUntilFull = new Gauge({
      name: 'odin_disk_days_until_full',
      help: 'Days until the filesystem is full at the fill rate since its last large deletion; +Inf when it is not filling, absent with too few samples since the last deletion.',
      labelNames: fsLabels, registers,
    });
    this.fillRate = new Gauge({ name: 'odin_disk_fill_rate_bytes_per_second', help: 'Rate at which the filesystem fills (negative while it is freed).', labelNames: fsLabels, registers });
    this.scores = new AnomalyGauges(registry, ['detector', 'metric', 'node', 'device'], 'I/O anomaly of a disk (I/O time and read/write throughput together).');
    this.modelAge = new Gauge({ name: 'odin_model_age_seconds', help: 'Age of the I/O models the scores come from.', labelNames: ['detector', 'metric'], registers });
  }

  setForecasts(forecasts: ReadonlyArray<{ fs: FilesystemHistory; forecast: FillForecast }>): void {
    this.daysUntilFull.reset();
    this.fillRate.reset();
    for (const { fs, forecast } of forecasts) {
      const labels = { node: fs.node, device: fs.device, mountpoint: fs.mountpoint };
      this.daysUntilFull.set(labels, forecast.secondsUntilFull / SECONDS_PER_DAY);
      this.fillRate.set(labels, forecast.fillRateBytesPerSec);
    }
  }

  setIoScores(scores: ReadonlyArray<DeviceIoScore & { node: string; device: string }>, modelAgeSec: number | undefined): void {
    this.scores.reset();
    for (const s of scores) this.scores.set({ detector: DETECTOR, metric: IO_METRIC, node: s.node, device: s.device }, s.score, s.rates);
    if (modelAgeSec !== undefined) this.modelAge.set({ detector: DETECTOR, metric: IO_METRIC }, modelAgeSec);
  }
}
