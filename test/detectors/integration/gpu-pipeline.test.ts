/**
 * The GPU pipeline end to end on real parts: the detector program in gpu-exporter mode runs a stand-in nvidia-smi
 * (found on its PATH) that replays the real H100 trace; Debian's Prometheus scrapes it and the GPU detector; the
 * GPU detector trains from Prometheus and scores. Then Prometheus goes away and comes back. Every part listens on a
 * port the kernel chose. How quickly the scores follow is asserted in detection cycles, counted by a wrapper around
 * the mode's cycle, not in wall-clock time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FileModelStore } from '../../../detectors/models/store.js';
import { GpuMode, parseGpuSettings } from '../../../detectors/modes/gpu.js';
import { UtilizationModel } from '../../../detectors/gpu/utilization-model.js';
import { AnomalyModel } from '../../../detectors/scoring/anomaly-model.js';
import { loadConfig } from '../../../detectors/runtime/config.js';
import { startDetector, type RunningDetector } from '../../../detectors/runtime/lifecycle.js';
import { DetectorProcess, get, sampleValue } from '../helpers/detector-process.js';
import { installNvidiaSmiStandIn } from '../helpers/nvidia-smi-stand-in.js';
import { eventually } from '../helpers/wait-for.js';
import { TestPrometheus } from '../helpers/prometheus.js';

const CYCLE_SEC = 1;
const dir = mkdtempSync(join(tmpdir(), 'odin-gpu-pipeline-'));
const control = join(dir, 'phase');
let exporter: DetectorProcess | undefined;
let prometheus: TestPrometheus | undefined;
let detector: RunningDetector | undefined;
let detectorPort = 0;

/** One detection cycle, once over: whether it started after the full-load replay reached Prometheus, and what it exported. */
interface CycleRecord {
  readonly afterFullLoad: boolean;
  /** odin_anomaly_score, odin_anomaly_value, odin_anomaly_direction and the band's bounds of the power series. */
  readonly power: number | undefined;
  readonly value: number | undefined;
  readonly direction: number | undefined;
  readonly lower: number | undefined;
  readonly upper: number | undefined;
}
const cycles: CycleRecord[] = [];
let fullLoadInPrometheus = false;

/** The GPU mode, its cycles recorded in `cycles` as they complete. */
function recordedGpuMode(): GpuMode {
  const mode = new GpuMode(parseGpuSettings({ minTrainRows: 40, untrainedRetrySec: 1 }));
  const cycle = mode.cycle.bind(mode);
  mode.cycle = async (ctx, signal) => {
    const afterFullLoad = fullLoadInPrometheus;
    try {
      await cycle(ctx, signal);
    } finally {
      const text = await ctx.registry.metrics();
      const bound = (name: string) => sampleValue(text, 'odin_anomaly_expected', `metric="power",gpu="0",uuid="${UUID}",bound="${name}"`);
      cycles.push({
        afterFullLoad,
        power: sampleValue(text, 'odin_anomaly_score', 'metric="power"'),
        value: sampleValue(text, 'odin_anomaly_value', 'metric="power"'),
        direction: sampleValue(text, 'odin_anomaly_direction', 'metric="power"'),
        lower: bound('lower'),
        upper: bound('upper'),
      });
    }
  };
  return mode;
}

async function detectorMetrics(): Promise<string> {
  return (await get(detectorPort, '/metrics')).body;
}

const UUID = 'GPU-43a7f799-2500-c36a-0b00-3ac474b70b28';
const modelsDir = join(dir, 'models');

beforeAll(async () => {
  // The GPU at rest (the trace's first idle phase): later idle phases cool down after a load, which a model of the
  // first 40 rows has not seen.
  writeFileSync(control, 'idle 1\n');
  // Models left from an earlier run: junk for power; for temperature, a sound file of the model an earlier ODIN
  // stored (a forest over [value, utilisation]), just saved, which this one must not take for its own.
  mkdirSync(modelsDir);
  writeFileSync(join(modelsDir, `gpu-${UUID}-power.json`), '\u0000\u0007 not json');
  const now = Date.now() / 1000;
  const earlier = AnomalyModel.fit([now - 2, now - 1, now], [[40, 0], [41, 0], [40, 1]], now, { rangeGuardedColumns: 1 });
  const key = `gpu-${UUID}-temperature`;
  writeFileSync(join(modelsDir, `${key}.json`), JSON.stringify({ format: 'odin.model', version: 1, key, savedAt: new Date().toISOString(), model: earlier.toJSON() }));
  exporter = await DetectorProcess.start('gpu-exporter', {
    ODIN_REPLAY_CONTROL: control,
    PATH: `${installNvidiaSmiStandIn(dir)}:${process.env.PATH}`,
  });
  // The detector's target joins once it listens: it needs Prometheus' address first.
  prometheus = await TestPrometheus.start([{ name: 'gpu-exporter', targets: [`127.0.0.1:${exporter.port}`] }, { name: 'gpu-detector', targets: [] }], 0.5);
  const config = loadConfig('gpu', {
    ODIN_PORT: '0',
    ODIN_LISTEN_HOST: '127.0.0.1',
    ODIN_PROMETHEUS_URL: prometheus.url,
    ODIN_MODELS_DIR: modelsDir,
    ODIN_CYCLE_INTERVAL_SEC: String(CYCLE_SEC),
    // Retraining waits an hour: the model must come from the quiet period only, via the retry for untrained GPUs.
    ODIN_TRAIN_INTERVAL_SEC: '3600',
    ODIN_TRAIN_WINDOW_SEC: '3600',
    ODIN_SCRAPE_STEP_SEC: '0.5',
    ODIN_LOG_LEVEL: 'warn',
  });
  const logs: string[] = [];
  detector = await startDetector(config, recordedGpuMode(), {
    logSink: { write: (line: string) => logs.push(line) },
    prometheusTimeoutMs: 1000,
  });
  detectorPort = detector.port;
  prometheus.setTargets('gpu-detector', [`127.0.0.1:${detectorPort}`]);
});

afterAll(async () => {
  await detector?.stop();
  await exporter?.kill();
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('GPU pipeline with a real Prometheus', () => {
  test('trains on the quiet replay, scores it as normal, then scores full load above the threshold within two cycles', async () => {
    const trained = await eventually('models for temperature and power', 40_000, async () => {
      const text = await detectorMetrics();
      const ages = ['temperature', 'power'].map((metric) => sampleValue(text, 'odin_model_age_seconds', `metric="${metric}"`));
      return ages.every((a) => a !== undefined) ? text : undefined;
    });
    // The quiet replay is what the model learned: calibrated so that 95% of such points score under 90.
    const trainedAt = cycles.length;
    await eventually('three cycles on the trained model', 20_000, async () => (cycles.length >= trainedAt + 3 ? true : undefined));
    // Not flagged means a score of at most 90 (odin_anomaly is 1 above it); a model of a few dozen rows puts the edge
    // of what it saw at exactly 90.
    const quietScores = cycles.slice(trainedAt).map((c) => c.power!);
    expect(quietScores.filter((s) => s <= 90).length, `quiet scores ${quietScores}`).toBeGreaterThanOrEqual(quietScores.length - 1);
    // The damaged and the outdated file were reported, counted, and replaced by the retrained models.
    expect(sampleValue(trained, 'odin_model_load_failures_total', 'reason="corrupt"')).toBe(1);
    expect(sampleValue(trained, 'odin_model_load_failures_total', 'reason="invalid"')).toBe(1);
    const store = new FileModelStore({ dir: modelsDir, log: detector!.log });
    for (const metric of ['power', 'temperature']) {
      expect(await store.load(`gpu-${UUID}-${metric}`, (raw) => UtilizationModel.fromJSON(raw))).toBeInstanceOf(UtilizationModel);
    }

    writeFileSync(control, 'full_load\n');
    await eventually('a full-load sample in Prometheus', 10_000, async () => {
      const values = await prometheus!.values('nvidia_gpu_power_draw_watts > 300', 'gpu');
      return values['0'];
    });
    fullLoadInPrometheus = true;
    // THEN of the first two cycles that start once full load is in Prometheus, one scores it above 90
    const firstTwo = await eventually('two cycles after full load', 30_000, async () => {
      const after = cycles.filter((c) => c.afterFullLoad);
      return after.length >= 2 ? after.slice(0, 2) : undefined;
    });
    const flagged = firstTwo.find((c) => c.power! > 90);
    expect(flagged, `scores ${firstTwo.map((c) => c.power)}`).toBeDefined();
    expect(sampleValue(await detectorMetrics(), 'odin_anomaly', 'metric="power"')).toBe(1);
    // What the model expected: the power drawn is above the band learned in the quiet period, and says so.
    expect(flagged!.value).toBeGreaterThan(300);
    expect(flagged!.upper).toBeLessThan(flagged!.value!);
    expect(flagged!.lower).toBeLessThan(flagged!.upper!);
    expect(flagged!.direction).toBe(1);
    // Prometheus scrapes the score too.
    const scraped = await eventually('the score in Prometheus', 5000, async () => (await prometheus!.values('odin_anomaly_score{detector="gpu",metric="power"} > 90', 'gpu'))['0']);
    expect(scraped).toBeGreaterThan(90);
    // The GPU at rest (the trace's first idle phase): later idle phases cool down after a load, which a model of the
  // first 40 rows has not seen.
  writeFileSync(control, 'idle 1\n');
  });

  test('rides out a Prometheus outage: stays up, turns unready, counts errors, recovers', async () => {
    const before = sampleValue(await detectorMetrics(), 'odin_detector_errors_total', 'kind="prometheus_unreachable"') ?? 0;
    await prometheus!.pause();
    await eventually('/ready to fail', 5000, async () => ((await get(detectorPort, '/ready')).status === 503 ? true : undefined));
    // WHEN two cycles have run into the outage
    const outageStart = cycles.length;
    await eventually('two cycles in the outage', 20_000, async () => (cycles.length >= outageStart + 2 ? true : undefined));
    expect((await get(detectorPort, '/healthz')).status).toBe(200);
    const text = await detectorMetrics();
    expect(sampleValue(text, 'odin_detector_errors_total', 'kind="prometheus_unreachable"')).toBeGreaterThan(before);
    expect(sampleValue(text, 'odin_detector_errors_total', 'kind="cycle"')).toBeGreaterThan(0);
    const health = JSON.parse((await get(detectorPort, '/health')).body);
    expect(health).toMatchObject({ healthy: false, ready: false, alive: true, prometheus: { used: true, reachable: false } });
    expect(health.recentErrors.length).toBeGreaterThan(0);

    const outageEnded = Date.now();
    await prometheus!.resume();
    await eventually('/ready to recover', 10_000, async () => ((await get(detectorPort, '/ready')).status === 200 ? true : undefined));
    const recovered = await eventually('a successful cycle after the outage', 10_000, async () => {
      const report = JSON.parse((await get(detectorPort, '/health')).body);
      return Date.parse(report.lastSuccessfulCycle) > outageEnded ? report : undefined;
    });
    expect(recovered).toMatchObject({ healthy: true, prometheus: { reachable: true } });
  });
});
