/**
 * `odin-detect classify`: reads JSON lines `{"cmdline": "...", "exe"?: "...", "parent"?: "..."}` on stdin and writes
 * one JSON line per input line, `{"category", "severity", "rule"}` (nulls when nothing matched), with the rule
 * engine the process detector runs. A line that is not such an object gets `{"error": ...}` and a note on
 * stderr; the exit status is then 1. With `--report`, lines that carry a `"category"` label (a labelled corpus:
 * `"benign"` or the expected category) are scored too, and a table goes to stderr: detected per category, the
 * false-positive rate on benign lines, and how many detections named the labelled category.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { classifyCommandLine, RuleEngine, type CommandLineInput } from '../process/engine.js';
import { DEFAULT_MAX_CMDLINE_BYTES } from '../process/proc-reader.js';
const USAGE = 'usage: odin-detect classify [--report] < lines.jsonl   (each line {"cmdline": "...", "exe"?: "...", "parent"?: "...", "category"?: "..."})';

export interface ClassifyStreams {
  readonly input: Readable;
  readonly output: Writable;
  readonly errors: Writable;
}

export async function main(argv: readonly string[], streams: ClassifyStreams = { input: process.stdin, output: process.stdout, errors: process.stderr }): Promise<number> {
  const unknown = argv.filter((a) => a !== '--report');
  if (unknown.length > 0) {
    streams.errors.write(`${unknown.includes('--help') ? '' : `unexpected arguments: ${unknown.join(' ')}\n`}${USAGE}\n`);
    return unknown.includes('--help') ? 0 : 2;
  }
  const report = argv.includes('--report') ? new LabelledScore() : undefined;
  const engine = new RuleEngine();
  let bad = 0;
  let lineNumber = 0;
  for await (const line of createInterface({ input: streams.input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    const input = parseInput(line);
    if (typeof input === 'string') {
      bad++;
      streams.errors.write(`line ${lineNumber}: ${input}\n`);
      streams.output.write(`${JSON.stringify({ category: null, severity: null, rule: null, error: input })}\n`);
      continue;
    }
    const classification = classifyCommandLine(engine, input);
    if (input.label !== undefined) report?.add(input.label, classification.category);
    streams.output.write(`${JSON.stringify(classification)}\n`);
  }
  if (report) streams.errors.write(report.table());
  return bad > 0 ? 1 : 0;
}

/** Detection counts per labelled category of a corpus run through classify. */
class LabelledScore {
  private readonly lines = new Map<string, { total: number; detected: number; named: number }>();

  add(label: string, category: string | null): void {
    const row = this.lines.get(label) ?? { total: 0, detected: 0, named: 0 };
    row.total++;
    if (category !== null) row.detected++;
    if (category === label) row.named++;
    this.lines.set(label, row);
  }

  table(): string {
    const rows = [...this.lines.entries()].sort(([a], [b]) => a.localeCompare(b));
    const malicious = rows.filter(([label]) => label !== 'benign').map(([, r]) => r);
    const sum = (key: 'total' | 'detected' | 'named'): number => malicious.reduce((n, r) => n + r[key], 0);
    const ratio = (n: number, d: number): string => (d === 0 ? '-' : (n / d).toFixed(3));
    const lines = rows.map(([label, r]) => `${label.padEnd(22)} ${String(r.detected).padStart(5)}/${String(r.total).padEnd(5)} ${ratio(r.detected, r.total)}${label === 'benign' ? '  (false positives)' : ''}`);
    const benign = this.lines.get('benign');
    return [
      'category                 found/lines  rate',
      ...lines,
      ...(malicious.length > 0 ? [`recall (malicious)     ${String(sum('detected')).padStart(5)}/${String(sum('total')).padEnd(5)} ${ratio(sum('detected'), sum('total'))}   same category ${ratio(sum('named'), sum('total'))}`] : []),
      ...(benign ? [`false-positive rate    ${String(benign.detected).padStart(5)}/${String(benign.total).padEnd(5)} ${ratio(benign.detected, benign.total)}`] : []),
      '',
    ].join('\n');
  }
}

/** The input object (and its label when the line carries one), or a message saying what is wrong with the line. */
function parseInput(line: string): (CommandLineInput & { label?: string }) | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected a JSON object';
  const { cmdline, exe, parent, category } = raw as Record<string, unknown>;
  if (typeof cmdline !== 'string') return `"cmdline" must be a string, got ${JSON.stringify(cmdline)?.slice(0, 40)}`;
  for (const [key, value] of Object.entries({ exe, parent })) if (value !== undefined && typeof value !== 'string') return `"${key}" must be a string when given`;
  return {
    // The process detector reads at most this much of a command line by default; so does classify.
    cmdline: cmdline.slice(0, DEFAULT_MAX_CMDLINE_BYTES),
    ...(typeof exe === 'string' ? { exe } : {}),
    ...(typeof parent === 'string' ? { parent } : {}),
    ...(typeof category === 'string' ? { label: category } : {}),
  };
}
