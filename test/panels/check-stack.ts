/**
 * The stack the panel check queries: Debian's Prometheus 2.42 running the synthesized scrape jobs and rules, fed by
 * the real exporters that run here (node-exporter, Alertmanager, Prometheus itself, the detector image's GPU
 * exporter replaying the H100 trace, and the four detectors) and by recordings of those that cannot (cAdvisor,
 * kube-state-metrics, the kubelet, Loki, Promtail, Grafana, CoreDNS, and Claude Code's OTLP push). Everything
 * listens on 127.0.0.1 and is stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createMode } from '../../detectors/modes/index.js';
import { loadConfig } from '../../detectors/runtime/config.js';
import type { ModeName } from '../../detectors/runtime/mode.js';
import { startDetector, type RunningDetector } from '../../detectors/runtime/lifecycle.js';
import { Component, Severity } from '../../lib/prometheus/rules/index.js';
import { Manifest } from '../../lib/synth.js';
import { AlertmanagerServer } from '../alertmanager/alertmanager-server.js';
import { writeSynthesizedConfig } from '../alertmanager/synthesized-config.js';
import { installNvidiaSmiStandIn } from '../detectors/helpers/nvidia-smi-stand-in.js';
import { listeningPort } from '../detectors/helpers/listening-port.js';
import { fileDiscovery, TestPrometheus } from '../detectors/helpers/prometheus.js';
import { KubeApiReplay, k8sFixture } from '../detectors/pod/kube-api-replay.js';
import { fakeProc } from '../detectors/process/fake-proc.js';
import { findObject, podSpec } from '../helpers.js';
import { SUBQUERY_DEFAULT_STEP_SEC } from './check-items.js';
import { JobTarget, staticJobs } from './check-config.js';
import { ExpositionServer } from './exposition-server.js';

/** The node every target runs on, as discovery would name it (kube-state-metrics' golden pod1 runs on node1). */
export const CHECK_NODE = 'node1';
/** One scrape a second: rate windows of seconds have points within a few seconds of start. */
export const SCRAPE_INTERVAL_SEC = 1;
const RECORDINGS = join(import.meta.dirname, '../fixtures/expositions');

/** Jobs fed by a recording, by job name → recording. */
const RECORDED_JOBS: Record<string, string> = {
  kubelet: 'kubelet', loki: 'loki', promtail: 'promtail', grafana: 'grafana', cadvisor: 'cadvisor',
  'kube-state-metrics': 'kube-state-metrics', coredns: 'coredns',
};
/** Cycle of the process detector here: its first per-name scores come EARLY_ROWS cycles after it starts. */
const PROCESS_CYCLE_SEC = 0.2;
const DETECTOR_MODES: readonly ModeName[] = ['gpu-exporter', 'gpu', 'pod', 'process', 'disk'];

export interface CheckStack {
  readonly prometheus: TestPrometheus;
  stop(): Promise<void>;
}

/** Stops what `start` started, last first, even when one of them fails to stop. */
class Stoppers {
  private readonly all: Array<() => unknown> = [];
  add(stop: () => unknown): void {
    this.all.push(stop);
  }
  async stopAll(): Promise<void> {
    for (const stop of this.all.reverse()) await Promise.resolve().then(stop).catch(() => undefined);
  }
}

/** The synthesized rule files with every group evaluated each second (alerts' `for` stays as written). */
function ruleFiles(manifests: readonly Manifest[], dir: string): string[] {
  const data = (findObject(manifests, 'ConfigMap', 'prometheus-rules') as unknown as { data: Record<string, string> }).data;
  const files = Object.entries(data).map(([name, text]) => {
    const file = join(dir, name);
    const rules = parse(text) as { groups: Array<Record<string, unknown>> };
    writeFileSync(file, stringify({ groups: rules.groups.map((g) => ({ ...g, interval: `${SCRAPE_INTERVAL_SEC}s` })) }));
    return file;
  });
  return [...files, firingAlertsFile(data, dir)];
}

/**
 * Whether an alert fires depends on the cluster. So that the panels over ALERTS have something to show, one alert
 * fires from the start for each severity and component pair the rules use, with those labels.
 */
function firingAlertsFile(data: Record<string, string>, dir: string): string {
  const pairs = new Set(Object.values(data).flatMap((text) => (parse(text) as { groups: Array<{ rules: Array<{ labels?: Record<string, string> }> }> })
    .groups.flatMap((g) => g.rules).filter((r) => r.labels?.severity).map((r) => `${r.labels!.severity}/${r.labels!.component}`)));
  const rules = [...pairs].map((pair) => {
    const [severity, component] = pair.split('/') as [Severity, Component];
    return { alert: 'PanelCheckFiring', expr: 'vector(1)', labels: { severity, component }, annotations: { summary: 'panel check', description: pair } };
  });
  const file = join(dir, 'panel-check-firing.yaml');
  writeFileSync(file, stringify({ groups: [{ name: 'panel-check.firing', interval: `${SCRAPE_INTERVAL_SEC}s`, rules }] }));
  return file;
}

/**
 * Debian's node-exporter with the synthesized flags, the host root at / and a loopback port, without its basic-auth web
 * configuration (every check target is plain HTTP; test/access covers the auth).
 */
async function startNodeExporter(manifests: readonly Manifest[], stoppers: Stoppers): Promise<string> {
  const synthesized = podSpec(findObject(manifests, 'DaemonSet', 'node-exporter')).containers[0].args as string[];
  const args = synthesized.filter((a) => !a.startsWith('--web.config.file=')).map((a) => {
    if (a.startsWith('--path.rootfs=')) return '--path.rootfs=/';
    if (a.startsWith('--web.listen-address=')) return '--web.listen-address=127.0.0.1:0';
    return a;
  });
  const child: ChildProcess = spawn('prometheus-node-exporter', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  stoppers.add(() => child.exitCode === null && child.pid !== undefined && process.kill(child.pid));
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => { log = (log + chunk.toString()).slice(-2000); });
  return `127.0.0.1:${await listeningPort(child, 'node-exporter', () => log)}`;
}

/** Settings that compress the detectors' time: cycles each second, training every few seconds on what exists. */
function detectorSettings(dir: string, kubeconfig: string): string {
  const file = join(dir, 'detector.json');
  writeFileSync(file, JSON.stringify({
    cycleIntervalSec: 1, trainIntervalSec: 5, trainWindowSec: 600, scrapeStepSec: SCRAPE_INTERVAL_SEC,
    gpu: { minTrainRows: 16, untrainedRetrySec: 1 },
    pod: { kubeconfig, trainStepSec: 1 },
    disk: { forecastWindowSec: 600, forecastStepSec: 1 },
  }));
  return file;
}

/** Starts the detector image's modes in this process, each on a port the kernel chooses; returns the ports. */
async function startDetectors(prometheusUrl: string, dir: string, stoppers: Stoppers): Promise<Record<ModeName, number>> {
  const api = new KubeApiReplay({
    '/api/v1/pods': { lists: [k8sFixture('pod-list.json')], watches: [k8sFixture('pod-watch-1.jsonl')] },
    '/api/v1/events': { lists: [k8sFixture('event-list.json')], watches: [] },
  });
  stoppers.add(() => api.close());
  const kubeconfig = api.writeKubeconfig(dir, await api.listen());
  // The process detector reads its tests' fake /proc: a reverse shell and a disguised process, so that the threat
  // panels have findings (this machine's own processes should have none).
  const proc = fakeProc();
  stoppers.add(() => rmSync(proc, { recursive: true, force: true }));
  const control = join(dir, 'gpu-phase');
  writeFileSync(control, 'idle\n');
  const nvidiaSmi = join(installNvidiaSmiStandIn(dir, control), 'nvidia-smi');
  const configFile = detectorSettings(dir, kubeconfig);
  const ports = {} as Record<ModeName, number>;
  for (const mode of DETECTOR_MODES) {
    const config = loadConfig(mode, {
      ODIN_PORT: '0', ODIN_LISTEN_HOST: '127.0.0.1', ODIN_PROMETHEUS_URL: prometheusUrl,
      ODIN_MODELS_DIR: join(dir, `${mode}-models`), ODIN_CONFIG_FILE: configFile, ODIN_NVIDIA_SMI: nvidiaSmi,
      ODIN_PROC_DIR: proc, ODIN_HOST_ROOT: dir, NODE_NAME: CHECK_NODE, ODIN_LOG_LEVEL: 'error',
      // The process detector's per-name scores start after EARLY_ROWS cycles: on the fake /proc, cycles are cheap.
      ...(mode === 'process' ? { ODIN_CYCLE_INTERVAL_SEC: String(PROCESS_CYCLE_SEC) } : {}),
    });
    const detector: RunningDetector = await startDetector(config, await createMode(config), { logSink: { write: () => true } });
    stoppers.add(() => detector.stop());
    ports[mode] = detector.port;
  }
  return ports;
}

/**
 * The jobs of targets that listen on ports known only once they run (Prometheus itself, the detectors): discovered
 * from files that `bindLate` fills in, keeping the labels discovery would have attached.
 */
function discoverLate(jobs: readonly Record<string, any>[], late: readonly string[], promDir: string): Record<string, any>[] {
  return jobs.map((job) => {
    if (!late.includes(job.job_name)) return job;
    const { static_configs: _static, ...rest } = job;
    return { ...rest, ...fileDiscovery(promDir, job.job_name) };
  });
}

/** Gives a job `discoverLate` made its target, with the labels its static form carried. */
function bindLate(prometheus: TestPrometheus, jobs: readonly Record<string, any>[], job: string, address: string): void {
  const labels = jobs.find((j) => j.job_name === job)?.static_configs?.[0]?.labels ?? {};
  prometheus.setTargets(job, [address], labels);
}

/** Starts everything; Prometheus scrapes from the start, the detectors join once it has a few seconds of data. */
export async function startCheckStack(manifests: readonly Manifest[]): Promise<CheckStack> {
  const stoppers = new Stoppers();
  const dir = mkdtempSync(join(tmpdir(), 'odin-panel-check-'));
  stoppers.add(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const recordings = await ExpositionServer.start(RECORDINGS);
    stoppers.add(() => recordings.close());
    const nodeExporter = await startNodeExporter(manifests, stoppers);
    const alertmanager = await AlertmanagerServer.start(writeSynthesizedConfig(manifests));
    stoppers.add(() => alertmanager.stop());
    const alertmanagerAddress = new URL(alertmanager.url).host;
    const jobs = (parse((findObject(manifests, 'ConfigMap', 'prometheus-config') as unknown as { data: Record<string, string> })
      .data['prometheus.yml']) as { scrape_configs: Array<Record<string, unknown>> }).scrape_configs;
    const detectorJob = (mode: ModeName) => (mode === 'gpu-exporter' ? mode : `${mode}-detector`);
    const late = ['prometheus', ...DETECTOR_MODES.map(detectorJob)];
    const targets: Record<string, JobTarget> = {
      alertmanager: { address: alertmanagerAddress },
      'node-exporter': { address: nodeExporter },
      ...Object.fromEntries(Object.entries(RECORDED_JOBS).map(([job, file]) => [job, { address: recordings.address, metricsPath: `/${file}` }])),
      ...Object.fromEntries(late.map((job) => [job, { address: 'bound-later:0' }])),
    };
    const checkJobs = staticJobs(jobs, targets, CHECK_NODE);
    const prometheus = await TestPrometheus.startWithConfig((promDir) => stringify({
      global: { scrape_interval: `${SCRAPE_INTERVAL_SEC}s`, scrape_timeout: '900ms', evaluation_interval: `${SUBQUERY_DEFAULT_STEP_SEC}s` },
      rule_files: ruleFiles(manifests, promDir),
      alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanagerAddress] }] }] },
      scrape_configs: [
        ...discoverLate(checkJobs, late, promDir),
        // Stands in for Prometheus 3.5's OTLP receiver: the series as it stores Claude Code's push, labels kept.
        { job_name: 'otlp-stand-in', honor_labels: true, metrics_path: '/claude-code', static_configs: [{ targets: [recordings.address] }] },
      ],
    }));
    stoppers.add(() => prometheus.stop());
    bindLate(prometheus, checkJobs, 'prometheus', new URL(prometheus.url).host);
    await prometheus.waitForTargetsUp(jobs.length + 1 - DETECTOR_MODES.length);
    const ports = await startDetectors(prometheus.url, dir, stoppers);
    for (const mode of DETECTOR_MODES) bindLate(prometheus, checkJobs, detectorJob(mode), `127.0.0.1:${ports[mode]}`);
    return { prometheus, stop: () => stoppers.stopAll() };
  } catch (err) {
    await stoppers.stopAll();
    throw err;
  }
}
