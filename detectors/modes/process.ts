/**
 * The process detector (port 9407, a hostPID DaemonSet reading the host's /proc read-only). Each cycle it runs
 * the rule engine over every process and the file watcher over cron, SSH keys, ld.so.preload, systemd units and
 * start-up files, and scores CPU and memory per process name. Metrics carry only category, severity and rule (and
 * a capped set of process names for the scores); PIDs and command lines go to the structured log, once per
 * finding, when it is first seen.
 */
import { Counter, Gauge } from 'prom-client';
import { parseAllowList, type AllowEntry } from '../process/allow-list.js';
import { RuleEngine } from '../process/engine.js';
import { FILE_WATCH_LABELS, FileWatcher, type FileFinding } from '../process/file-watcher.js';
import { DEFAULT_MAX_CMDLINE_BYTES, ProcReader, type ProcReadStats } from '../process/proc-reader.js';
import { ResourceAnomalies } from '../process/resource-anomaly.js';
import { ALL_RULES } from '../process/rules/index.js';
import { ProcessScanner, type ProcessFinding } from '../process/scan.js';
import type { Finding, ProcessFacts } from '../process/types.js';
import { AnomalyGauges } from '../runtime/anomaly-gauges.js';
import type { Mode, ModeContext } from '../runtime/mode.js';
import { booleanSetting, checkKnownKeys, integerSetting, type Settings } from '../runtime/settings.js';

/** Settings of the `process` section of detector.json. */
export interface ProcessModeSettings {
  /** Findings to silence, e.g. `[{ "rule": "deleted-executable", "exe": "/usr/sbin/sshd" }]`. @default [] */
  readonly allow: readonly AllowEntry[];
  /** Bytes of each command line read. @default 65536 */
  readonly maxCmdlineBytes: number;
  /** Process names scored for CPU and memory (label values of odin_anomaly_score). @default 50 */
  readonly maxScoredNames: number;
  /** Watch persistence files under the host root. @default true */
  readonly watchFiles: boolean;
}

/** Reads the `process` section, naming the field in any error. */
export function parseProcessSettings(raw: Settings): ProcessModeSettings {
  checkKnownKeys(raw, 'process', ['allow', 'maxCmdlineBytes', 'maxScoredNames', 'watchFiles']);
  const allow = parseAllowList(raw.allow);
  if (allow.errors.length > 0) throw new Error(`detector.json ${allow.errors.join('; ')}`);
  return {
    allow: allow.entries,
    maxCmdlineBytes: integerSetting(raw, 'process', 'maxCmdlineBytes', DEFAULT_MAX_CMDLINE_BYTES),
    maxScoredNames: integerSetting(raw, 'process', 'maxScoredNames', 50),
    watchFiles: booleanSetting(raw, 'process', 'watchFiles', true),
  };
}

export interface ProcessModePaths {
  /** ODIN_PROC_DIR. */
  readonly procDir: string;
  /** ODIN_HOST_ROOT. */
  readonly hostRoot: string;
}

const THREAT_LABELS = ['category', 'severity', 'rule'] as const;

/**
 * Every (category, severity, rule) the rules and the file watcher can report, from their definitions: the threat
 * counter starts at 0 for each, so `increase()` in the alert rules sees the first finding.
 */
export function threatLabelSets(): Array<Record<(typeof THREAT_LABELS)[number], string>> {
  return [...ALL_RULES.map((r) => ({ category: r.category, severity: r.severity, rule: r.name })), ...FILE_WATCH_LABELS.map((f) => ({ ...f }))];
}

/** The model store key of the per-name resource scorers' state. */
export const RESOURCES_MODEL_KEY = 'process-resources';
/** How often the resource scorers' state is saved (and at shutdown): a restart loses at most this much learning. */
const SAVE_EVERY_SEC = 900;
const SCORE_LABELS = ['detector', 'metric', 'process_name'] as const;

interface ProcessMetrics {
  readonly threatsTotal: Counter<(typeof THREAT_LABELS)[number]>;
  readonly threats: Gauge<(typeof THREAT_LABELS)[number]>;
  readonly scores: AnomalyGauges<(typeof SCORE_LABELS)[number]>;
  readonly skipped: Counter<'reason'>;
  readonly processes: Gauge;
}

/** What the process mode counts in odin_detector_errors_total (what /proc could not give goes to odin_process_scan_skipped_total). */
const PROCESS_ERROR_KINDS = ['rule'] as const;
type ProcessContext = ModeContext<typeof PROCESS_ERROR_KINDS[number]>;

export class ProcessMode implements Mode<typeof PROCESS_ERROR_KINDS[number]> {
  readonly name = 'process';
  readonly needsPrometheus = false;
  readonly errorKinds = PROCESS_ERROR_KINDS;
  private readonly scanner: ProcessScanner;
  private readonly files: FileWatcher | undefined;
  private readonly resources: ResourceAnomalies;
  private metrics: ProcessMetrics | undefined;
  private context: ModeContext | undefined;
  private lastSaveSec = Number.NEGATIVE_INFINITY;

  constructor(settings: ProcessModeSettings, paths: ProcessModePaths) {
    this.scanner = new ProcessScanner({
      reader: new ProcReader({ procDir: paths.procDir, maxCmdlineBytes: settings.maxCmdlineBytes }),
      engine: new RuleEngine({ allow: settings.allow }),
    });
    this.files = settings.watchFiles ? new FileWatcher({ hostRoot: paths.hostRoot }) : undefined;
    this.resources = new ResourceAnomalies({ maxNames: settings.maxScoredNames });
  }

  async start(ctx: ProcessContext): Promise<void> {
    const registers = [ctx.registry];
    this.metrics = {
      threatsTotal: new Counter({ name: 'odin_process_threats_total', help: 'Process and file threats found, counted once when first seen.', labelNames: THREAT_LABELS, registers }),
      threats: new Gauge({ name: 'odin_process_threats', help: 'Threats present in the last cycle (processes running now, files changed since the previous cycle).', labelNames: THREAT_LABELS, registers }),
      scores: new AnomalyGauges(ctx.registry, SCORE_LABELS, 'Anomaly of the CPU or memory of a process name (a capped set of names).'),
      skipped: new Counter({ name: 'odin_process_scan_skipped_total', help: '/proc entries not fully read: vanished mid-read, unreadable, cut (huge command line), malformed.', labelNames: ['reason'], registers }),
      processes: new Gauge({ name: 'odin_process_scanned', help: 'Processes read in the last cycle.', registers }),
    };
    for (const labels of threatLabelSets()) this.metrics.threatsTotal.inc(labels, 0);
    this.context = ctx;
    await this.restoreResources(ctx);
  }

  /** The resource scorers learn as they score (in data time); there is no separate training window to fetch. */
  async train(ctx: ProcessContext): Promise<void> {
    ctx.log.debug('process scores train online each cycle; nothing to fetch');
  }

  async cycle(ctx: ProcessContext): Promise<void> {
    const metrics = this.metrics!;
    const now = ctx.now();
    const scan = this.scanner.scan(now);
    this.countReadProblems(ctx, scan.stats);
    if (scan.ruleErrors > 0) ctx.countError?.('rule');
    metrics.processes.set(scan.stats.processes);
    const fileFindings = this.checkFiles(ctx);
    metrics.threats.reset();
    for (const found of scan.findings) this.record(ctx, found.finding, found.isNew, () => processLogFields(found));
    for (const found of fileFindings) this.record(ctx, found.finding, true, () => ({ path: found.path, change: found.change }));
    this.exportScores(now, scan.processes);
    if (now - this.lastSaveSec >= SAVE_EVERY_SEC) await this.saveResources(ctx, now);
  }

  async stop(): Promise<void> {
    if (this.context) await this.saveResources(this.context, this.context.now());
  }

  /**
   * Continues from the saved per-name scorers. The store reports a missing, corrupt or foreign file and returns
   * nothing; a file whose content this version cannot restore is reported the same way. Either way the scorers
   * start fresh: never fatal.
   */
  private async restoreResources(ctx: ModeContext): Promise<void> {
    const now = ctx.now();
    const restored = await ctx.models.load(RESOURCES_MODEL_KEY, (raw) => this.resources.restore(raw, now));
    if (restored !== undefined) ctx.log.info('per-name resource scorers restored', { names: restored });
    this.lastSaveSec = now;
  }

  private async saveResources(ctx: ModeContext, now: number): Promise<void> {
    this.lastSaveSec = now;
    try {
      await ctx.models.save(RESOURCES_MODEL_KEY, this.resources.toState());
    } catch (err) {
      ctx.countError?.('model_save');
      ctx.log.warn('saving the per-name resource scorers failed; retrying at the next save', { error: (err as Error).message });
    }
  }

  private record(ctx: ProcessContext, finding: Finding, isNew: boolean, logFields: () => Record<string, unknown>): void {
    const labels = { category: finding.category, severity: finding.severity, rule: finding.rule };
    this.metrics!.threats.inc(labels);
    if (!isNew) return;
    this.metrics!.threatsTotal.inc(labels);
    // Info, not warn: a threat is the detector doing its job, not a detector problem for /health's recent errors.
    ctx.log.info('threat found', { event: 'process_threat', ...labels, evidence: finding.evidence, ...logFields() });
  }

  private checkFiles(ctx: ProcessContext): FileFinding[] {
    if (!this.files) return [];
    const { findings, stats } = this.files.check();
    if (stats.unreadable > 0) this.metrics!.skipped.inc({ reason: 'file_unreadable' }, stats.unreadable);
    if (stats.skipped > 0) {
      this.metrics!.skipped.inc({ reason: 'file_cap' }, stats.skipped);
      ctx.log.warn('file watch cap reached; some files are not watched', { skipped: stats.skipped });
    }
    return findings;
  }

  /**
   * Counts what could not be read. Processes exit and deny access all the time (debug); cut command lines are
   * worth knowing (info); a malformed entry is a problem (warn, shown on /health).
   */
  private countReadProblems(ctx: ProcessContext, stats: ProcReadStats): void {
    const reasons = { vanished: stats.vanished, unreadable: stats.unreadable, truncated: stats.truncated, malformed: stats.errors };
    for (const [reason, n] of Object.entries(reasons)) if (n > 0) this.metrics!.skipped.inc({ reason }, n);
    if (stats.errors > 0) ctx.log.warn('malformed /proc entries skipped', { ...reasons });
    else if (stats.truncated > 0) ctx.log.info('long command lines cut', { ...reasons });
    else if (stats.vanished + stats.unreadable > 0) ctx.log.debug('/proc entries vanished or unreadable', { ...reasons });
  }

  private exportScores(now: number, processes: readonly ProcessFacts[]): void {
    const { scores } = this.metrics!;
    scores.reset();
    for (const s of this.resources.score(now, processes)) {
      if (!Number.isFinite(s.score)) continue;
      const band = { lower: s.lower, expected: s.expected, upper: s.upper };
      scores.set({ detector: 'process', metric: s.metric, process_name: s.name }, s.score, [{ value: s.value, band }]);
    }
  }
}

/** What identifies the process in the log line (never in a metric label). */
function processLogFields(found: ProcessFinding): Record<string, unknown> {
  return {
    pid: found.pid,
    process: found.name,
    cmdline: found.cmdline,
    ...(found.exe !== undefined ? { exe: found.exe } : {}),
    ...(found.containerId !== undefined ? { container_id: found.containerId } : {}),
  };
}
