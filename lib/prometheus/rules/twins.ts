import { AlertRule, Component, Severity } from './types.js';

/**
 * The alert factory of one component: each alert it defines carries the severity and component labels
 * Alertmanager routes on.
 */
export function componentAlerts(component: Component): (severity: Severity, rule: Omit<AlertRule, 'labels'>) => AlertRule {
  return (severity, rule) => ({ ...rule, labels: { severity, component } });
}

/** The threshold of one severity of an alert. */
export interface AlertLevel {
  readonly expr: string;
  /** Prometheus duration the condition must hold before the alert fires. */
  readonly for: string;
}

/** What the warning and critical versions of an alert share. */
export interface AlertTwinsProps {
  readonly alert: string;
  readonly component: Component;
  readonly summary: string;
  readonly description: string;
  readonly warning: AlertLevel;
  readonly critical: AlertLevel;
}

/**
 * Define the warning and critical versions of one alert. They share the alertname, labels and annotations, so
 * Alertmanager's inhibition (same alertname and identifying labels) silences the warning while the critical fires,
 * as kube-prometheus does with e.g. NodeFilesystemSpaceFillingUp.
 */
export function alertTwins(props: AlertTwinsProps): AlertRule[] {
  const { alert, component, summary, description } = props;
  const level = (severity: Severity, { expr, for: duration }: AlertLevel): AlertRule => ({
    alert,
    expr,
    for: duration,
    labels: { severity, component },
    annotations: { summary, description },
  });
  return [level(Severity.WARNING, props.warning), level(Severity.CRITICAL, props.critical)];
}
