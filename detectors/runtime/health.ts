/**
 * What the runtime knows about its own health: readiness and liveness for the probes, the /health report, and
 * the runtime metrics every mode exports (cycle duration, errors, last success, training failures).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { MODEL_REJECTIONS } from '../models/store.js';
import type { ModeName } from './mode.js';

const RECENT_ERRORS_KEPT = 10;

export interface RecentError {
  readonly time: string;
  readonly level: 'warn' | 'error';
  readonly msg: string;
  readonly error?: string;
}

/** A dependency's state in /health: `used` false when the mode never talks to it. */
export interface Reachability {
  readonly used: boolean;
  readonly reachable: boolean | null;
  readonly lastError?: string;
}

/** The body of GET /health. */
export interface HealthReport {
  readonly healthy: boolean;
  readonly mode: ModeName;
  readonly ready: boolean;
  readonly alive: boolean;
  readonly prometheus: Reachability;
  readonly kubernetes: Reachability;
  readonly lastSuccessfulCycle: string | null;
  readonly recentErrors: readonly RecentError[];
}

export class RuntimeMetrics {
  readonly cycleDuration: Gauge<'detector'>;
  readonly errors: Counter<'detector' | 'kind'>;
  readonly lastSuccess: Gauge<'detector'>;
  readonly trainingFailures: Counter<'detector'>;
  readonly modelLoadFailures: Counter<'detector' | 'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.cycleDuration = new Gauge({ name: 'odin_detector_cycle_duration_seconds', help: 'Duration of the last detection cycle.', labelNames: ['detector'], registers });
    this.errors = new Counter({ name: 'odin_detector_errors_total', help: 'Errors by kind (failed cycles, Prometheus failures, metrics that could not be scored).', labelNames: ['detector', 'kind'], registers });
    this.lastSuccess = new Gauge({ name: 'odin_detector_last_success_timestamp_seconds', help: 'Unix time of the last detection cycle that completed.', labelNames: ['detector'], registers });
    this.trainingFailures = new Counter({ name: 'odin_model_training_failures_total', help: 'Training runs that failed (scoring falls back to statistics).', labelNames: ['detector'], registers });
    this.modelLoadFailures = new Counter({ name: 'odin_model_load_failures_total', help: 'Stored models rejected at load (corrupt, foreign, invalid) and retrained.', labelNames: ['detector', 'reason'], registers });
  }

  /**
   * Creates the counters alert rules read with `increase()` at 0 for every label set they can take, before the first
   * event: a series born at 1 has no earlier sample, and `increase()` would miss that event.
   */
  createAtZero(detector: string, errorKinds: readonly string[]): void {
    this.trainingFailures.inc({ detector }, 0);
    for (const reason of MODEL_REJECTIONS) this.modelLoadFailures.inc({ detector, reason }, 0);
    for (const kind of new Set(errorKinds)) this.errors.inc({ detector, kind }, 0);
  }
}

/** Mutable health state, updated by the lifecycle and read by the HTTP server. */
export class HealthState {
  started = false;
  stopping = false;
  lastSuccessSec: number | undefined;
  /** Unix seconds when the scheduler last made progress (started or finished a run, or waited). */
  lastProgressSec: number;
  kubernetes: { reachable: boolean | null; lastError?: string } = { reachable: null };
  private readonly recent: RecentError[] = [];

  constructor(private readonly now: () => number) {
    this.lastProgressSec = now();
  }

  recordProblem(level: 'warn' | 'error', msg: string, fields: Record<string, unknown>): void {
    const error = fields.error instanceof Error ? fields.error.message : typeof fields.error === 'string' ? fields.error : undefined;
    this.recent.push({ time: new Date(this.now() * 1000).toISOString(), level, msg, ...(error ? { error } : {}) });
    if (this.recent.length > RECENT_ERRORS_KEPT) this.recent.shift();
  }

  get recentErrors(): readonly RecentError[] {
    return [...this.recent];
  }
}
