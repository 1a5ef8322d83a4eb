/** The rule engine: every rule over one process's facts, allow-list applied, worst finding first. */
import { isAllowed, type AllowEntry } from './allow-list.js';
import { ALL_RULES, type Rule } from './rules/index.js';
import { subjectOf } from './subject.js';
import { SEVERITY_RANK, type Category, type Finding, type ProcessFacts, type Severity } from './types.js';

export interface RuleEngineOptions {
  /** @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** @default - nothing allowed */
  readonly allow?: readonly AllowEntry[];
}

export class RuleEngine {
  private readonly rules: readonly Rule[];
  private readonly allow: readonly AllowEntry[];
  /** Rule evaluations that threw (a bug or a pathological input); the other rules still ran. */
  ruleErrors = 0;

  constructor(options: RuleEngineOptions = {}) {
    this.rules = options.rules ?? ALL_RULES;
    this.allow = options.allow ?? [];
  }

  /** The findings for one process, the most severe first. */
  evaluate(facts: ProcessFacts): Finding[] {
    const subject = subjectOf(facts);
    const findings: Finding[] = [];
    for (const rule of this.rules) {
      let evidence;
      try {
        evidence = rule.match(subject);
      } catch {
        this.ruleErrors++;
        continue;
      }
      if (evidence === undefined) continue;
      const finding: Finding = { category: rule.category, severity: rule.severity, rule: rule.name, evidence };
      if (!isAllowed(this.allow, finding, facts)) findings.push(finding);
    }
    return findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  }
}

/** What `odin-detect classify` prints for one command line. */
export interface Classification {
  readonly category: Category | null;
  readonly severity: Severity | null;
  readonly rule: string | null;
}

/** Input of `odin-detect classify`: a shell command line and optionally what /proc would add. */
export interface CommandLineInput {
  readonly cmdline: string;
  readonly exe?: string;
  readonly parent?: string;
}

/** Classifies one command line with the same engine the detector runs over /proc. */
export function classifyCommandLine(engine: RuleEngine, input: CommandLineInput): Classification {
  const facts: ProcessFacts = {
    argv: [input.cmdline],
    argvIsShellText: true,
    ...(input.exe !== undefined ? { exe: input.exe } : {}),
    ...(input.parent !== undefined ? { parentChain: [input.parent] } : {}),
  };
  const worst = engine.evaluate(facts)[0];
  return worst ? { category: worst.category, severity: worst.severity, rule: worst.rule } : { category: null, severity: null, rule: null };
}
