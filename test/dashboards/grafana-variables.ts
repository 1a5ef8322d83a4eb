import { Dashboard, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';

/** A dashboard variable as Grafana substitutes it: its name, the value "All" stands for, and its query. */
export interface DashboardVariable {
  readonly name: string;
  readonly type: string;
  /** What `$name` becomes while "All" is selected (Grafana's default choice for a multi-value variable). */
  readonly allValue: string | undefined;
  /** A query variable's query (`label_values(metric, label)`), a text box's default text. */
  readonly query: string;
}

/** The variables of a built dashboard. */
export function dashboardVariables(dashboard: Dashboard): DashboardVariable[] {
  return ((dashboard.templating?.list ?? []) as VariableModel[]).map((v) => ({
    name: v.name,
    type: v.type,
    allValue: v.includeAll ? (v.allValue ?? '.*') : undefined,
    query: String(v.query ?? ''),
  }));
}

/** Grafana's interval macros, in PromQL/LogQL duration syntax. */
export interface IntervalMacros {
  /** `$__interval`: the range divided by the points of the panel. */
  readonly interval: string;
  /** `$__rate_interval`: max($__interval + scrape interval, 4 × scrape interval). */
  readonly rateInterval: string;
  /** `$__auto` (Loki): as `$__interval`. */
  readonly auto: string;
  /** `$__range`: the dashboard's time range. */
  readonly range: string;
}

/** The names of the variables `expr` refers to (`$name` or `${name}`), macros excluded. */
export function variablesIn(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]).filter((name) => !name.startsWith('__')))];
}

/**
 * `expr` as Grafana sends it: macros replaced by `macros`, each variable by its entry in `values` (a variable
 * without one keeps its "All" value, or a text box its default text). An unknown variable is an error: Grafana
 * would send `$name` literally.
 */
export function substitute(
  expr: string, variables: readonly DashboardVariable[], macros: IntervalMacros, values: Readonly<Record<string, string>> = {},
): string {
  const withMacros = expr
    .replace(/\$__rate_interval\b/g, macros.rateInterval)
    .replace(/\$__interval\b/g, macros.interval)
    .replace(/\$__auto\b/g, macros.auto)
    .replace(/\$__range\b/g, macros.range);
  return withMacros.replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
    if (name in values) return values[name];
    const variable = variables.find((v) => v.name === name);
    if (variable === undefined) throw new Error(`'${expr}' names $${name}, which the dashboard does not define`);
    return variable.allValue ?? variable.query;
  });
}
