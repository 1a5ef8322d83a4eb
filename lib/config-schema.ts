/**
 * A small declarative schema for the user's config file: each field says what it accepts, and `validateAgainst`
 * reports every problem with the field's dotted path and what is allowed. Written by hand (no JSON-schema library)
 * because the messages are the product here.
 */

/** Validates one value; returns the problem in words (`expected ..., got ...`) or undefined when it is fine. */
export type ScalarCheck = (value: unknown) => string | undefined;

/** The schema of an object: one entry per allowed key. */
export interface ObjectSchema {
  readonly kind: 'object';
  readonly fields: { readonly [key: string]: FieldSchema };
}

/** The schema of a list whose items all follow `items`. */
export interface ListSchema {
  readonly kind: 'list';
  readonly items: FieldSchema;
}

/** The schema of a scalar value. */
export interface ScalarSchema {
  readonly kind: 'scalar';
  readonly check: ScalarCheck;
}

/** Any node of a config schema. */
export type FieldSchema = ObjectSchema | ListSchema | ScalarSchema;

/** Shows a value the way the user wrote it, shortened. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One schema per key of `T`: the compiler checks that the schema and the config type name the same keys. */
export type FieldsOf<T> = { readonly [K in keyof T]-?: FieldSchema };

/** An object with exactly these keys. */
export function object<T = Record<string, unknown>>(fields: FieldsOf<T>): ObjectSchema {
  return { kind: 'object', fields };
}

/** A list of items that each follow `items`. */
export function list(items: FieldSchema): ListSchema {
  return { kind: 'list', items };
}

/** An integer in [min, max]. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): ScalarSchema {
  return {
    kind: 'scalar',
    check: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined : `expected an integer from ${min} to ${max}, got ${show(v)}`),
  };
}

/** A TCP port, 1-65535. */
export function port(): ScalarSchema {
  return integer(1, 65535);
}

/** A Kubernetes NodePort, in K3s's default service-node-port-range 30000-32767. */
export function nodePort(): ScalarSchema {
  return integer(30000, 32767);
}

/** A number in [min, max] (fractions allowed). */
export function decimal(min: number, max: number): ScalarSchema {
  return {
    kind: 'scalar',
    check: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? undefined : `expected a number from ${min} to ${max}, got ${show(v)}`),
  };
}

/** true or false. */
export function boolean(): ScalarSchema {
  return { kind: 'scalar', check: (v) => (typeof v === 'boolean' ? undefined : `expected true or false, got ${show(v)}`) };
}

/** A string matching `pattern`; `allowed` describes the pattern in words. */
export function text(pattern: RegExp, allowed: string): ScalarSchema {
  return {
    kind: 'scalar',
    check: (v) => (typeof v === 'string' && pattern.test(v) ? undefined : `expected ${allowed}, got ${show(v)}`),
  };
}

/** One of the given strings. */
export function oneOf(values: readonly string[]): ScalarSchema {
  return {
    kind: 'scalar',
    check: (v) => (typeof v === 'string' && values.includes(v)
      ? undefined : `expected one of ${values.map((x) => `'${x}'`).join(', ')}, got ${show(v)}`),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every problem in `value` against `schema`, each as `<path>: <problem>`. Objects may leave keys out (defaults fill
 * them in); unknown keys are errors; lists are replaced whole, so every item is checked.
 */
export function validateAgainst(schema: FieldSchema, value: unknown, path: string): string[] {
  if (schema.kind === 'scalar') {
    const problem = schema.check(value);
    return problem ? [`${path}: ${problem}`] : [];
  }
  if (schema.kind === 'list') {
    if (!Array.isArray(value)) return [`${path}: expected a list, got ${show(value)}`];
    return value.flatMap((item, i) => validateAgainst(schema.items, item, `${path}[${i}]`));
  }
  if (!isPlainObject(value)) return [`${path}: expected an object with keys ${Object.keys(schema.fields).join(', ')}, got ${show(value)}`];
  return Object.entries(value).flatMap(([key, child]) => {
    const fieldSchema = schema.fields[key];
    if (!fieldSchema) return [`${path}.${key}: unknown key; allowed keys are ${Object.keys(schema.fields).join(', ')}`];
    return validateAgainst(fieldSchema, child, `${path}.${key}`);
  });
}

/** `overrides` laid over `defaults`: objects merge key by key, lists and scalars replace. */
export function deepMerge<T>(defaults: T, overrides: unknown): T {
  if (!isPlainObject(defaults) || !isPlainObject(overrides)) return (overrides === undefined ? defaults : overrides) as T;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) merged[key] = deepMerge(merged[key], value);
  return merged as T;
}
