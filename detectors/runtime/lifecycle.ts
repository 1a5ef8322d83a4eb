/**
 * Starts one mode on the shared runtime and stops it cleanly. Order on start: metrics registry, logger, clients,
 * HTTP server (so probes answer while the mode loads its models), mode.start, then the schedule. Order on stop
 * (lightship's): mark not ready, abort the running cycle, wait for the loop, stop the mode, close the server.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { FileModelStore } from '../models/store.js';
import type { DetectorConfig } from './config.js';
import { HealthState, RuntimeMetrics, type HealthReport } from './health.js';
import { createLogger, type LogSink } from './logger.js';
import type { Logger, Mode, ModeContext } from './mode.js';
import { HttpPrometheusClient, PROMETHEUS_ERROR_KINDS, type PrometheusErrorKind } from './prometheus-client.js';
import { runSchedule, sleep } from './scheduler.js';
import { startServer } from './server.js';

/** The loop counts as stalled (liveness fails) after this many cycle intervals without progress... */
const STALL_CYCLES = 10;
/** ...but never sooner than this, so a long training run is not mistaken for a hang. */
const MIN_STALL_SEC = 900;
/** Time the loop gets to finish its current run on shutdown before the mode is stopped anyway. */
const LOOP_DRAIN_MS = 2_000;
/** An exporter's source is read at most this often, however many scrapers ask. */
const SCRAPE_REFRESH_MIN_MS = 1_000;

export interface StartOptions {
  /** Where log lines go. @default process.stdout */
  readonly logSink?: LogSink;
  /** Prometheus request timeout. @default 10000 */
  readonly prometheusTimeoutMs?: number;
}

export interface RunningDetector {
  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  readonly port: number;
  readonly log: Logger;
  /** Graceful shutdown; resolves when everything is closed. */
  stop(): Promise<void>;
}

/** What the runtime itself counts in odin_detector_errors_total, besides the mode's own kinds. */
type RuntimeErrorKind = 'cycle' | 'scrape_refresh' | `prometheus_${PrometheusErrorKind}`;

/** The runtime's error kinds that can occur for `mode`. */
export function runtimeErrorKinds(mode: Mode): RuntimeErrorKind[] {
  const kinds: RuntimeErrorKind[] = ['cycle'];
  if (mode.beforeScrape) kinds.push('scrape_refresh');
  if (mode.needsPrometheus) kinds.push(...PROMETHEUS_ERROR_KINDS.map((kind) => `prometheus_${kind}` as const));
  return kinds;
}

export async function startDetector<K extends string>(config: DetectorConfig, mode: Mode<K>, options: StartOptions = {}): Promise<RunningDetector> {
  const now = () => Date.now() / 1000;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = new RuntimeMetrics(registry);
  const detector = config.mode;
  metrics.createAtZero(detector, [...runtimeErrorKinds(mode), ...mode.errorKinds]);
  const countRuntimeError = (kind: RuntimeErrorKind) => metrics.errors.inc({ detector, kind });
  const state = new HealthState(now);
  const log = createLogger({ base: { mode: detector }, level: config.logLevel, sink: options.logSink, onProblem: (level, msg, fields) => state.recordProblem(level, msg, fields) });
  const prometheus = new HttpPrometheusClient({
    url: config.prometheusUrl,
    auth: config.prometheusAuth,
    timeoutMs: options.prometheusTimeoutMs,
    onError: (error) => {
      countRuntimeError(`prometheus_${error.kind}`);
      log.warn('prometheus request failed', { kind: error.kind, error: error.message });
    },
  });
  const models = new FileModelStore({ dir: config.modelsDir, log, onRejected: (reason) => metrics.modelLoadFailures.inc({ detector, reason }) });
  const ctx: ModeContext<K> = {
    registry,
    log,
    prometheus,
    models,
    settings: config.settings,
    anomalyShare: config.anomalyShare,
    trainWindowSec: config.trainWindowSec,
    scrapeStepSec: config.scrapeStepSec,
    trainIntervalSec: config.trainIntervalSec,
    now,
    countError: (kind) => metrics.errors.inc({ detector, kind }),
    reportKubernetes: (reachable, error) => {
      state.kubernetes = { reachable, ...(error ? { lastError: error } : {}) };
    },
  };
  const ready = () => state.started && !state.stopping && (!mode.needsPrometheus || prometheus.reachable === true);
  const alive = () => !state.stopping && now() - state.lastProgressSec < Math.max(STALL_CYCLES * config.cycleIntervalSec, MIN_STALL_SEC);
  const health = (): HealthReport => ({
    healthy: ready() && alive(),
    mode: detector,
    ready: ready(),
    alive: alive(),
    prometheus: { used: mode.needsPrometheus, reachable: prometheus.reachable ?? null, ...(prometheus.lastError ? { lastError: prometheus.lastError } : {}) },
    kubernetes: { used: state.kubernetes.reachable !== null, ...state.kubernetes },
    lastSuccessfulCycle: state.lastSuccessSec === undefined ? null : new Date(state.lastSuccessSec * 1000).toISOString(),
    recentErrors: state.recentErrors,
  });

  const stale = await models.removeStaleTempFiles();
  if (stale > 0) log.info('removed temporary model files left by an interrupted save', { count: stale });
  const loopAbort = new AbortController();
  const server = await startServer(config.listenHost, config.port, { registry, log, alive, ready, health, beforeScrape: scrapeRefresher(mode, loopAbort.signal, log, () => countRuntimeError('scrape_refresh')) });
  log.info('listening', { host: config.listenHost, port: server.port });
  try {
    await mode.start(ctx);
  } catch (err) {
    await server.close();
    throw new Error(`mode '${detector}' failed to start: ${(err as Error).message}`);
  }
  state.started = true;

  const loop = runSchedule({
    cycleIntervalSec: config.cycleIntervalSec,
    trainIntervalSec: config.trainIntervalSec,
    firstTrainAtSec: firstTrainingSec(mode.trainedAtSec?.(), config.trainIntervalSec, now()),
    signal: loopAbort.signal,
    now,
    onProgress: () => {
      state.lastProgressSec = now();
    },
    beforeRuns: async (signal) => {
      if (mode.needsPrometheus) await prometheus.ping(signal);
    },
    train: async (signal) => {
      try {
        await mode.train(ctx, signal);
      } catch (err) {
        if (signal.aborted) return;
        metrics.trainingFailures.inc({ detector });
        log.error('training failed; scoring falls back to statistics', { error: err });
      }
    },
    cycle: async (signal) => {
      const started = now();
      try {
        await mode.cycle(ctx, signal);
        state.lastSuccessSec = now();
        metrics.lastSuccess.set({ detector }, state.lastSuccessSec);
      } catch (err) {
        if (signal.aborted) return;
        countRuntimeError('cycle');
        log.error('detection cycle failed', { error: err });
      } finally {
        metrics.cycleDuration.set({ detector }, now() - started);
      }
    },
  });

  return {
    port: server.port,
    log,
    stop: async () => {
      if (state.stopping) return;
      state.stopping = true;
      log.info('shutting down');
      loopAbort.abort();
      const drainTimer = new AbortController();
      await Promise.race([loop, sleep(LOOP_DRAIN_MS, drainTimer.signal)]);
      drainTimer.abort();
      await mode.stop();
      await server.close();
      log.info('stopped');
    },
  };
}

/** The beforeScrape hook: the mode's own, shared by concurrent scrapes and rate-limited; `countFailure` counts a failed one. */
function scrapeRefresher(mode: Mode, signal: AbortSignal, log: Logger, countFailure: () => void): (() => Promise<void>) | undefined {
  if (!mode.beforeScrape) return undefined;
  let running: Promise<void> | undefined;
  let lastMs = 0;
  return () => {
    if (running) return running;
    if (Date.now() - lastMs < SCRAPE_REFRESH_MIN_MS) return Promise.resolve();
    running = mode.beforeScrape!(signal)
      .catch((err: unknown) => {
        countFailure();
        log.error('refreshing metrics before a scrape failed', { error: err });
      })
      .finally(() => {
        lastMs = Date.now();
        running = undefined;
      });
    return running;
  };
}

/** A stored model trained less than one interval ago is kept until its interval is up (a future time counts as now). */
function firstTrainingSec(trainedAtSec: number | undefined, trainIntervalSec: number, nowSec: number): number | undefined {
  return trainedAtSec !== undefined && Number.isFinite(trainedAtSec) ? Math.min(trainedAtSec, nowSec) + trainIntervalSec : undefined;
}
