import { CoreV1Api, type CoreV1Event, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { ResilientListWatch } from './resilient-list-watch.js';

/** Whether the Kubernetes API answered lately, for `/health` and readiness. */
export interface KubernetesHealth {
  readonly reachable: boolean;
  /** Unix seconds of the last successful list; undefined before the first. */
  readonly lastListedSec?: number;
  readonly lastError?: string;
}

/** Where the pod detector gets pods and their events from: the API server, or a fixed set in the benchmark. */
export interface PodSource {
  pods(): ReadonlyArray<V1Pod>;
  /** Warning events about pods (BackOff, Unhealthy, FailedScheduling...), as evidence for the log. */
  warningEvents(): ReadonlyArray<CoreV1Event>;
  health(): KubernetesHealth;
}

/** Options of `PodWatch`. */
export interface PodWatchOptions {
  /** Called on every failed list or watch; the watch retries by itself after `retryInMs`. */
  readonly onError: (err: unknown, retryInMs: number) => void;
  /** @default 1000 */
  readonly initialBackoffMs?: number;
  /** @default 30000 */
  readonly maxBackoffMs?: number;
}

/** Pods and pod Warning events of all namespaces, kept current by list + watch with reconnects. */
export class PodWatch implements PodSource {
  private readonly podCache: ResilientListWatch<V1Pod>;
  private readonly eventCache: ResilientListWatch<CoreV1Event>;
  private state: KubernetesHealth = { reachable: false };

  constructor(kubeConfig: KubeConfig, options: PodWatchOptions) {
    const api = kubeConfig.makeApiClient(CoreV1Api);
    const common = {
      initialBackoffMs: options.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      onError: (err: unknown, retryInMs: number) => {
        this.state = { ...this.state, reachable: false, lastError: err instanceof Error ? err.message : String(err) };
        options.onError(err, retryInMs);
      },
      onListed: () => {
        this.state = { ...this.state, reachable: true, lastListedSec: Date.now() / 1000 };
      },
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

  health(): KubernetesHealth {
    return this.state;
  }

  async stop(): Promise<void> {
    await Promise.all([this.podCache.stop(), this.eventCache.stop()]);
  }
}
