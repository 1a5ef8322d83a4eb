import type { Registry } from 'prom-client';

/** The services the detector image runs, one per container. */
export type ModeName = 'gpu-exporter' | 'gpu' | 'pod' | 'process' | 'disk';

/** Structured JSON logger: one JSON object per line on stdout, collected by Promtail into Loki. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** One series of a Prometheus range or instant query. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** [unix seconds, value] pairs in time order; NaN, +Inf and -Inf are kept as numbers. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** The Prometheus HTTP API, as the detectors use it. Implementations must respect the 11,000-points-per-series limit. */
export interface PrometheusClient {
  /** Instant query at `time` (unix seconds; default now). */
  query(expr: string, time?: number, signal?: AbortSignal): Promise<Series[]>;
  /** Range query, split into chunks so no request asks for more than 11,000 points per series. */
  queryRange(expr: string, startSec: number, endSec: number, stepSec: number, signal?: AbortSignal): Promise<Series[]>;
}

/** Models persisted as JSON under the models directory, written atomically. */
export interface ModelStore {
  /** The stored model, or undefined when there is none or it is corrupt/foreign (logged and counted). */
  load<T>(key: string, validate: (raw: unknown) => T): Promise<T | undefined>;
  save(key: string, model: unknown): Promise<void>;
}

/** What every mode gets from the runtime. `K`: the error kinds the mode counts. */
export interface ModeContext<K extends string = string> {
  readonly registry: Registry;
  readonly log: Logger;
  readonly prometheus: PrometheusClient;
  readonly models: ModelStore;
  /** The mode's own section of detector.json (e.g. `gpu`), already parsed; {} when absent. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Share of normal points allowed above the anomaly threshold (default 0.05). */
  readonly anomalyShare: number;
  /** Training window in seconds (default 7 days). */
  readonly trainWindowSec: number;
  /** Step for training range queries in seconds (default 15). */
  readonly scrapeStepSec: number;
  /** Training period in seconds (default 6 h): a stored model younger than this need not be refitted at start. */
  readonly trainIntervalSec?: number;
  /** Clock in unix seconds; tests replace it. */
  now(): number;
  /**
   * Counts an error in `odin_detector_errors_total{detector,kind}`, e.g. one metric failing while the others go on.
   * Only the mode's declared `errorKinds` type-check, so every kind it can count exists at 0 from the start.
   */
  countError?(kind: K): void;
  /** Reports whether the Kubernetes API answered, for /health (modes that use it call this after each request). */
  reportKubernetes?(reachable: boolean, error?: string): void;
}

/**
 * One service of the detector image. The runtime calls `train` on the training schedule and `cycle` on the detection
 * schedule. `K`: the kinds of error the mode counts with `ModeContext.countError`.
 */
export interface Mode<K extends string = string> {
  readonly name: ModeName;
  /** Whether this mode needs Prometheus to do its job (readiness follows Prometheus reachability). */
  readonly needsPrometheus: boolean;
  /**
   * Every kind of error the mode counts: the runtime creates each `odin_detector_errors_total` series at 0 at start,
   * so that `increase()` sees the first error.
   */
  readonly errorKinds: readonly K[];
  /** Load persisted models and register metrics; called once before the first cycle. */
  start(ctx: ModeContext<K>): Promise<void>;
  /**
   * When the models `start` loaded were trained (unix seconds), if every model the mode needs was loaded; the
   * runtime then plans the first training one interval after that instead of at start, so a restart does not
   * refit fresh models. Undefined (or absent) means train at start.
   */
  trainedAtSec?(): number | undefined;
  /** Fit models on the training window. A failure is logged and counted; scoring falls back to statistics. */
  train(ctx: ModeContext<K>, signal: AbortSignal): Promise<void>;
  /** One detection cycle. A thrown error is logged and counted, and the next cycle runs as planned. */
  cycle(ctx: ModeContext<K>, signal: AbortSignal): Promise<void>;
  /** Release watches and timers on shutdown. */
  stop(): Promise<void>;
  /** Called before each /metrics scrape so exporters can read their source fresh (optional). */
  beforeScrape?(signal: AbortSignal): Promise<void>;
}
