/**
 * One detection pass over /proc: read every process, add what needs the previous pass (CPU cores used since
 * then) and what is only worth reading for busy processes (their connections), run the rule engine, and tell
 * new findings from those already reported.
 */
import { RuleEngine } from './engine.js';
import { ProcReader, type ProcReadStats, type ProcSnapshot } from './proc-reader.js';
import { MINER_CPU_CORES } from './rules/process-facts.js';
import type { Finding, ProcessFacts } from './types.js';

/** One finding on one process, with what the structured log needs to identify it. */
export interface ProcessFinding {
  readonly finding: Finding;
  readonly pid: number;
  readonly name: string;
  readonly exe?: string;
  readonly containerId?: string;
  /** The command line, cut to `LOGGED_CMDLINE_CHARS` for the log line. */
  readonly cmdline: string;
  /** First seen in this pass (log it); false when an earlier pass already reported it. */
  readonly isNew: boolean;
}

export interface ScanResult {
  readonly findings: readonly ProcessFinding[];
  readonly processes: readonly ProcessFacts[];
  readonly stats: ProcReadStats;
  /** Rule evaluations that threw during this pass. */
  readonly ruleErrors: number;
}

export interface ProcessScannerOptions {
  readonly reader?: ProcReader;
  readonly engine?: RuleEngine;
}

const LOGGED_CMDLINE_CHARS = 2048;

export class ProcessScanner {
  private readonly reader: ProcReader;
  private readonly engine: RuleEngine;
  private previous = new Map<number, { cpuSeconds: number; atSec: number; comm?: string }>();
  private reported = new Set<string>();
  /** Findings by the facts they were computed from: processes rarely change between passes, rules need not rerun. */
  private verdicts = new Map<string, Finding[]>();

  constructor(options: ProcessScannerOptions = {}) {
    this.reader = options.reader ?? new ProcReader();
    this.engine = options.engine ?? new RuleEngine();
  }

  scan(nowSec: number): ScanResult {
    const snapshot = this.reader.read();
    const { processes, stats } = snapshot;
    const errorsBefore = this.engine.ruleErrors;
    const enriched = processes.map((p) => this.enrich(p, nowSec, snapshot));
    const findings: ProcessFinding[] = [];
    const present = new Set<string>();
    const verdicts = new Map<string, Finding[]>();
    for (const facts of enriched) {
      for (const finding of this.evaluate(facts, verdicts)) {
        const key = `${facts.pid}:${facts.comm ?? ''}:${finding.rule}`;
        present.add(key);
        findings.push(describe(facts, finding, !this.reported.has(key)));
      }
    }
    this.reported = present;
    this.verdicts = verdicts;
    this.previous = new Map(enriched.map((p) => [p.pid!, { cpuSeconds: p.cpuSeconds ?? 0, atSec: nowSec, comm: p.comm }]));
    return { findings, processes: enriched, stats, ruleErrors: this.engine.ruleErrors - errorsBefore };
  }

  /** The engine's findings, reused when a process (or one just like it) had the same facts in this or the last pass. */
  private evaluate(facts: ProcessFacts, verdicts: Map<string, Finding[]>): Finding[] {
    // Connections and CPU rate change every pass, a memfd process's verdict depends on its age: the few processes that
    // have them are always evaluated.
    if (facts.remotePorts !== undefined || facts.exe?.startsWith('/memfd:')) return this.engine.evaluate(facts);
    // JSON, not a join: argv, comm and exe may hold any separator, and two processes must not share a key by shifting one.
    const key = JSON.stringify([facts.argv, facts.exe, facts.exeDeleted, facts.comm, facts.parentChain?.[0], facts.containerId, facts.ldPreload, facts.stdioRemote]);
    const findings = verdicts.get(key) ?? this.verdicts.get(key) ?? this.engine.evaluate(facts);
    verdicts.set(key, findings);
    return findings;
  }

  /** Cores used since the last pass (same pid and name, so a reused pid starts over) and, when busy, remote ports. */
  private enrich(facts: ProcessFacts, nowSec: number, snapshot: ProcSnapshot): ProcessFacts {
    const before = this.previous.get(facts.pid!);
    if (!before || before.comm !== facts.comm || facts.cpuSeconds === undefined || nowSec <= before.atSec) return facts;
    const cpuCores = Math.max(0, (facts.cpuSeconds - before.cpuSeconds) / (nowSec - before.atSec));
    // Only the mining-port rule reads connections, and only for processes this busy.
    if (cpuCores < MINER_CPU_CORES) return { ...facts, cpuCores };
    return { ...facts, cpuCores, remotePorts: snapshot.remotePorts(facts.pid!) };
  }
}

/** One full cycle over a /proc directory with fresh state: the findings and read statistics (used by the benchmark). */
export function scanProcDir(procDir: string, nowSec = Date.now() / 1000): ScanResult {
  return new ProcessScanner({ reader: new ProcReader({ procDir }) }).scan(nowSec);
}

function describe(facts: ProcessFacts, finding: Finding, isNew: boolean): ProcessFinding {
  return {
    finding,
    pid: facts.pid ?? 0,
    name: facts.comm ?? facts.argv[0] ?? '',
    ...(facts.exe !== undefined ? { exe: facts.exe } : {}),
    ...(facts.containerId !== undefined ? { containerId: facts.containerId } : {}),
    cmdline: facts.argv.join(' ').slice(0, LOGGED_CMDLINE_CHARS),
    isNew,
  };
}
