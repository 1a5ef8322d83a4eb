import { CoreV1Api, type CoreV1Event, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { ResilientListWatch } from './resilient-list-watch.js';

/** Where the pod detector gets pods and their events from: the API server, or a fixed set in the benchmark. */
export interface PodSource {
  pods(): ReadonlyArray<V1Pod>;
  /** Warning events about pods (BackOff, Unhealthy, FailedScheduling...), as evidence for the log. */
  warningEvents(): ReadonlyArray<CoreV1Event>;
}

/** Options of `PodWatch`. */
export interface PodWatchOptions {
  /** Called on every failed list or watch; the watch retries by itself after `retryInMs`. */
  readonly onError: (err: unknown, retryInMs: number) => void;
  /** Called after every successful list or opened watch: the API server answers again. */
  readonly onConnected: () => void;
  /** @default 1000 */
  readonly initialBackoffMs?: number;
  /** @default 30000 */
  readonly maxBackoffMs?: number;
}

/** Pods and pod Warning events of all namespaces, kept current by list + watch with reconnects. */
export class PodWatch implements PodSource {
  private readonly podCache: ResilientListWatch<V1Pod>;
  private readonly eventCache: ResilientListWatch<CoreV1Event>;

  constructor(kubeConfig: KubeConfig, options: PodWatchOptions) {
    const api = kubeConfig.makeApiClient(CoreV1Api);
    const common = {
      initialBackoffMs: options.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      onError: options.onError,
      onConnected: options.onConnected,
    };
    this.podCache = new ResilientListWatch<V1Pod>(kubeConfig, {
      ...common, path: '/api/v1/pods', list: () => api.listPodForAllNamespaces(),
    });
    const warningsAboutPods = 'involvedObject.kind=Pod,type=Warning';
    this.eventCache = new ResilientListWatch<CoreV1Event>(kubeConfig, {
      ...common,
      path: '/api/v1/events',
      fieldSelector: warningsAboutPods,
      list: () => api.listEventForAllNamespaces({ fieldSelector: warningsAboutPods }),
    });
  }

  start(): void {
    this.podCache.start();
    this.eventCache.start();
  }

  pods(): ReadonlyArray<V1Pod> {
    return this.podCache.list();
  }

  warningEvents(): ReadonlyArray<CoreV1Event> {
    return this.eventCache.list();
  }

  async stop(): Promise<void> {
    await Promise.all([this.podCache.stop(), this.eventCache.stop()]);
  }
}
