/**
 * `npm run bench:detectors`: CPU time and memory of one detection cycle of the pod detector (2,000 pods × 6
 * series) and of the process detector (2,000 processes). Each part runs in its own child process so that its
 * RSS is its own, on plain Node over this file compiled by tsc, as the detector image runs (under tsx, the
 * loader's own thread and source maps add some 80 MB to the RSS). The pod detector talks to a synthetic
 * Prometheus HTTP API served by this parent process (so the server's work is not counted) through the real
 * client, and loads its models from a models directory the way the detector does at start.
 * Targets: each cycle under 250 ms CPU, RSS under 150 MB.
 * Then each mode's idle RSS: the compiled detector program (detectors/main.js) started per mode as its container
 * starts it, against the same synthetic Prometheus, /proc and a replayed nvidia-smi, beside a bare Node process
 * with the same flags. Target: gpu-exporter, gpu, process and disk at most 70 MB (the exporter's limit is 128 Mi).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { FileModelStore } from '../../detectors/models/store.js';
import { PodDetector } from '../../detectors/pod/pod-detector.js';
import { parsePodSettings } from '../../detectors/pod/pod-settings.js';
import { POD_METRICS } from '../../detectors/pod/pod-queries.js';
import { scanProcDir } from '../../detectors/process/scan.js';
import { createLogger } from '../../detectors/runtime/logger.js';
import type { ModeContext } from '../../detectors/runtime/mode.js';
import { HttpPrometheusClient } from '../../detectors/runtime/prometheus-client.js';

const PROCESSES = 2000;
const NAMESPACES = 20;
const PODS_PER_NAMESPACE = 100;
const WARM_CYCLES = 5;
const TRAIN_WINDOW_SEC = 7 * 86_400;
const NOW_SEC = Math.floor(Date.now() / 1000);

/** What a child reports back to the parent, as one JSON line. */
interface PartResult {
  readonly coldCpuMs: number;
  readonly warmCpuMs: number[];
  readonly maxRssMb: number;
  readonly referenceLabel: string;
  readonly referenceCpuMs: number;
  /** A line printed under the table, e.g. what the scan found. */
  readonly note?: string;
}

// ---- synthetic cluster ----------------------------------------------------------------------------------

interface SyntheticPod {
  readonly namespace: string;
  readonly pod: string;
  readonly index: number;
}

function syntheticPods(): SyntheticPod[] {
  return Array.from({ length: NAMESPACES * PODS_PER_NAMESPACE }, (_, index) => ({
    namespace: `ns-${Math.floor(index / PODS_PER_NAMESPACE)}`, pod: `app-${index}`, index,
  }));
}

/** A deterministic value of one metric for one pod at one time: per-pod level, daily cycle, a little noise. */
function podValue(metricIndex: number, pod: SyntheticPod, tSec: number): number {
  const level = [0.05 + (pod.index % 17) * 0.03, (50 + (pod.index % 23) * 20) * 2 ** 20, pod.index % 50 === 0 ? 1 : 0,
    3600 * (1 + (pod.index % 97)), 0, pod.index % 200 === 0 ? 0.01 : 0][metricIndex];
  const daily = 1 + 0.3 * Math.sin((2 * Math.PI * tSec) / 86_400);
  const noise = 1 + 0.05 * Math.sin(tSec / 977 + pod.index);
  return metricIndex === 3 ? level + (tSec - NOW_SEC) : level * daily * noise;
}

function vectorAnswer(metricIndex: number, pods: readonly SyntheticPod[]): string {
  const result = pods.map((p) => ({ metric: { namespace: p.namespace, pod: p.pod }, value: [NOW_SEC, String(podValue(metricIndex, p, NOW_SEC))] }));
  return JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
}

function matrixAnswer(metricIndex: number, pods: readonly SyntheticPod[], start: number, end: number, step: number): string {
  const result = pods.map((p) => {
    const values: Array<[number, string]> = [];
    for (let t = start; t <= end; t += step) values.push([t, String(podValue(metricIndex, p, t))]);
    return { metric: { namespace: p.namespace, pod: p.pod }, values };
  });
  return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
}

/** What the synthetic Prometheus answers to one query string. */
type Answer = (params: URLSearchParams) => string;

/**
 * The Prometheus HTTP API for the synthetic pods, for exactly the queries the pod detector sends: each metric
 * for all pods (instant, the cycle), the namespaces that have it, and each namespace's history (training).
 */
function syntheticAnswers(): Map<string, Answer> {
  const pods = syntheticPods();
  const rateWindow = parsePodSettings({}).rateWindow;
  const namespaces = [...new Set(pods.map((p) => p.namespace))];
  const answers = new Map<string, Answer>();
  POD_METRICS.forEach((metric, i) => {
    const instant = vectorAnswer(i, pods);
    answers.set(metric.query(rateWindow), () => instant);
    const namespaceList = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: namespaces.map((ns) => ({ metric: { namespace: ns }, value: [NOW_SEC, '100'] })) } });
    answers.set(`count by (namespace) (${metric.query(rateWindow)})`, () => namespaceList);
    for (const ns of namespaces) {
      const inNamespace = pods.filter((p) => p.namespace === ns);
      const n = (params: URLSearchParams, name: string) => Number(params.get(name));
      answers.set(metric.query(rateWindow, `namespace=${JSON.stringify(ns)}`), (q) => matrixAnswer(i, inNamespace, n(q, 'start'), n(q, 'end'), n(q, 'step')));
    }
  });
  return answers;
}

async function startSyntheticPrometheus(): Promise<{ server: Server; url: string }> {
  const answers = syntheticAnswers();
  const server = createServer((req, res) => {
    // The client POSTs its parameters form-encoded, as Prometheus allows for long queries.
    let form = '';
    req.on('data', (chunk: Buffer) => { form += chunk.toString(); });
    req.on('end', () => {
      const params = new URLSearchParams(form);
      const answer = answers.get(params.get('query') ?? '');
      if (answer === undefined) {
        res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: `unknown query ${params.get('query')}` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer(params));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** What the API server would list: every pod Running, one in 100 crash-looping. */
function syntheticV1Pods(): V1Pod[] {
  return syntheticPods().map((p) => ({
    metadata: { namespace: p.namespace, name: p.pod },
    status: {
      phase: 'Running',
      containerStatuses: [{
        name: 'app', image: 'app:1', imageID: '', ready: p.index % 100 !== 0, restartCount: p.index % 100 === 0 ? 9 : 0,
        state: p.index % 100 === 0 ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } } : { running: {} },
      }],
    },
  }));
}

// ---- the pod detector's parts (children) -------------------------------------------------------------------

function podContext(prometheusUrl: string, modelsDir: string): ModeContext {
  const log = createLogger({ level: 'error', sink: { write: () => true } });
  return {
    registry: new Registry(), log, prometheus: new HttpPrometheusClient({ url: prometheusUrl, timeoutMs: 60_000 }),
    models: new FileModelStore({ dir: modelsDir, log }), settings: {}, anomalyShare: 0.05,
    trainWindowSec: TRAIN_WINDOW_SEC, scrapeStepSec: 15, now: () => NOW_SEC,
  };
}

function podDetector(): PodDetector {
  const pods = syntheticV1Pods();
  return new PodDetector(parsePodSettings({}), () => ({ pods: () => pods, warningEvents: () => [], stop: async () => undefined }));
}

/** Trains the pod models over the synthetic week, leaves them in the models directory, and reports its cost. */
async function trainPod(prometheusUrl: string, modelsDir: string): Promise<{ cpuMs: number; maxRssMb: number }> {
  const ctx = podContext(prometheusUrl, modelsDir);
  const detector = podDetector();
  await detector.start(ctx);
  const trainCpuMs = await cpuMs(() => detector.train(ctx, new AbortController().signal));
  return { cpuMs: trainCpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Starts like the detector (models loaded from disk), then runs the cycles. */
async function measurePod(prometheusUrl: string, modelsDir: string): Promise<PartResult> {
  // The pod mode loads the Kubernetes client (some 60 MB of RSS by itself); the synthetic pod source does not
  // need it, so load it here, or the RSS would flatter the real detector.
  await import('../../detectors/pod/pod-watch.js');
  const ctx = podContext(prometheusUrl, modelsDir);
  const detector = podDetector();
  await detector.start(ctx);
  const signal = new AbortController().signal;
  const cycles = await runCycles(() => detector.cycle(ctx, signal));
  const answers = await Promise.all(POD_METRICS.map(async (m) => (await fetch(`${prometheusUrl}/api/v1/query`, {
    method: 'POST', body: new URLSearchParams({ query: m.query(parsePodSettings({}).rateWindow) }),
  })).text()));
  const referenceCpuMs = await cpuMs(async () => { for (const a of answers) JSON.parse(a); });
  return { ...cycles, referenceLabel: 'JSON.parse of the six answers', referenceCpuMs };
}

// ---- synthetic /proc (the process detector) ---------------------------------------------------------------

interface SyntheticProcess {
  readonly comm: string;
  readonly argv: readonly string[];
  /** Absent for kernel threads, whose exe link cannot be read. */
  readonly exe?: string;
  readonly ppid: number;
  readonly container?: boolean;
  /** fd 0-2 on this TCP socket inode (a reverse shell), else /dev/null. */
  readonly stdioSocket?: number;
}

const CONTAINER_ID = 'f3a9c1d27e6b4a0598d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6978877665544332';
const WORKLOADS: ReadonlyArray<Omit<SyntheticProcess, 'ppid'>> = [
  { comm: 'nginx', argv: ['nginx: worker process'], exe: '/usr/sbin/nginx', container: true },
  { comm: 'gunicorn', argv: ['/usr/local/bin/python3', '/usr/local/bin/gunicorn', '-w', '4', '-b', '0.0.0.0:8000', 'app:app'], exe: '/usr/local/bin/python3.12', container: true },
  { comm: 'node', argv: ['node', '--enable-source-maps', 'dist/server.js'], exe: '/usr/local/bin/node', container: true },
  { comm: 'java', argv: ['java', '-Xmx512m', '-jar', '/app/service.jar', '--spring.profiles.active=prod'], exe: '/opt/java/openjdk/bin/java', container: true },
  { comm: 'postgres', argv: ['postgres: checkpointer'], exe: '/usr/lib/postgresql/16/bin/postgres', container: true },
  { comm: 'redis-server', argv: ['redis-server *:6379'], exe: '/usr/local/bin/redis-server', container: true },
  { comm: 'sh', argv: ['/bin/sh', '-c', 'curl -fsS http://localhost:8080/healthz || exit 1'], exe: '/bin/dash', container: true },
];
const SHIM: Omit<SyntheticProcess, 'ppid'> = {
  comm: 'containerd-shim', exe: '/var/lib/rancher/k3s/data/current/bin/containerd-shim-runc-v2',
  argv: ['/var/lib/rancher/k3s/data/current/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', CONTAINER_ID, '-address', '/run/k3s/containerd/containerd.sock'],
};

/**
 * A host's process table: systemd, kernel threads, K3s, and pods of ten processes (a containerd shim and what it
 * started, health-check shells included), with two real threats among them: a miner in /tmp and a reverse shell.
 */
function syntheticProcesses(): Map<number, SyntheticProcess> {
  const table = new Map<number, SyntheticProcess>([
    [1, { comm: 'systemd', argv: ['/sbin/init', 'splash'], exe: '/usr/lib/systemd/systemd', ppid: 0 }],
    [2, { comm: 'kthreadd', argv: [], ppid: 0 }],
    [3, { comm: 'k3s-server', argv: ['/usr/local/bin/k3s', 'server'], exe: '/usr/local/bin/k3s', ppid: 1 }],
    [4, { comm: 'xmrig', argv: ['/tmp/.cache/xmrig', '-o', 'stratum+tcp://pool.supportxmr.com:3333', '-u', '44AFFq5kSiGBoZ', '--donate-level=1'], exe: '/tmp/.cache/xmrig', ppid: 1 }],
    [5, { comm: 'bash', argv: ['bash', '-i'], exe: '/usr/bin/bash', ppid: 1, stdioSocket: 901_234 }],
  ]);
  for (let pid = 6; table.size < PROCESSES; pid++) {
    if (pid < 300) table.set(pid, { comm: `kworker/${pid % 16}:${pid % 3}`, argv: [], ppid: 2 });
    else if (pid % 10 === 0) table.set(pid, { ...SHIM, ppid: 3 });
    else table.set(pid, { ...WORKLOADS[pid % WORKLOADS.length], ppid: pid - (pid % 10) });
  }
  return table;
}

function statLine(pid: number, p: SyntheticProcess): string {
  const utime = (pid * 37) % 100_000;
  const rssPages = p.argv.length === 0 ? 0 : 2000 + (pid % 50) * 300;
  return `${pid} (${p.comm}) S ${p.ppid} ${pid} ${pid} 0 -1 4194560 1520 0 0 0 ${utime} ${utime >> 2} 0 0 20 0 1 0 ${1000 + pid} 23456768 ${rssPages} 18446744073709551615\n`;
}

/** A /proc-like tree under `dir`: per process stat, cmdline, exe, cgroup, environ, fd/0-2, ns/net and net/tcp{,6}. */
function writeProcTree(dir: string): void {
  const net = join(dir, 'net-shared');
  mkdirSync(net);
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  // The reverse shell's socket: 10.0.0.5:43210 -> 203.0.113.66:4444, established (01).
  writeFileSync(join(net, 'tcp'), `${header}   0: 0500000A:A8CA 42710CCB:115C 01 00000000:00000000 00:00000000 00000000  1000        0 901234 1 0 20 4 30 10 -1\n`);
  writeFileSync(join(net, 'tcp6'), header);
  for (const [pid, p] of syntheticProcesses()) {
    const base = join(dir, String(pid));
    mkdirSync(join(base, 'fd'), { recursive: true });
    mkdirSync(join(base, 'ns'));
    writeFileSync(join(base, 'stat'), statLine(pid, p));
    writeFileSync(join(base, 'cmdline'), p.argv.length === 0 ? '' : `${p.argv.join('\0')}\0`);
    writeFileSync(join(base, 'cgroup'), p.container ? `0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-${CONTAINER_ID}.scope\n` : '0::/init.scope\n');
    writeFileSync(join(base, 'environ'), 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\0HOME=/root\0');
    if (p.exe !== undefined) symlinkSync(p.exe, join(base, 'exe'));
    for (const fd of ['0', '1', '2']) symlinkSync(p.stdioSocket === undefined ? '/dev/null' : `socket:[${p.stdioSocket}]`, join(base, 'fd', fd));
    symlinkSync('net:[4026531840]', join(base, 'ns', 'net'));
    symlinkSync('../net-shared', join(base, 'net'));
  }
}

/** Times full scans of the synthetic tree with the process detector's own cycle function. */
async function measureProcess(procDir: string): Promise<PartResult> {
  const cycles = await runCycles(async () => {
    const result = scanProcDir(procDir);
    if (result.stats.processes !== PROCESSES) throw new Error(`scanned ${result.stats.processes} processes, expected ${PROCESSES}`);
  });
  const rules = scanProcDir(procDir).findings.map((f) => f.finding.rule);
  const counts = [...new Set(rules)].map((rule) => `${rule}×${rules.filter((r) => r === rule).length}`);
  const referenceCpuMs = await cpuMs(async () => {
    for (let pid = 1; pid <= PROCESSES; pid++) statLine(pid, { comm: 'x', argv: ['x'], ppid: 1 }).split(' ');
  });
  return { ...cycles, referenceLabel: `formatting+splitting ${PROCESSES} stat lines`, referenceCpuMs, note: `process findings: ${counts.join(', ') || 'none'}` };
}

// ---- each mode's idle RSS: the detector program itself ---------------------------------------------------

const MODES = ['gpu-exporter', 'gpu', 'pod', 'process', 'disk'] as const;
/** RSS is sampled once a second from SETTLE_MS after the program listens (V8 shrinks an idle heap after some 8 s); the median is reported. */
const SETTLE_MS = 10_000;
const RSS_SAMPLES = 3;

/** A Prometheus that is up and holds no series: what a mode meets idle, with nothing to train on or score. */
async function startEmptyPrometheus(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const resultType = req.url?.startsWith('/api/v1/query_range') ? 'matrix' : 'vector';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType, result: [] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * The environment a mode's container gets, pointed at stand-ins instead of the cluster: an empty Prometheus, the
 * synthetic /proc, the real H100 trace replayed as nvidia-smi, and a Kubernetes API where nothing listens (the
 * pod mode loads its client and retries).
 */
function modeEnv(dir: string, prometheusUrl: string, procDir: string): NodeJS.ProcessEnv {
  const control = join(dir, 'replay-phase');
  writeFileSync(control, 'full_load\n');
  const nvidiaSmi = join(dir, 'nvidia-smi');
  const replay = join(ROOT, 'test/detectors/helpers/replay-nvidia-smi.mjs');
  writeFileSync(nvidiaSmi, `#!/bin/sh\nODIN_REPLAY_CONTROL='${control}' exec '${process.execPath}' '${replay}' "$@"\n`);
  chmodSync(nvidiaSmi, 0o755);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'bench',
    clusters: [{ name: 'bench', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'bench', user: { token: 'bench' } }],
    contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'bench' } }],
  }));
  const configFile = join(dir, 'detector.json');
  writeFileSync(configFile, JSON.stringify({ pod: { kubeconfig } }));
  mkdirSync(join(dir, 'host'));
  return {
    ...imageNodeEnv(), ODIN_LISTEN_HOST: '127.0.0.1', ODIN_PORT: '0', ODIN_PROMETHEUS_URL: prometheusUrl, ODIN_CONFIG_FILE: configFile,
    ODIN_NVIDIA_SMI: nvidiaSmi, ODIN_PROC_DIR: procDir, ODIN_HOST_ROOT: join(dir, 'host'),
  };
}

function vmRssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** Starts `args` under plain Node, waits for its "listening" log line, and returns its median idle RSS. */
async function idleRssMb(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = new Promise<void>((resolve, reject) => {
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-10_000);
      if (output.includes('"msg":"listening"')) resolve();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    void exited.then(() => reject(new Error(`${args.join(' ')} exited before listening: ${output}`)));
    setTimeout(() => reject(new Error(`${args.join(' ')} did not listen within 30 s: ${output}`)), 30_000).unref();
  });
  try {
    await listening;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const samples: number[] = [];
    for (let i = 0; i < RSS_SAMPLES; i++) {
      samples.push(vmRssMb(child.pid!));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return median(samples);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Each mode's idle RSS, started as `node detectors/main.js <mode>` with the image's flags, and a bare Node for reference. */
async function measureModes(procDir: string): Promise<{ reference: number; modes: Array<[string, number]> }> {
  const main = join(COMPILED_DIR, 'detectors/main.js');
  const reference = await idleRssMb(['-e', 'console.log(\'{"msg":"listening"}\'); setInterval(() => {}, 1000);'], imageNodeEnv());
  const prometheus = await startEmptyPrometheus();
  const modes: Array<[string, number]> = [];
  for (const mode of MODES) {
    const dir = mkdtempSync(join(tmpdir(), `odin-bench-${mode}-`));
    try {
      modes.push([mode, await idleRssMb([main, mode], { ...modeEnv(dir, prometheus.url, procDir), ODIN_MODELS_DIR: join(dir, 'models') })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  prometheus.server.close();
  return { reference, modes };
}

// ---- measuring and reporting ------------------------------------------------------------------------------

async function cpuMs(run: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** `gc` exists when the child runs with --expose-gc: the "idle" runs. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * A cold cycle, then WARM_CYCLES more, timed in CPU. In an idle run a full GC follows every cycle, as V8's
 * memory reducer does while the detector waits out its 60 s interval; back to back, V8 lets garbage pile up.
 */
async function runCycles(cycle: () => Promise<void>): Promise<Pick<PartResult, 'coldCpuMs' | 'warmCpuMs' | 'maxRssMb'>> {
  const coldCpuMs = await cpuMs(cycle);
  collectGarbage?.();
  const warmCpuMs: number[] = [];
  for (let i = 0; i < WARM_CYCLES; i++) {
    warmCpuMs.push(await cpuMs(cycle));
    collectGarbage?.();
  }
  return { coldCpuMs, warmCpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The V8 flags the detector image runs with (its Dockerfile's NODE_OPTIONS), so the children measure what ships. */
function imageNodeEnv(): NodeJS.ProcessEnv {
  const dockerfile = readFileSync(new URL('../../detectors/Dockerfile', import.meta.url), 'utf8');
  return { ...process.env, NODE_OPTIONS: /^ENV NODE_OPTIONS="([^"]*)"/m.exec(dockerfile)?.[1] ?? '' };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPILED_DIR = join(ROOT, '.tmp', 'bench-detectors');

/**
 * Compiles this file, the detector program (detectors/main.ts) and what they import to JavaScript under .tmp/
 * (beside node_modules, so imports resolve).
 */
async function compile(): Promise<string> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--outDir', COMPILED_DIR, '--rootDir', ROOT,
    '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node',
    fileURLToPath(import.meta.url), join(ROOT, 'detectors/main.ts')]);
  return join(COMPILED_DIR, 'bench/detectors/detectors.bench.js');
}

/** Runs one part in a fresh plain Node process (`idle`: with a full GC after each cycle) and returns its result line. */
async function runChild(compiled: string, idle: boolean, part: string, ...args: string[]): Promise<PartResult> {
  const flags = idle ? ['--expose-gc'] : [];
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, compiled, part, ...args], { maxBuffer: 1 << 24, env: imageNodeEnv() });
  const last = stdout.trim().split('\n').at(-1);
  if (!last) throw new Error(`the ${part} part reported nothing`);
  return JSON.parse(last) as PartResult;
}

/** The part's table row and its summary line: CPU from the back-to-back run, RSS from the idle run. */
function report(name: string, backToBack: PartResult, idle: PartResult): { row: string; summary: string; note?: string } {
  const warm = median(backToBack.warmCpuMs);
  const cells = [backToBack.coldCpuMs.toFixed(1).padStart(8), warm.toFixed(1).padStart(8), idle.maxRssMb.toFixed(1).padStart(9),
    backToBack.maxRssMb.toFixed(1).padStart(13)];
  return {
    note: backToBack.note,
    row: `${name.padEnd(8)}${cells.join('')}   ${backToBack.referenceLabel}: ${backToBack.referenceCpuMs.toFixed(1)} ms, cycle/reference ${(warm / backToBack.referenceCpuMs).toFixed(1)}x`,
    summary: `${name}: cycle ${warm.toFixed(1)} ms cpu, rss ${idle.maxRssMb.toFixed(1)} MB`,
  };
}

async function main(): Promise<void> {
  const [part, ...args] = process.argv.slice(2);
  if (part === 'pod-train') return void console.log(JSON.stringify(await trainPod(args[0], args[1])));
  if (part === 'pod') return void console.log(JSON.stringify(await measurePod(args[0], args[1])));
  if (part === 'process') return void console.log(JSON.stringify(await measureProcess(args[0])));
  const modelsDir = mkdtempSync(join(tmpdir(), 'odin-bench-models-'));
  const procDir = mkdtempSync(join(tmpdir(), 'odin-bench-proc-'));
  const prometheus = await startSyntheticPrometheus();
  try {
    writeProcTree(procDir);
    const compiled = await compile();
    const training = JSON.parse((await promisify(execFile)(process.execPath, [compiled, 'pod-train', prometheus.url, modelsDir], { env: imageNodeEnv() })).stdout) as { cpuMs: number; maxRssMb: number };
    const pod = report('pod', await runChild(compiled, false, 'pod', prometheus.url, modelsDir), await runChild(compiled, true, 'pod', prometheus.url, modelsDir));
    const proc = report('process', await runChild(compiled, false, 'process', procDir), await runChild(compiled, true, 'process', procDir));
    console.log(`one detection cycle: pod = ${NAMESPACES * PODS_PER_NAMESPACE} pods × ${POD_METRICS.length} series from a synthetic Prometheus,`);
    console.log(`process = a full scan of a synthetic /proc of ${PROCESSES} processes`);
    console.log(`cold = first cycle, warm = median of the next ${WARM_CYCLES} (CPU ms, user + system); max RSS idle = with a full GC after`);
    console.log('each cycle (V8 collects while the detector waits 60 s), back-to-back = without. Targets: warm < 250 ms, RSS < 150 MB.');
    console.log('part     cold ms warm ms  RSS idle  RSS back-to-back   reference (same run)');
    console.log(pod.row);
    console.log(proc.row);
    if (proc.note) console.log(proc.note);
    const trainPoints = NAMESPACES * PODS_PER_NAMESPACE * POD_METRICS.length * (TRAIN_WINDOW_SEC / parsePodSettings({}).trainStepSec + 1);
    console.log(`pod training (every 6 h, not a cycle): ${training.cpuMs.toFixed(0)} ms cpu, max RSS ${training.maxRssMb.toFixed(1)} MB for ${trainPoints} points`);
    const idle = await measureModes(procDir);
    console.log(`idle RSS per mode: detectors/main.js <mode> with the image's NODE_OPTIONS, median of ${RSS_SAMPLES} samples from ${SETTLE_MS / 1000} s after it listens`);
    console.log(`reference (bare node, same flags): idle rss ${idle.reference.toFixed(1)} MB`);
    console.log('mode          idle RSS MB  vs reference');
    for (const [mode, rss] of idle.modes) console.log(`${mode.padEnd(14)}${rss.toFixed(1).padStart(11)}  ${(rss / idle.reference).toFixed(2)}x`);
    console.log(pod.summary);
    console.log(proc.summary);
    for (const [mode, rss] of idle.modes) console.log(`${mode}: idle rss ${rss.toFixed(1)} MB`);
  } finally {
    prometheus.server.close();
    rmSync(modelsDir, { recursive: true, force: true });
    rmSync(procDir, { recursive: true, force: true });
    rmSync(COMPILED_DIR, { recursive: true, force: true });
  }
}

await main();
