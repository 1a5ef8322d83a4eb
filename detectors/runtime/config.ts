/**
 * Detector configuration: defaults, then detector.json (ODIN_CONFIG_FILE, from the detector ConfigMap), then the
 * environment, which wins. Every value is validated and an error names the field and shows the value.
 */
import { readFileSync } from 'node:fs';
import { parseLogLevel, type LogLevel } from './logger.js';
import type { ModeName } from './mode.js';
import type { PrometheusAuth } from './prometheus-client.js';

export const MODE_NAMES: readonly ModeName[] = ['gpu-exporter', 'gpu', 'pod', 'process', 'disk'];

/** The port each mode serves on (docs/DEVELOPING.md). */
const DEFAULT_PORTS: Readonly<Record<ModeName, number>> = { 'gpu-exporter': 9402, gpu: 9405, pod: 9406, process: 9407, disk: 9408 };

/** The resolved configuration of one detector process. */
export interface DetectorConfig {
  readonly mode: ModeName;
  /** ODIN_PORT. @default the mode's port */
  readonly port: number;
  /** ODIN_LISTEN_HOST. @default '0.0.0.0' (tests use 127.0.0.1) */
  readonly listenHost: string;
  /** ODIN_PROMETHEUS_URL. @default 'http://prometheus.odin.svc.cluster.local:9090' */
  readonly prometheusUrl: string;
  /**
   * Basic auth towards Prometheus: ODIN_PROMETHEUS_USERNAME and ODIN_PROMETHEUS_PASSWORD_FILE (the mounted Secret key,
   * read at each request so a rotated Secret takes effect), both or neither. @default - none
   */
  readonly prometheusAuth?: PrometheusAuth;
  /** ODIN_MODELS_DIR. @default '/models' */
  readonly modelsDir: string;
  /** ODIN_NVIDIA_SMI. @default 'nvidia-smi' */
  readonly nvidiaSmi: string;
  /** ODIN_PROC_DIR. @default '/proc' */
  readonly procDir: string;
  /** ODIN_HOST_ROOT. @default '/' */
  readonly hostRoot: string;
  /** NODE_NAME (downward API). @default '' */
  readonly nodeName: string;
  /** ODIN_LOG_LEVEL. @default 'info' */
  readonly logLevel: LogLevel;
  /** cycleIntervalSec / ODIN_CYCLE_INTERVAL_SEC. @default 60 */
  readonly cycleIntervalSec: number;
  /** trainIntervalSec / ODIN_TRAIN_INTERVAL_SEC. @default 21600 */
  readonly trainIntervalSec: number;
  /** trainWindowSec / ODIN_TRAIN_WINDOW_SEC. @default 604800 */
  readonly trainWindowSec: number;
  /** anomalyShare / ODIN_ANOMALY_SHARE. @default 0.05 */
  readonly anomalyShare: number;
  /** scrapeStepSec / ODIN_SCRAPE_STEP_SEC. @default 15 */
  readonly scrapeStepSec: number;
  /** The mode's own section of detector.json. @default {} */
  readonly settings: Readonly<Record<string, unknown>>;
}

type NumericKey = 'cycleIntervalSec' | 'trainIntervalSec' | 'trainWindowSec' | 'anomalyShare' | 'scrapeStepSec';

interface NumericField {
  readonly env: string;
  readonly fallback: number;
  readonly check: (v: number) => boolean;
  readonly expected: string;
}

const positive = (v: number) => v > 0;
const NUMERIC_FIELDS: Readonly<Record<NumericKey, NumericField>> = {
  cycleIntervalSec: { env: 'ODIN_CYCLE_INTERVAL_SEC', fallback: 60, check: positive, expected: 'a positive number of seconds' },
  trainIntervalSec: { env: 'ODIN_TRAIN_INTERVAL_SEC', fallback: 21_600, check: positive, expected: 'a positive number of seconds' },
  trainWindowSec: { env: 'ODIN_TRAIN_WINDOW_SEC', fallback: 604_800, check: positive, expected: 'a positive number of seconds' },
  anomalyShare: { env: 'ODIN_ANOMALY_SHARE', fallback: 0.05, check: (v) => v > 0 && v < 1, expected: 'a number in (0, 1)' },
  scrapeStepSec: { env: 'ODIN_SCRAPE_STEP_SEC', fallback: 15, check: positive, expected: 'a positive number of seconds' },
};

/** The detector.json content, checked: known keys only (a typo is an error, not a silently ignored setting). */
function parseConfigFile(raw: unknown, source: string): Partial<Record<NumericKey, number>> & Partial<Record<ModeName, Record<string, unknown>>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${source} must hold a JSON object, got ${JSON.stringify(raw)}`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (Object.hasOwn(NUMERIC_FIELDS, key)) {
      const field = NUMERIC_FIELDS[key as NumericKey];
      if (typeof value !== 'number' || !Number.isFinite(value) || !field.check(value)) throw new Error(`${source}: '${key}' must be ${field.expected}, got ${JSON.stringify(value)}`);
    } else if ((MODE_NAMES as readonly string[]).includes(key)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: '${key}' must be an object of settings, got ${JSON.stringify(value)}`);
    } else {
      throw new Error(`${source}: unknown key '${key}'; known keys are ${[...Object.keys(NUMERIC_FIELDS), ...MODE_NAMES].join(', ')}`);
    }
    out[key] = value;
  }
  return out;
}

/** The configuration of `mode` from the environment and the file it names (read synchronously at start). */
export function loadConfig(modeArg: string | undefined, env: NodeJS.ProcessEnv = process.env): DetectorConfig {
  const mode = parseMode(modeArg ?? env.ODIN_MODE);
  const file = env.ODIN_CONFIG_FILE ? readConfigFile(env.ODIN_CONFIG_FILE) : {};
  const numbers = {} as Record<NumericKey, number>;
  for (const [key, field] of Object.entries(NUMERIC_FIELDS) as Array<[NumericKey, NumericField]>) {
    numbers[key] = env[field.env] !== undefined && env[field.env] !== '' ? envNumber(env, field) : (file[key] ?? field.fallback);
  }
  return {
    mode,
    port: env.ODIN_PORT ? parsePort(env.ODIN_PORT) : DEFAULT_PORTS[mode],
    listenHost: env.ODIN_LISTEN_HOST || '0.0.0.0',
    prometheusUrl: parseUrl(env.ODIN_PROMETHEUS_URL || 'http://prometheus.odin.svc.cluster.local:9090'),
    ...prometheusAuth(env),
    modelsDir: env.ODIN_MODELS_DIR || '/models',
    nvidiaSmi: env.ODIN_NVIDIA_SMI || 'nvidia-smi',
    procDir: env.ODIN_PROC_DIR || '/proc',
    hostRoot: env.ODIN_HOST_ROOT || '/',
    nodeName: env.NODE_NAME ?? '',
    logLevel: parseLogLevel(env.ODIN_LOG_LEVEL),
    ...numbers,
    settings: file[mode] ?? {},
  };
}

/** ODIN_PROMETHEUS_USERNAME and ODIN_PROMETHEUS_PASSWORD_FILE, which only make sense together. */
function prometheusAuth(env: NodeJS.ProcessEnv): { prometheusAuth?: PrometheusAuth } {
  const username = env.ODIN_PROMETHEUS_USERNAME || undefined;
  const passwordFile = env.ODIN_PROMETHEUS_PASSWORD_FILE || undefined;
  if (username === undefined && passwordFile === undefined) return {};
  if (username === undefined || passwordFile === undefined) {
    throw new Error(`ODIN_PROMETHEUS_USERNAME and ODIN_PROMETHEUS_PASSWORD_FILE go together, got only ${username === undefined ? 'ODIN_PROMETHEUS_PASSWORD_FILE' : 'ODIN_PROMETHEUS_USERNAME'}`);
  }
  if (username.includes(':')) throw new Error(`ODIN_PROMETHEUS_USERNAME must not contain ':' (basic auth separates user and password with it), got '${username}'`);
  return { prometheusAuth: { username, passwordFile } };
}

function parseMode(value: string | undefined): ModeName {
  if (value && (MODE_NAMES as readonly string[]).includes(value)) return value as ModeName;
  throw new Error(`mode (first argument or ODIN_MODE) must be one of ${MODE_NAMES.join(', ')}, got ${JSON.stringify(value ?? null)}`);
}

function readConfigFile(path: string): ReturnType<typeof parseConfigFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`ODIN_CONFIG_FILE '${path}' cannot be read: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`ODIN_CONFIG_FILE '${path}' is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfigFile(raw, `ODIN_CONFIG_FILE '${path}'`);
}

function envNumber(env: NodeJS.ProcessEnv, field: NumericField): number {
  const text = env[field.env]!;
  const value = Number(text);
  if (!Number.isFinite(value) || !field.check(value)) throw new Error(`${field.env} must be ${field.expected}, got '${text}'`);
  return value;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`ODIN_PORT must be an integer port in [0, 65535], got '${text}'`);
  return port;
}

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`ODIN_PROMETHEUS_URL must be an http(s) URL, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`ODIN_PROMETHEUS_URL must be an http(s) URL, got '${text}'`);
  return text.replace(/\/+$/, '');
}
