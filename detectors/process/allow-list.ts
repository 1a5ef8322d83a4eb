/**
 * Allow-list entries from the `process.allow` section of detector.json. An entry silences the findings that match
 * every field it sets, e.g. `{ "rule": "deleted-executable", "exe": "/usr/sbin/sshd" }` after a package upgrade,
 * or `{ "container": "3f2a*" }` for a security-testing pod. A trailing `*` matches a prefix.
 */
import { baseName } from './shell-parse.js';
import type { Finding, ProcessFacts } from './types.js';

export interface AllowEntry {
  readonly rule?: string;
  readonly category?: string;
  /** Executable path (the /proc/<pid>/exe target). */
  readonly exe?: string;
  /** Process name: comm, or the basename of argv[0]. */
  readonly name?: string;
  /** Container id from the cgroup. */
  readonly container?: string;
}

const FIELDS = ['rule', 'category', 'exe', 'name', 'container'] as const;

export interface ParsedAllowList {
  readonly entries: readonly AllowEntry[];
  /** One message per entry that was skipped, naming its index and the problem. */
  readonly errors: readonly string[];
}

/** Validates the raw `allow` value; a bad entry is skipped and reported, never fatal. */
export function parseAllowList(raw: unknown): ParsedAllowList {
  if (raw === undefined) return { entries: [], errors: [] };
  if (!Array.isArray(raw)) return { entries: [], errors: [`process.allow must be an array, got ${typeof raw}`] };
  const entries: AllowEntry[] = [];
  const errors: string[] = [];
  raw.forEach((item: unknown, i) => {
    const problem = entryProblem(item);
    if (problem) errors.push(`process.allow[${i}] ${problem}`);
    else entries.push(item as AllowEntry);
  });
  return { entries, errors };
}

export function isAllowed(entries: readonly AllowEntry[], finding: Finding, facts: ProcessFacts): boolean {
  const name = facts.comm ?? baseName(facts.argv[0] ?? '');
  const values: Record<(typeof FIELDS)[number], string | undefined> = {
    rule: finding.rule, category: finding.category, exe: facts.exe, name, container: facts.containerId,
  };
  return entries.some((entry) => FIELDS.every((field) => entry[field] === undefined || matches(entry[field], values[field])));
}

function matches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function entryProblem(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return `must be an object, got ${JSON.stringify(item)}`;
  const keys = Object.keys(item);
  const unknown = keys.filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) return `has unknown keys ${unknown.join(', ')} (allowed: ${FIELDS.join(', ')})`;
  if (keys.length === 0) return 'is empty: it would silence every finding';
  const bad = keys.find((k) => typeof (item as Record<string, unknown>)[k] !== 'string' || (item as Record<string, string>)[k] === '');
  return bad ? `.${bad} must be a non-empty string` : undefined;
}
