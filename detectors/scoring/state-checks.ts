/**
 * Checks for state read back from JSON (a model file may be truncated, hand-edited or written by another
 * version): each returns the value with its type, or throws an error naming where the state is wrong, so that a
 * loader can report the file and start fresh instead of failing later on a malformed field.
 */

export function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected an object`);
  return value as Record<string, unknown>;
}

export function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected an array`);
  return value;
}

export function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where}: expected a finite number, got ${JSON.stringify(value)}`);
  return value;
}

export function integer(value: unknown, where: string, min = Number.MIN_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new Error(`${where}: expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  return value as number;
}

/** A finite number or, where JSON has none, null (JSON writes NaN and ±Infinity as null). */
export function finiteOrNull(value: unknown, where: string): number | null {
  return value === null ? null : finite(value, where);
}

/** Ascending distinct non-negative integers (a fact set). */
export function factSet(value: unknown, where: string): number[] {
  const facts = list(value, where).map((f, i) => integer(f, `${where}[${i}]`, 0));
  if (facts.some((f, i) => i > 0 && f <= facts[i - 1])) throw new Error(`${where}: facts must be ascending and distinct`);
  return facts;
}
