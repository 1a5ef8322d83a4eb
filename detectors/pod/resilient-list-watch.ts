import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';

/** Options of `ResilientListWatch`. */
export interface ResilientListWatchOptions<T extends KubernetesObject> {
  /** API path to watch, e.g. `/api/v1/pods`. */
  readonly path: string;
  /** Lists the objects (the first list, and every relist after 410 Gone). */
  readonly list: () => Promise<KubernetesListObject<T>>;
  /** e.g. `involvedObject.kind=Pod`. @default - no field selector */
  readonly fieldSelector?: string;
  /** First wait before reconnecting after an error; doubles up to `maxBackoffMs`. @default 1000 */
  readonly initialBackoffMs?: number;
  /** @default 30000 */
  readonly maxBackoffMs?: number;
  /** Called on every list or watch failure, before the reconnect is scheduled. */
  readonly onError: (err: unknown, retryInMs: number) => void;
  /** Called after every successful list and every watch stream the API server opened: it answers again. */
  readonly onConnected: () => void;
}

type WatchCallback = Parameters<Watch['watch']>[2];
type DoneCallback = Parameters<Watch['watch']>[3];

/**
 * The client's Watch, telling when the API server accepted a watch: after an outage the ListWatch resumes
 * from its resourceVersion without listing again, so a successful list alone would never say it is back.
 */
class ConnectionReportingWatch extends Watch {
  constructor(kubeConfig: KubeConfig, private readonly onOpened: () => void) {
    super(kubeConfig);
  }

  override async watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: DoneCallback): Promise<AbortController> {
    let failed = false;
    // The client reports a refused request or a non-200 answer through `done` before `watch` returns.
    const controller = await super.watch(path, queryParams, callback, (err) => {
      if (err) failed = true;
      done(err);
    });
    if (!failed) this.onOpened();
    return controller;
  }
}

/**
 * A list-then-watch cache that never gives up. The client's ListWatch already resumes the watch from the last
 * resourceVersion when the stream ends and relists when the server answers 410 Gone; but after any other error
 * (API server down, connection refused, 5xx) it stops for good, so this restarts it with exponential backoff.
 */
export class ResilientListWatch<T extends KubernetesObject> {
  private readonly listWatch: ListWatch<T>;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(kubeConfig: KubeConfig, private readonly options: ResilientListWatchOptions<T>) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.backoffMs = this.initialBackoffMs;
    const connected = (): void => {
      this.backoffMs = this.initialBackoffMs;
      options.onConnected();
    };
    const list = async (): Promise<KubernetesListObject<T>> => {
      const result = await options.list();
      connected();
      return result;
    };
    const watch = new ConnectionReportingWatch(kubeConfig, connected);
    this.listWatch = new ListWatch(options.path, watch, list, false, undefined, options.fieldSelector);
    this.listWatch.on('error', (err) => this.retryAfter(err));
  }

  /** Starts listing and watching; failures are reported through `onError` and retried, never thrown. */
  start(): void {
    this.stopped = false;
    this.listWatch.start().catch((err: unknown) => this.retryAfter(err));
  }

  /** The cached objects, all namespaces. */
  list(): ReadonlyArray<T> {
    return this.listWatch.list();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.listWatch.stop();
  }

  private retryAfter(err: unknown): void {
    if (this.stopped) return;
    const waitMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    this.options.onError(err, waitMs);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.start(), waitMs);
  }
}
