/**
 * `odin-detect classify`: reads JSON lines `{"cmdline": "...", "exe"?: "...", "parent"?: "..."}` on stdin and writes
 * one JSON line per input line, `{"category", "severity", "rule"}` (nulls when nothing matched), with the rule
 * engine the process detector runs. A line that is not such an object gets `{"error": ...}` and a note on
 * stderr; the exit status is then 1.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { classifyCommandLine, RuleEngine, type CommandLineInput } from '../process/engine.js';
import { DEFAULT_MAX_CMDLINE_BYTES } from '../process/proc-reader.js';
const USAGE = 'usage: odin-detect classify < lines.jsonl   (each line {"cmdline": "...", "exe"?: "...", "parent"?: "..."})';

export interface ClassifyStreams {
  readonly input: Readable;
  readonly output: Writable;
  readonly errors: Writable;
}

export async function main(argv: readonly string[], streams: ClassifyStreams = { input: process.stdin, output: process.stdout, errors: process.stderr }): Promise<number> {
  if (argv.length > 0) {
    streams.errors.write(`${argv.includes('--help') ? '' : `unexpected arguments: ${argv.join(' ')}\n`}${USAGE}\n`);
    return argv.includes('--help') ? 0 : 2;
  }
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
    streams.output.write(`${JSON.stringify(classifyCommandLine(engine, input))}\n`);
  }
  return bad > 0 ? 1 : 0;
}

/** The input object, or a message saying what is wrong with the line. */
function parseInput(line: string): CommandLineInput | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected a JSON object';
  const { cmdline, exe, parent } = raw as Record<string, unknown>;
  if (typeof cmdline !== 'string') return `"cmdline" must be a string, got ${JSON.stringify(cmdline)?.slice(0, 40)}`;
  for (const [key, value] of Object.entries({ exe, parent })) if (value !== undefined && typeof value !== 'string') return `"${key}" must be a string when given`;
  return {
    // The process detector reads at most this much of a command line by default; so does classify.
    cmdline: cmdline.slice(0, DEFAULT_MAX_CMDLINE_BYTES),
    ...(typeof exe === 'string' ? { exe } : {}),
    ...(typeof parent === 'string' ? { parent } : {}),
  };
}
