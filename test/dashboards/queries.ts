import { parser as logqlParser } from '@grafana/lezer-logql';
import { syntaxErrors } from '../rules/promql.js';

/**
 * The query as Grafana sends it: interval macros become a duration and template variables a value, so that the
 * PromQL and LogQL parsers see what Prometheus and Loki will.
 */
export function interpolate(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|auto|range)/g, '5m').replace(/\$\{?(\w+)\}?/g, 'x');
}

/** Where lezer-logql found a syntax error in `expr` (empty when it parses cleanly). */
export const logqlErrors = (expr: string): string[] => syntaxErrors(logqlParser, expr);

/** The metric a `label_values(metric, label)` variable query reads. */
export function variableMetric(query: string): string | undefined {
  return /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1];
}
