/**
 * Reading nvidia-smi: `nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits` prints one line per GPU,
 * fields separated by ", " in the order asked. A field the GPU cannot report reads `[N/A]`, `[Not Supported]`
 * or similar; it becomes undefined and its metric is simply absent for that GPU.
 */
import { execFile } from 'node:child_process';

/**
 * Clocks-event (throttle) reasons. Queried under their old `clocks_throttle_reasons.*` names, which every driver
 * accepts (newer ones print `clocks_event_reasons.*` in the header but answer to both).
 */
export const CLOCKS_EVENT_REASONS = [
  'gpu_idle',
  'applications_clocks_setting',
  'sw_power_cap',
  'hw_slowdown',
  'hw_thermal_slowdown',
  'hw_power_brake_slowdown',
  'sw_thermal_slowdown',
  'sync_boost',
] as const;
export type ClocksEventReason = (typeof CLOCKS_EVENT_REASONS)[number];

const NUMERIC_FIELDS = {
  temperatureCelsius: 'temperature.gpu',
  memoryTemperatureCelsius: 'temperature.memory',
  powerDrawWatts: 'power.draw',
  powerLimitWatts: 'power.limit',
  utilizationGpuPercent: 'utilization.gpu',
  utilizationMemoryPercent: 'utilization.memory',
  memoryUsedMiB: 'memory.used',
  memoryTotalMiB: 'memory.total',
  fanSpeedPercent: 'fan.speed',
  clockSmMHz: 'clocks.sm',
  clockSmMaxMHz: 'clocks.max.sm',
} as const;
type NumericField = keyof typeof NUMERIC_FIELDS;

/** The --query-gpu fields in the order the parser expects them. */
export const QUERY_FIELDS: readonly string[] = [
  'index',
  'name',
  'uuid',
  'driver_version',
  ...Object.values(NUMERIC_FIELDS),
  ...CLOCKS_EVENT_REASONS.map((r) => `clocks_throttle_reasons.${r}`),
];

export type GpuReading = { readonly index: string; readonly name: string; readonly uuid: string; readonly driverVersion: string } & {
  readonly [K in NumericField]: number | undefined;
} & {
  /** true when the reason is active, undefined when not reported. */
  readonly clocksEventReasons: Readonly<Partial<Record<ClocksEventReason, boolean>>>;
};

/** A line nvidia-smi printed that could not be read; the other GPUs are still reported. */
export interface ParseProblem {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedQuery {
  readonly gpus: GpuReading[];
  readonly problems: ParseProblem[];
}

/** Values nvidia-smi prints for a field it cannot report (with or without the brackets). */
function isUnavailable(value: string): boolean {
  return /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU requires reset|Requested functionality has been deprecated)\]?$/i.test(value);
}

function parseNumber(value: string): number | undefined {
  if (isUnavailable(value) || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function parseActive(value: string): boolean | undefined {
  if (value === 'Active') return true;
  if (value === 'Not Active') return false;
  return undefined;
}

/** Parses the output of the query built from QUERY_FIELDS. */
export function parseQueryOutput(stdout: string): ParsedQuery {
  const gpus: GpuReading[] = [];
  const problems: ParseProblem[] = [];
  stdout.split(/\r?\n/).forEach((text, i) => {
    if (text.trim() === '') return;
    const values = text.split(',').map((v) => v.trim());
    if (values.length !== QUERY_FIELDS.length) {
      problems.push({ line: i + 1, reason: `expected ${QUERY_FIELDS.length} fields, got ${values.length}` });
      return;
    }
    const [index, name, uuid, driverVersion] = values;
    if (!/^\d+$/.test(index)) {
      problems.push({ line: i + 1, reason: `GPU index ${JSON.stringify(index)} is not a number` });
      return;
    }
    const numeric = Object.fromEntries((Object.keys(NUMERIC_FIELDS) as NumericField[]).map((key, k) => [key, parseNumber(values[4 + k])])) as Record<NumericField, number | undefined>;
    const reasonsStart = 4 + Object.keys(NUMERIC_FIELDS).length;
    const clocksEventReasons: Partial<Record<ClocksEventReason, boolean>> = {};
    CLOCKS_EVENT_REASONS.forEach((reason, k) => {
      const active = parseActive(values[reasonsStart + k]);
      if (active !== undefined) clocksEventReasons[reason] = active;
    });
    gpus.push({ index, name, uuid, driverVersion, ...numeric, clocksEventReasons });
  });
  return { gpus, problems };
}

/** Why a run of nvidia-smi failed (the `reason` label of nvidia_smi_errors_total). */
export type NvidiaSmiFailure = 'not_found' | 'timeout' | 'exit' | 'parse';

export class NvidiaSmiError extends Error {
  constructor(
    public readonly reason: NvidiaSmiFailure,
    message: string,
  ) {
    super(message);
    this.name = 'NvidiaSmiError';
  }
}

/** Runs the query; rejects with an NvidiaSmiError saying why it failed. */
export function queryGpus(command: string, timeoutMs: number, signal?: AbortSignal): Promise<ParsedQuery> {
  const args = [`--query-gpu=${QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, signal, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
        if (e.code === 'ENOENT' || e.code === 'EACCES') return reject(new NvidiaSmiError('not_found', `nvidia-smi '${command}' cannot be run: ${e.code}`));
        if (e.killed || e.name === 'AbortError') return reject(new NvidiaSmiError('timeout', `nvidia-smi did not finish within ${timeoutMs} ms`));
        return reject(new NvidiaSmiError('exit', `nvidia-smi exited with ${String(e.code)}: ${(stderr || stdout).trim().slice(0, 300)}`));
      }
      const parsed = parseQueryOutput(stdout);
      if (parsed.gpus.length === 0) return reject(new NvidiaSmiError('parse', `nvidia-smi printed no readable GPU line: ${stdout.trim().slice(0, 300)}`));
      resolve(parsed);
    });
  });
}
