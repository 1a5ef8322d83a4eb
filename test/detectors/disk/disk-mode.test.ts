import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDiskMode } from '../../../detectors/modes/disk.js';
import type { DetectorConfig } from '../../../detectors/runtime/config.js';
import { startDetector } from '../../../detectors/runtime/lifecycle.js';
import { health, samplesOf } from '../pod/detector-http.js';
import { REFUSED_PORT, TestPrometheus } from '../helpers/prometheus.js';
import { TextExporter } from '../pod/text-exporter.js';
import { HTTP_POLL_MS, waitFor } from '../helpers/wait-for.js';

const GB = 1e9;
const SIZE = 100 * GB;
const FILL_BYTES_PER_SEC = 50e6;
const START_AVAIL = 60 * GB;
const FREED_BYTES = 10 * GB;
const STARTED_SEC = Date.now() / 1000;
/** Set by the test: from then on, a cleanup has freed FREED_BYTES on the root filesystem. */
let cleanedUpAtSec: number | undefined;
/** Set by the test: from then on, the disk is busy; it was idle while its I/O model trained at start. */
let ioBusyFromSec: number | undefined;

/** Free bytes of the filling root filesystem at `tSec`. */
function rootAvail(tSec: number): number {
  return START_AVAIL - FILL_BYTES_PER_SEC * (tSec - STARTED_SEC) + (cleanedUpAtSec !== undefined && tSec >= cleanedUpAtSec ? FREED_BYTES : 0);
}

/** Seconds the disk has been busy at `tSec`. */
function busySeconds(tSec: number): number {
  return ioBusyFromSec !== undefined && tSec > ioBusyFromSec ? tSec - ioBusyFromSec : 0;
}

/** node-exporter's filesystem and disk series: a filling root, a flat /boot, a fast-filling tmpfs that must be ignored. */
function exposition(): string {
  const t = Date.now() / 1000;
  const elapsed = t - STARTED_SEC;
  const busy = busySeconds(t);
  const fs = (device: string, mountpoint: string, fstype: string, size: number, avail: number, extra = '') => [
    `node_filesystem_size_bytes{device="${device}",fstype="${fstype}",mountpoint="${mountpoint}"${extra}} ${size}`,
    `node_filesystem_avail_bytes{device="${device}",fstype="${fstype}",mountpoint="${mountpoint}"${extra}} ${avail}`,
  ];
  return [
    ...fs('/dev/nvme0n1p2', '/', 'ext4', SIZE, rootAvail(t)),
    // As the stack's scrape jobs label it: the Kubernetes node name, which the detector reports instead of the instance.
    ...fs('/dev/nvme0n1p1', '/boot', 'vfat', 0.5 * GB, 0.3 * GB, ',node="gpu-box"'),
    ...fs('tmpfs', '/run', 'tmpfs', 1 * GB, Math.max(0, 1 * GB - 1e8 * elapsed)),
    `node_disk_io_time_seconds_total{device="nvme0n1"} ${0.5 * busy}`,
    `node_disk_read_bytes_total{device="nvme0n1"} ${20e6 * busy}`,
    `node_disk_written_bytes_total{device="nvme0n1"} ${FILL_BYTES_PER_SEC * busy}`,
    '',
  ].join('\n');
}

function config(overrides: Partial<DetectorConfig>): DetectorConfig {
  return {
    mode: 'disk', port: 0, listenHost: '127.0.0.1', prometheusUrl: 'http://127.0.0.1:1', modelsDir: join(tempDir, 'models'),
    nvidiaSmi: 'nvidia-smi', procDir: '/proc', hostRoot: '/', nodeName: 'test', logLevel: 'info',
    cycleIntervalSec: 1, trainIntervalSec: 3600, trainWindowSec: 60, anomalyShare: 0.05, scrapeStepSec: 1,
    // Retrained each second while the disk has fewer than 16 rows: the start may find only two.
    settings: { forecastWindowSec: 60, forecastStepSec: 1, rateWindow: '5s', minTrainRows: 16, untrainedRetrySec: 1 },
    ...overrides,
  };
}

const tempDir = mkdtempSync(join(tmpdir(), 'odin-disk-mode-'));
const exporter = new TextExporter(exposition);
let prometheus: TestPrometheus;
const quiet = { logSink: { write: () => true } };

beforeAll(async () => {
  const target = await exporter.listen();
  prometheus = await TestPrometheus.start([{ name: 'test', targets: [target] }]);
  await prometheus.waitForTargetsUp(1);
  // A few scrapes, so that the I/O model trained at start has rates to learn from.
  await new Promise((resolve) => setTimeout(resolve, 3000));
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter.close();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('disk mode on the runtime, with a real Prometheus scraping a filling filesystem', () => {
  test('forecasts the time to full within 10% after a cleanup, and scores an idle disk as normal and a busy one as anomalous', async () => {
    // GIVEN a root filesystem filling at 50 MB/s, which a cleanup then frees by 10 GB
    cleanedUpAtSec = Date.now() / 1000;
    const detector = await startDetector(config({ prometheusUrl: prometheus.url }), createDiskMode(config({})), quiet);
    try {
      // WHEN the forecast has six samples after the cleanup
      await new Promise((resolve) => setTimeout(resolve, 6500));
      await waitFor(async () => (await samplesOf(detector.port, 'odin_disk_days_until_full')).some((v) => v.labels.mountpoint === '/'), 10_000, 'a forecast for /', HTTP_POLL_MS);
      // THEN the time to full is the free space over the fill rate, the deletion notwithstanding
      const root = (await samplesOf(detector.port, 'odin_disk_days_until_full')).find((v) => v.labels.mountpoint === '/')!;
      const trueSecondsToFull = rootAvail(Date.now() / 1000) / FILL_BYTES_PER_SEC;
      expect(Math.abs(root.value * 86_400 - trueSecondsToFull) / trueSecondsToFull).toBeLessThan(0.1);
      expect(root.labels).toMatchObject({ device: '/dev/nvme0n1p2', node: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
      const rate = (await samplesOf(detector.port, 'odin_disk_fill_rate_bytes_per_second')).find((v) => v.labels.mountpoint === '/')!;
      expect(Math.abs(rate.value - FILL_BYTES_PER_SEC) / FILL_BYTES_PER_SEC).toBeLessThan(0.1);
      // AND a flat filesystem never fills, and tmpfs is not a disk
      const days = await samplesOf(detector.port, 'odin_disk_days_until_full');
      expect(days.find((v) => v.labels.mountpoint === '/boot')).toMatchObject({ value: Infinity, labels: { node: 'gpu-box' } });
      expect(days.some((v) => v.labels.mountpoint === '/run')).toBe(false);
      // AND the idle disk the I/O model trained on at start scores as normal
      const ioOf = async (name: string) => (await samplesOf(detector.port, name)).find((v) => v.labels.device === 'nvme0n1');
      expect((await ioOf('odin_anomaly_score'))?.labels).toMatchObject({ detector: 'disk', metric: 'io' });
      expect((await ioOf('odin_anomaly_score'))?.value).toBeLessThan(90);
      expect((await ioOf('odin_anomaly'))?.value).toBe(0);
      // AND each of its three rates comes with its value and, when some value of it is normal, its band
      const rates = (await samplesOf(detector.port, 'odin_anomaly_value')).filter((v) => v.labels.device === 'nvme0n1');
      expect(rates.map((r) => r.labels.feature).sort()).toEqual(['io_time', 'read_bytes', 'written_bytes']);
      for (const rate of rates) {
        const bounds = (await samplesOf(detector.port, 'odin_anomaly_expected', { device: 'nvme0n1', feature: rate.labels.feature! }));
        if (bounds.length === 0) continue;
        const bound = (name: string) => bounds.find((b) => b.labels.bound === name)!.value;
        expect(bound('lower')).toBeLessThanOrEqual(bound('expected'));
        expect(bound('expected')).toBeLessThanOrEqual(bound('upper'));
        const direction = (await samplesOf(detector.port, 'odin_anomaly_direction', { device: 'nvme0n1', feature: rate.labels.feature! }))[0].value;
        expect(direction).toBe(rate.value > bound('upper') ? 1 : rate.value < bound('lower') ? -1 : 0);
      }
      expect((await samplesOf(detector.port, 'odin_model_age_seconds'))[0]?.value).toBeGreaterThan(0);
      // WHEN the disk gets busy THEN its I/O scores above the threshold and is flagged
      ioBusyFromSec = Date.now() / 1000;
      await waitFor(async () => ((await ioOf('odin_anomaly_score'))?.value ?? 0) > 90, 20_000, 'an I/O score above 90', HTTP_POLL_MS);
      expect((await ioOf('odin_anomaly'))?.value).toBe(1);
    } finally {
      await detector.stop();
    }
  });

  test('with Prometheus unreachable it keeps running and counts each failed part', async () => {
    const detector = await startDetector(config({ prometheusUrl: `http://127.0.0.1:${REFUSED_PORT}` }), createDiskMode(config({})), quiet);
    try {
      const errors = async (kind: string) => (await samplesOf(detector.port, 'odin_detector_errors_total')).find((v) => v.labels.kind === kind)?.value ?? 0;
      await waitFor(async () => (await errors('cycle')) >= 2 && (await errors('forecast_failed')) >= 2 && (await errors('io_failed')) >= 2, 15_000, 'counted failures', HTTP_POLL_MS);
      expect(await health(detector.port)).toMatchObject({ alive: true, ready: false, prometheus: { reachable: false } });
      expect(await errors('prometheus_unreachable')).toBeGreaterThan(0);
    } finally {
      await detector.stop();
    }
  });
});
