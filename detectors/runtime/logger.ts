/** Structured JSON logs: one object per line on stdout, which Promtail ships to Loki. */
import type { Logger } from './mode.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go; process.stdout in the image, an array in tests. */
export interface LogSink {
  write(line: string): unknown;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Fields on every line, e.g. the mode. @default {} */
  readonly base?: Record<string, unknown>;
  /** @default 'info' */
  readonly level?: LogLevel;
  /** @default process.stdout */
  readonly sink?: LogSink;
  /** Called for every warn or error line, e.g. to keep the recent errors that /health shows. */
  readonly onProblem?: (level: 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const minimum = LEVEL_ORDER[options.level ?? 'info'];
  const sink = options.sink ?? process.stdout;
  const base = options.base ?? {};
  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void => {
    if (level === 'warn' || level === 'error') options.onProblem?.(level, msg, fields);
    if (LEVEL_ORDER[level] < minimum) return;
    sink.write(`${JSON.stringify({ time: new Date().toISOString(), level, ...base, msg, ...serializable(fields) })}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/** Errors do not survive JSON.stringify (their fields are not enumerable): keep their message. */
function serializable(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = value instanceof Error ? value.message : value;
  return out;
}

/** The log level from ODIN_LOG_LEVEL; unknown values are an error naming the variable. */
export function parseLogLevel(value: string | undefined): LogLevel {
  if (value === undefined || value === '') return 'info';
  if (Object.hasOwn(LEVEL_ORDER, value)) return value as LogLevel;
  throw new Error(`ODIN_LOG_LEVEL must be one of ${Object.keys(LEVEL_ORDER).join(', ')}, got '${value}'`);
}
