import { INetworkEndpoint } from '../network/peer.js';

/** Where Prometheus finds a component's metrics: declared once, by the component. */
export interface ScrapeEndpoint {
  /** Prometheus job name (also the `job` label on its series). */
  readonly jobName: string;
  /** Namespace of the Service that fronts the pods. */
  readonly namespace: string;
  /** Name of that Service: service discovery keeps only its endpoints. */
  readonly serviceName: string;
  /** Name of the Service port that serves metrics. */
  readonly portName: string;
  /** Port number, opened in the NetworkPolicies. */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
  /** Prometheus `metric_relabel_configs` for this job, applied to every scraped series. @default - none */
  readonly metricRelabelings?: ReadonlyArray<Record<string, unknown>>;
  /** Every path needs the stack's basic-auth credentials. @default false */
  readonly basicAuth?: boolean;
}

/** A component Prometheus scrapes. `Prometheus.addScrapeTarget` derives the job and the network flow from it. */
export interface IScrapeTarget {
  readonly scrapeEndpoint: ScrapeEndpoint;
  /** The pods Prometheus must be allowed to reach. */
  readonly network: INetworkEndpoint;
}
