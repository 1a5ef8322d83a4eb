/**
 * A first start of the disk detector, on a controlled clock, against Debian's Prometheus serving an hour of a
 * disk's recorded I/O counters (promtool-built blocks) of which the detector has seen only the first minute when it
 * starts. The schedule trains once an hour; while the disk's model is immature, cycles train again sooner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DiskDetector } from '../../../detectors/disk/disk-detector.js';
import { parseDiskSettings } from '../../../detectors/disk/disk-settings.js';
import { FileModelStore } from '../../../detectors/models/store.js';
import { createLogger } from '../../../detectors/runtime/logger.js';
import type { ModeContext } from '../../../detectors/runtime/mode.js';
import { HttpPrometheusClient } from '../../../detectors/runtime/prometheus-client.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import { sampleValue } from '../helpers/detector-process.js';
import { ioRow } from '../helpers/disk-io-history.js';
import type { TestPrometheus } from '../helpers/prometheus.js';
import { openMetricsText, prometheusServing, type GaugeSample } from '../helpers/tsdb-blocks.js';

const STEP_SEC = 15;
/** Yesterday 00:00 UTC: the disk's counters start here, and the detector first starts a minute later. */
const DATA_START_SEC = Math.floor(Date.now() / 1000 / 86_400) * 86_400 - 86_400;
const FIRST_START_SEC = DATA_START_SEC + 60;
const LABELS = { instance: 'node-a:9100', device: 'sda' };
const dir = mkdtempSync(join(tmpdir(), 'odin-disk-retraining-'));
let prometheus: TestPrometheus;

/** node-exporter's three counters over two hours: each scrape adds its rates × 15 s (steady, jittery I/O). */
function counters(): Map<string, GaugeSample[]> {
  const names = ['node_disk_io_time_seconds_total', 'node_disk_read_bytes_total', 'node_disk_written_bytes_total'];
  const families = new Map(names.map((n) => [n, [] as GaugeSample[]]));
  const random = mulberry32(12);
  const totals = [0, 0, 0];
  for (let t = DATA_START_SEC; t <= DATA_START_SEC + 2 * 3600; t += STEP_SEC) {
    const { values } = ioRow(t, random, { daily: false, jitter: 0.3 });
    names.forEach((name, i) => {
      totals[i] += values[i] * STEP_SEC;
      families.get(name)!.push({ labels: LABELS, value: totals[i], timestampSec: t });
    });
  }
  return families;
}

beforeAll(async () => {
  prometheus = await prometheusServing(openMetricsText(counters()));
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the disk detector\'s first start with a minute of history', () => {
  test('scores with robust statistics, trains again every retry interval until the disk has enough rows, then waits for the schedule', async () => {
    let nowSec = FIRST_START_SEC;
    const log = createLogger({ level: 'error', sink: { write: () => true } });
    const registry = new Registry();
    const ctx: ModeContext = {
      registry, log, prometheus: new HttpPrometheusClient({ url: prometheus.url }),
      models: new FileModelStore({ dir, log }), settings: {}, anomalyShare: 0.05,
      trainWindowSec: 7 * 86_400, scrapeStepSec: STEP_SEC, trainIntervalSec: 3600, now: () => nowSec,
    };
    // Defaults but for the rate window, which a minute of history must fill: a forest from 120 rows, retried every 600 s.
    const settings = parseDiskSettings({ rateWindow: '1m' }, STEP_SEC);
    expect(settings).toMatchObject({ minTrainRows: 120, untrainedRetrySec: 600 });
    const detector = new DiskDetector(settings);
    const signal = new AbortController().signal;
    await detector.start(ctx);
    await detector.train(ctx, signal);

    // WHEN cycles run every 5 minutes for the first 55 minutes, no scheduled training in between
    const seen: Array<{ minute: number; score: number | undefined; modelAgeSec: number | undefined }> = [];
    for (let minute = 0; minute < 55; minute += 5) {
      nowSec = FIRST_START_SEC + 60 * minute + 1;
      await detector.cycle(ctx, signal);
      const text = await registry.metrics();
      seen.push({ minute, score: sampleValue(text, 'odin_anomaly_score', 'device="sda"'), modelAgeSec: sampleValue(text, 'odin_model_age_seconds', 'detector="disk"') });
    }
    // THEN the disk is scored from the first cycle, by scores that follow its I/O rather than one constant
    expect(seen.every((s) => s.score !== undefined)).toBe(true);
    expect(new Set(seen.map((s) => s.score)).size).toBeGreaterThan(5);
    // AND the model was retrained every 10 minutes (its age fell back) until 120 rows (30 minutes) were in the window,
    // and not after: from then on its age grows towards the scheduled training
    const retrainedAt = seen.filter((s, i) => i > 0 && s.modelAgeSec! < seen[i - 1].modelAgeSec!).map((s) => s.minute);
    expect(retrainedAt).toEqual([10, 20, 30]);
    expect(seen.at(-1)!.modelAgeSec).toBeGreaterThanOrEqual(20 * 60);
  }, 60_000);
});
