/**
 * Prometheus HTTP API client. Range queries are split so that no request asks for more than 11,000 points per
 * series (Prometheus refuses larger ones), and every answer is checked: a network failure, a timeout, an HTTP
 * error, a body that is not the expected JSON or an error status becomes a `PrometheusError` with a `kind` that
 * the runtime counts.
 */
import { readFile } from 'node:fs/promises';
import type { PrometheusClient, Series } from './mode.js';

/** Most points Prometheus returns per series for one range request. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** Every way a request can fail; the runtime counts each as `prometheus_<kind>`. */
export const PROMETHEUS_ERROR_KINDS = ['unreachable', 'timeout', 'http', 'invalid_response', 'query', 'credentials'] as const;
export type PrometheusErrorKind = typeof PROMETHEUS_ERROR_KINDS[number];

export class PrometheusError extends Error {
  constructor(
    public readonly kind: PrometheusErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** Basic-auth credentials: a user, and the file holding the password (a mounted Secret key). */
export interface PrometheusAuth {
  readonly username: string;
  readonly passwordFile: string;
}

/** Options of `HttpPrometheusClient`. */
export interface HttpPrometheusClientOptions {
  /** Base URL, e.g. http://prometheus.odin.svc.cluster.local:9090. */
  readonly url: string;
  /** Basic auth; the password file is read at each request, so a rotated Secret takes effect. @default - none */
  readonly auth?: PrometheusAuth;
  /** Per-request timeout. @default 10000 */
  readonly timeoutMs?: number;
  /** Called for every failed request, e.g. to count it. */
  readonly onError?: (error: PrometheusError) => void;
}

/** The request windows of a range query: consecutive [start, end] pairs of at most MAX_POINTS_PER_SERIES points. */
export function rangeChunks(startSec: number, endSec: number, stepSec: number): Array<[number, number]> {
  if (!(stepSec > 0)) throw new Error(`range query step must be positive, got ${stepSec}`);
  if (!(endSec >= startSec)) throw new Error(`range query end (${endSec}) is before its start (${startSec})`);
  const span = (MAX_POINTS_PER_SERIES - 1) * stepSec;
  const chunks: Array<[number, number]> = [];
  for (let from = startSec; from <= endSec; from += span + stepSec) chunks.push([from, Math.min(from + span, endSec)]);
  return chunks;
}

export class HttpPrometheusClient implements PrometheusClient {
  private readonly url: string;
  private readonly timeoutMs: number;
  /** Whether the last request reached a working Prometheus; undefined before the first one. */
  public reachable: boolean | undefined;
  public lastError: string | undefined;

  constructor(private readonly options: HttpPrometheusClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async query(expr: string, time?: number, signal?: AbortSignal): Promise<Series[]> {
    const params = new URLSearchParams({ query: expr });
    if (time !== undefined) params.set('time', String(time));
    return this.fetchSeries('/api/v1/query', params, ['vector', 'matrix', 'scalar'], signal);
  }

  async queryRange(expr: string, startSec: number, endSec: number, stepSec: number, signal?: AbortSignal): Promise<Series[]> {
    const merged = new Map<string, { labels: Record<string, string>; points: Array<readonly [number, number]> }>();
    for (const [from, to] of rangeChunks(startSec, endSec, stepSec)) {
      const params = new URLSearchParams({ query: expr, start: String(from), end: String(to), step: String(stepSec) });
      for (const series of await this.fetchSeries('/api/v1/query_range', params, ['matrix'], signal)) {
        const key = JSON.stringify(Object.entries(series.labels).sort());
        const entry = merged.get(key) ?? { labels: { ...series.labels }, points: [] };
        entry.points.push(...series.points);
        merged.set(key, entry);
      }
    }
    return [...merged.values()];
  }

  /** Checks Prometheus's readiness endpoint; updates `reachable` and never throws. */
  async ping(signal?: AbortSignal): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/-/ready`, { headers: await this.authHeaders(), signal: this.withTimeout(signal) });
      await response.arrayBuffer();
      if (!response.ok) throw new PrometheusError('http', `Prometheus /-/ready answered HTTP ${response.status}${authHint(response.status)}`);
      this.reachable = true;
      return true;
    } catch (err) {
      if (signal?.aborted) return false;
      this.fail(classify(err, '/-/ready', this.timeoutMs));
      return false;
    }
  }

  private async fetchSeries(path: string, params: URLSearchParams, resultTypes: string[], signal?: AbortSignal): Promise<Series[]> {
    const body = await this.request(path, params, signal);
    try {
      return parseResult(body, resultTypes);
    } catch (err) {
      this.fail(err as PrometheusError, false);
      throw err;
    }
  }

  private async request(path: string, params: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
    try {
      const response = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await this.authHeaders()) },
        body: params.toString(),
        signal: this.withTimeout(signal),
      });
      const body = await readJson(response, path);
      this.reachable = true;
      return body;
    } catch (err) {
      // Our own shutdown is not a Prometheus failure: pass it on uncounted.
      if (signal?.aborted) throw err;
      const error = classify(err, path, this.timeoutMs);
      // A 4xx/5xx or a bad body still came from something listening; only a request that never reached Prometheus
      // (the network, a timeout, no password to send) leaves it unreachable.
      this.fail(error, error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'credentials');
      throw error;
    }
  }

  /** The Authorization header, with the password read from its file now. */
  private async authHeaders(): Promise<Record<string, string>> {
    const auth = this.options.auth;
    if (!auth) return {};
    let password: string;
    try {
      // Trimmed, as Prometheus reads its own password files: a Secret made from a file often ends in a newline.
      password = (await readFile(auth.passwordFile, 'utf8')).trim();
    } catch (err) {
      throw new PrometheusError('credentials', `Prometheus password file ${auth.passwordFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return { authorization: `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}` };
  }

  /** Records a failure; `unreachable` false means something answered, so Prometheus is there. */
  private fail(error: PrometheusError, unreachable = true): void {
    this.reachable = !unreachable;
    this.lastError = error.message;
    this.options.onError?.(error);
  }

  private withTimeout(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }
}

/** What to check when Prometheus refuses the credentials. */
function authHint(status: number): string {
  return status === 401 ? ' (unauthorized: check ODIN_PROMETHEUS_USERNAME and the password in ODIN_PROMETHEUS_PASSWORD_FILE)' : '';
}

async function readJson(response: Response, path: string): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (!response.ok) throw new PrometheusError('http', `Prometheus ${path} answered HTTP ${response.status}${authHint(response.status)}: ${text.slice(0, 200)}`);
    throw new PrometheusError('invalid_response', `Prometheus ${path} answered with non-JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const envelope = body as { status?: unknown; error?: unknown; errorType?: unknown };
  if (envelope?.status === 'error') throw new PrometheusError('query', `Prometheus ${path} refused the query (${String(envelope.errorType)}): ${String(envelope.error)}`);
  if (!response.ok) throw new PrometheusError('http', `Prometheus ${path} answered HTTP ${response.status}`);
  return body;
}

function classify(err: unknown, path: string, timeoutMs: number): PrometheusError {
  if (err instanceof PrometheusError) return err;
  const e = err as Error;
  if (e.name === 'TimeoutError') return new PrometheusError('timeout', `Prometheus ${path} did not answer within ${timeoutMs} ms`);
  if (e.name === 'AbortError') return new PrometheusError('timeout', `Prometheus ${path} request was aborted`);
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return new PrometheusError('unreachable', `Prometheus ${path} is unreachable: ${cause?.code ?? cause?.message ?? e.message}`);
}

/** Turns a checked `data.result` into series; anything that does not match the API's shape is an invalid response. */
function parseResult(body: unknown, resultTypes: string[]): Series[] {
  const envelope = body as { status?: unknown; data?: { resultType?: unknown; result?: unknown } } | null;
  const data = envelope?.data;
  const bad = (why: string) => new PrometheusError('invalid_response', `Prometheus answer is not a valid query result: ${why}`);
  if (envelope?.status !== 'success' || typeof data !== 'object' || data === null) throw bad('no status "success" with a data object');
  if (!resultTypes.includes(String(data.resultType))) throw bad(`resultType ${JSON.stringify(data.resultType)}, expected ${resultTypes.join(' or ')}`);
  if (data.resultType === 'scalar') return [{ labels: {}, points: [parseSample(data.result, bad)] }];
  if (!Array.isArray(data.result)) throw bad('result is not an array');
  return data.result.map((item: unknown) => {
    const entry = item as { metric?: unknown; values?: unknown; value?: unknown };
    if (typeof entry?.metric !== 'object' || entry.metric === null) throw bad('a series has no metric object');
    const labels = entry.metric as Record<string, string>;
    if (!Object.values(labels).every((v) => typeof v === 'string')) throw bad('a series has non-string labels');
    const samples = data.resultType === 'matrix' ? entry.values : [entry.value];
    if (!Array.isArray(samples)) throw bad('a series has no values array');
    return { labels, points: samples.map((s) => parseSample(s, bad)) };
  });
}

/** Prometheus writes infinities as "+Inf" and "-Inf", which Number() does not read. */
const SPECIAL_VALUES: ReadonlyMap<string, number> = new Map([
  ['+Inf', Infinity],
  ['-Inf', -Infinity],
]);

function parseSample(sample: unknown, bad: (why: string) => PrometheusError): readonly [number, number] {
  if (!Array.isArray(sample) || sample.length !== 2 || typeof sample[0] !== 'number' || typeof sample[1] !== 'string') throw bad(`sample ${JSON.stringify(sample)} is not [time, "value"]`);
  const value = SPECIAL_VALUES.get(sample[1]) ?? Number(sample[1]);
  if (Number.isNaN(value) && sample[1] !== 'NaN') throw bad(`sample value ${JSON.stringify(sample[1])} is not a number`);
  return [sample[0], value];
}
