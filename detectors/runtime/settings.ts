/**
 * Readers for a mode's section of detector.json. A wrong type stops the start with an error naming the section,
 * the key and the value; an absent key takes its default.
 */
export type Settings = Readonly<Record<string, unknown>>;

/** A positive number, or one in (0, 1) when `share` is set. */
export function numberSetting(settings: Settings, section: string, key: string, fallback: number, share = false): number {
  const value = settings[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value) || (share && value >= 1)) {
    throw new Error(`detector.json ${section}.${key} must be ${share ? 'a number in (0, 1)' : 'a positive number'}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function stringSetting(settings: Settings, section: string, key: string, fallback: string, pattern = /.+/): string {
  const value = settings[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new Error(`detector.json ${section}.${key} must be a string matching ${pattern}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** An integer of at least `minimum`. */
export function integerSetting(settings: Settings, section: string, key: string, fallback: number, minimum = 1): number {
  const value = settings[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new Error(`detector.json ${section}.${key} must be an integer >= ${minimum}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function booleanSetting(settings: Settings, section: string, key: string, fallback: boolean): boolean {
  const value = settings[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`detector.json ${section}.${key} must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

/** A PromQL duration such as `5m` or `30s`. */
export const PROMQL_DURATION = /^\d+(ms|s|m|h|d|w|y)$/;

/** Rejects keys the mode does not know, so a typo is an error rather than a silently ignored setting. */
export function checkKnownKeys(settings: Settings, section: string, known: readonly string[]): void {
  const unknown = Object.keys(settings).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`detector.json ${section}: unknown key(s) ${unknown.join(', ')}; known keys are ${known.join(', ')}`);
}
