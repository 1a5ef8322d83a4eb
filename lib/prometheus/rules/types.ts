/** Who is paged: Alertmanager routes on this label. */
export enum Severity {
  CRITICAL = 'critical',
  WARNING = 'warning',
  INFO = 'info',
}

/** The part of the stack an alert is about: Alertmanager routes on this label too. */
export enum Component {
  GPU = 'gpu',
  NODE = 'node',
  KUBERNETES = 'kubernetes',
  SECURITY = 'security',
  ML = 'ml',
  STACK = 'stack',
}

/** One Prometheus alerting rule. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration, e.g. '5m'. */
  readonly for?: string;
  readonly labels: { readonly severity: Severity; readonly component: Component; readonly [key: string]: string };
  readonly annotations: { readonly summary: string; readonly description: string; readonly [key: string]: string };
}

/** One Prometheus recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: { readonly [key: string]: string };
}

/** A named group of rules, evaluated together. */
export interface RuleGroup {
  readonly name: string;
  /** Prometheus duration; @default - the global evaluation interval. */
  readonly interval?: string;
  readonly rules: ReadonlyArray<AlertRule | RecordingRule>;
}
