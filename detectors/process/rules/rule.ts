import type { Subject } from '../subject.js';
import type { Category, Evidence, Severity } from '../types.js';

/** One detection rule: a name that says what it looks for, and the evidence when it matches. */
export interface Rule {
  /** Kebab-case, stable: it is a metric label and an allow-list key. */
  readonly name: string;
  readonly category: Category;
  readonly severity: Severity;
  match(subject: Subject): Evidence | undefined;
}

/** Several rules ask for the files a subject writes; it is computed once per subject. */
const writtenBySubject = new WeakMap<Subject, string[]>();

/** Words that write their output to a file argument (beside shell redirections). */
const FILE_WRITERS = new Set(['tee', 'cp', 'mv', 'install', 'ln', 'dd', 'rsync']);

/**
 * The files a command line writes to: redirection targets (`>`, `>>`, `&>`) and the destinations of tee, cp, mv,
 * install, ln and dd. Reading (`<`) is not writing.
 */
function writtenFiles(subject: Subject): readonly string[] {
  const known = writtenBySubject.get(subject);
  if (known) return known;
  const files: string[] = [];
  for (const inv of subject.invocations) {
    for (const r of inv.command.redirects) if (/>/.test(r.op) && !/^[0-9]*>&$/.test(r.op) && r.target) files.push(r.target);
    if (!FILE_WRITERS.has(inv.program)) continue;
    const operands = inv.args.filter((a) => !a.startsWith('-'));
    if (inv.program === 'tee') files.push(...operands);
    else if (inv.program === 'dd') files.push(...operands.filter((a) => a.startsWith('of=')).map((a) => a.slice(3)));
    else if (operands.length >= 2) files.push(operands[operands.length - 1]);
  }
  writtenBySubject.set(subject, files);
  return files;
}

/** The first written file matching `pattern`, as evidence. */
export function writesTo(subject: Subject, pattern: RegExp): Evidence | undefined {
  const file = writtenFiles(subject).find((f) => pattern.test(f));
  return file === undefined ? undefined : { writes: file };
}
