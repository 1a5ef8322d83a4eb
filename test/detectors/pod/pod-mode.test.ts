import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPodMode } from '../../../detectors/modes/pod.js';
import type { DetectorConfig } from '../../../detectors/runtime/config.js';
import { startDetector } from '../../../detectors/runtime/lifecycle.js';
import { health, isReady, metricValue, samplesOf } from './detector-http.js';
import { KubeApiReplay, k8sFixture } from './kube-api-replay.js';
import { REFUSED_PORT, TestPrometheus } from '../helpers/prometheus.js';
import { TextExporter } from './text-exporter.js';
import { HTTP_POLL_MS, waitFor } from '../helpers/wait-for.js';

const MiB = 2 ** 20;
const SHOP_PODS = ['api-0', 'api-1', 'api-2', 'api-3', 'api-4', 'api-hog'];
const STARTED_SEC = Date.now() / 1000;
/** Flipped by the test after the detector has trained: api-hog then uses 3 GiB and 2 cores. */
let hogging = false;

/** cAdvisor and kube-state-metrics series for the `shop` pods, as those exporters write them. */
function exposition(): string {
  const elapsed = Date.now() / 1000 - STARTED_SEC;
  const lines: string[] = [];
  SHOP_PODS.forEach((pod, i) => {
    const hog = hogging && pod === 'api-hog';
    const c = `namespace="shop",pod="${pod}",container="api"`;
    lines.push(
      `container_cpu_usage_seconds_total{${c}} ${(hog ? 2 : 0.1 + 0.02 * i) * elapsed}`,
      // The pod-level cgroup (container="") repeats the containers' sum: the detector must not count it twice.
      `container_cpu_usage_seconds_total{namespace="shop",pod="${pod}",container=""} ${(0.1 + 0.02 * i) * elapsed}`,
      `container_memory_working_set_bytes{${c}} ${hog ? 3072 * MiB : (200 + 10 * i + 5 * Math.sin(elapsed + i)) * MiB}`,
      `kube_pod_container_status_restarts_total{${c},uid="u${i}"} 0`,
      `kube_pod_status_ready_time{namespace="shop",pod="${pod}",uid="u${i}"} ${Math.floor(STARTED_SEC - 3600 * (i + 1))}`,
      `container_oom_events_total{${c}} 0`,
      `container_network_receive_errors_total{namespace="shop",pod="${pod}",interface="eth0"} 0`,
      `container_network_transmit_errors_total{namespace="shop",pod="${pod}",interface="eth0"} 0`,
    );
  });
  return `${lines.join('\n')}\n`;
}

function config(overrides: Partial<DetectorConfig>): DetectorConfig {
  return {
    mode: 'pod', port: 0, listenHost: '127.0.0.1', prometheusUrl: 'http://127.0.0.1:1', modelsDir: join(tempDir, 'models'),
    nvidiaSmi: 'nvidia-smi', procDir: '/proc', hostRoot: '/', nodeName: 'test', logLevel: 'info',
    cycleIntervalSec: 1, trainIntervalSec: 3600, trainWindowSec: 60, anomalyShare: 0.05, scrapeStepSec: 1, settings: {},
    ...overrides,
  };
}

/** Collects the detector's JSON log lines. */
function logCollector(): { lines: Array<Record<string, unknown>>; sink: { write(line: string): boolean } } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, sink: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) > 0 } };
}


const tempDir = mkdtempSync(join(tmpdir(), 'odin-pod-mode-'));
const exporter = new TextExporter(exposition);
const api = new KubeApiReplay({
  '/api/v1/pods': { lists: [k8sFixture('pod-list.json')], watches: [k8sFixture('pod-watch-1.jsonl')] },
  '/api/v1/events': { lists: [k8sFixture('event-list.json')], watches: [] },
});
let prometheus: TestPrometheus;
let kubeconfig: string;

beforeAll(async () => {
  const target = await exporter.listen();
  prometheus = await TestPrometheus.start([{ name: 'test', targets: [target] }]);
  await prometheus.waitForTargetsUp(1);
  kubeconfig = api.writeKubeconfig(tempDir, await api.listen());
  // A few more scrapes, so that rate() over the 5 s window and the training window have points.
  await new Promise((resolve) => setTimeout(resolve, 3000));
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter.close();
  await api.close();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('pod mode on the runtime, with a real Prometheus and a replayed Kubernetes API', () => {
  test('reports crash loops and OOM kills from the API and scores a pod that leaves its namespace baseline', async () => {
    // GIVEN the detector trained on the shop namespace while all its pods behave alike
    const settings = { kubeconfig, rateWindow: '5s', trainStepSec: 1, oomWindowSec: 10 * 365 * 86_400 };
    const logs = logCollector();
    const detector = await startDetector(config({ prometheusUrl: prometheus.url, settings }), createPodMode(config({ settings })), { logSink: logs.sink });
    try {
      await waitFor(async () => (await health(detector.port)).lastSuccessfulCycle !== null, 20_000, 'a successful cycle', HTTP_POLL_MS);
      // THEN the baselines were trained from Prometheus, one range query per namespace
      expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'trained pod baselines', metric: 'memory_working_set_bytes', namespaces: 1 }));
      // AND container states come straight from the API (the OOM kill arrived through the watch)
      expect(await metricValue(detector.port, 'odin_pod_status_anomaly', { namespace: 'shop', pod: 'api-5f6d8c7b9-x2k4p', reason: 'CrashLoopBackOff' })).toBe(1);
      expect(await metricValue(detector.port, 'odin_pod_status_anomaly', { namespace: 'ml', pod: 'trainer-0', reason: 'OOMKilled' })).toBe(1);
      expect((await health(detector.port)).kubernetes).toMatchObject({ used: true, reachable: true });
      // AND the log carries the evidence: the container, its restarts and the pod's last Warning event
      expect(logs.lines).toContainEqual(expect.objectContaining({
        msg: 'pod status anomaly', pod: 'api-5f6d8c7b9-x2k4p', container: 'api', restartCount: 7,
        lastWarningEvent: expect.objectContaining({ reason: 'BackOff' }),
      }));
      // AND the pods are scored per metric, all six metrics from one query each: api-1, in the middle of its alike
      // peers on every metric, is normal on each
      const memoryOf = (pod: string) => metricValue(detector.port, 'odin_anomaly_score', { detector: 'pod', metric: 'memory_working_set_bytes', pod });
      expect(await memoryOf('api-0')).toBeLessThan(90);
      for (const metric of ['memory_working_set_bytes', 'cpu_usage_rate', 'restarts_1h', 'seconds_since_ready', 'oom_events', 'network_errors_rate']) {
        expect(await metricValue(detector.port, 'odin_anomaly_score', { metric, pod: 'api-1' }), metric).toBeLessThan(90);
        expect(await metricValue(detector.port, 'odin_anomaly', { metric, pod: 'api-1' }), metric).toBe(0);
      }
      // WHEN one pod starts using 15 times the memory and 20 times the CPU of its peers
      hogging = true;
      // THEN its scores cross the threshold, and its peers' do not
      const hogScore = async (metric: string) => (await metricValue(detector.port, 'odin_anomaly_score', { metric, pod: 'api-hog' })) ?? 0;
      await waitFor(async () => (await hogScore('memory_working_set_bytes')) > 90 && (await hogScore('cpu_usage_rate')) > 90, 20_000, 'the hog\'s scores above 90', HTTP_POLL_MS);
      expect(await metricValue(detector.port, 'odin_anomaly', { metric: 'memory_working_set_bytes', pod: 'api-hog' })).toBe(1);
      // AND the hog's memory is above its namespace's expected range (one band per namespace, its pod label
      // empty), which holds its peers' memory
      const memory = { metric: 'memory_working_set_bytes', namespace: 'shop' };
      const bands = await samplesOf(detector.port, 'odin_anomaly_expected', memory);
      expect(bands.map((b) => [b.labels.pod, b.labels.bound]).sort()).toEqual([['', 'expected'], ['', 'lower'], ['', 'upper']]);
      const bound = (name: string) => bands.find((b) => b.labels.bound === name)!.value;
      const hogMemory = (await metricValue(detector.port, 'odin_anomaly_value', { ...memory, pod: 'api-hog' }))!;
      expect(bound('upper')).toBeLessThan(hogMemory);
      expect(await metricValue(detector.port, 'odin_anomaly_direction', { ...memory, pod: 'api-hog' })).toBe(1);
      const peerMemory = (await metricValue(detector.port, 'odin_anomaly_value', { ...memory, pod: 'api-2' }))!;
      expect(bound('lower')).toBeLessThanOrEqual(peerMemory);
      expect(bound('upper')).toBeGreaterThanOrEqual(peerMemory);
      expect(await metricValue(detector.port, 'odin_anomaly_direction', { ...memory, pod: 'api-2' })).toBe(0);
      expect(await memoryOf('api-2')).toBeLessThan(90);
    } finally {
      hogging = false;
      await detector.stop();
    }
  });

  test('with the Kubernetes API and Prometheus unreachable it keeps running, counts and reports both', async () => {
    // GIVEN nothing listening where the API server and Prometheus should be
    const deadApi = new KubeApiReplay({});
    const deadKubeconfig = deadApi.writeKubeconfig(mkdtempSync(join(tempDir, 'dead-')), REFUSED_PORT);
    const settings = { kubeconfig: deadKubeconfig, reconnectInitialMs: 50, reconnectMaxMs: 200 };
    const deadPrometheus = `http://127.0.0.1:${REFUSED_PORT}`;
    const logs = logCollector();
    const detector = await startDetector(config({ prometheusUrl: deadPrometheus, settings }), createPodMode(config({ settings })), { logSink: logs.sink });
    try {
      // WHEN a few cycles run
      await waitFor(async () => ((await metricValue(detector.port, 'odin_detector_errors_total', { kind: 'kubernetes' })) ?? 0) >= 3
        && ((await metricValue(detector.port, 'odin_detector_errors_total', { kind: 'cycle' })) ?? 0) >= 2, 20_000, 'counted failures', HTTP_POLL_MS);
      // THEN /health shows both down, and the process is still serving
      const report = await health(detector.port);
      expect(report.kubernetes).toMatchObject({ used: true, reachable: false, lastError: expect.stringMatching(/ECONNREFUSED/) });
      expect(report.prometheus.reachable).toBe(false);
      expect(report.alive).toBe(true);
      expect(await isReady(detector.port)).toBe(false);
      expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'kubernetes API request failed; retrying' }));
    } finally {
      await detector.stop();
    }
  });
});
