/**
 * The backtest's words: times, durations, series and directions, read from the command line and written out.
 * Times and durations on the command line: A time is RFC 3339 (`2026-11-22T20:54:31Z`, a zone is
 * required), unix seconds (`1795380871.5`), `now`, or `now-<duration>`; a duration is seconds (`15`, `0.5`) or a
 * number with a unit s, m, h, d or w (`90s`, `1h30m`, `7d`), as in PromQL.
 */
import type { Direction } from '../scoring/expected-band.js';

const UNIT_SEC: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds of a duration (0 only when `allowZero`), or an error naming `flag` and the text. */
export function parseDuration(text: string, flag: string, allowZero = false): number {
  const trimmed = text.trim();
  if (allowZero && /^0+(\.0+)?[smhdw]?$/.test(trimmed)) return 0;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return positive(Number(trimmed), text, flag);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new Error(`--${flag} must be a duration such as 15s, 5m, 1h30m or 7d (or seconds), got '${text}'`);
  }
  return positive(parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SEC[unit], 0), text, flag);
}

function positive(seconds: number, text: string, flag: string): number {
  if (!(seconds > 0)) throw new Error(`--${flag} must be longer than 0, got '${text}'`);
  return seconds;
}

/** Unix seconds of a time, relative ones against `nowSec`; an error naming `flag` and the text otherwise. */
export function parseTime(text: string, flag: string, nowSec: number): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'now') return nowSec;
  const relative = /^now-(.+)$/.exec(trimmed);
  if (relative) return nowSec - parseDuration(relative[1], flag);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new Error(`--${flag} must be an RFC 3339 time with a zone (2026-11-22T20:54:31Z), unix seconds, now or now-<duration> (now-7d), got '${text}'`);
}

/** A unix time as RFC 3339 in UTC, to the second (or the millisecond when it has a fraction). */
export function formatTime(unixSec: number): string {
  const iso = new Date(unixSec * 1000).toISOString();
  return Number.isInteger(unixSec) ? iso.replace(/\.000Z$/, 'Z') : iso;
}

/** A duration as PromQL writes it, largest units first: 3725 → 1h2m5s. */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds * 1000) / 1000;
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) {
    const whole = Math.floor(rest / size);
    if (whole > 0) out += `${whole}${unit}`;
    rest -= whole * size;
  }
  if (rest > 0) out += `${Number(rest.toFixed(3))}s`;
  return out;
}

/** A series as PromQL writes it: name{label="value", ...}. */
export function seriesName(labels: Readonly<Record<string, string>>): string {
  const { __name__: name = '', ...rest } = labels;
  return `${name}{${Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** Where a value was against its band, in words. */
export function directionWord(direction: Direction | undefined): string {
  if (direction === 1) return 'above';
  if (direction === -1) return 'below';
  return direction === 0 ? 'inside' : 'no band';
}
