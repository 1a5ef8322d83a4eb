import { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { ALL_RULE_GROUPS } from '../../lib/prometheus/rules/index.js';
import { EXPORTED_METRIC_NAMES } from '../../lib/exporters/exported-metrics.js';

/** Where a lezer grammar (PromQL, LogQL) finds syntax errors in `expr`: its error nodes, with some context. */
export function syntaxErrors(grammar: { parse(input: string): Tree }, expr: string): string[] {
  const errors: string[] = [];
  grammar.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`error at ${node.from}: '${expr.slice(Math.max(0, node.from - 10), node.to + 10)}'`);
    },
  });
  return errors;
}

/** Where lezer-promql found a syntax error in `expr` (empty when it parses cleanly). */
export const promqlErrors = (expr: string): string[] => syntaxErrors(parser, expr);

/** The metric names `expr` selects: `name{...}` selectors and `{__name__="name"}` matchers. */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(expr.slice(node.from, node.to));
      if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
        const matcher = /^__name__\s*=\s*"([^"]+)"$/.exec(expr.slice(node.from, node.to));
        if (matcher) names.push(matcher[1]);
      }
    },
  });
  return names;
}

/** Series the recording rules produce. */
export const RECORDED_NAMES: ReadonlySet<string> = new Set(
  ALL_RULE_GROUPS.flatMap((g) => g.rules).flatMap((r) => ('record' in r ? [r.record] : [])),
);

/** Metric names `expr` uses that neither an exporter of the stack nor a recording rule produces. */
export function unknownMetrics(expr: string): string[] {
  return metricNames(expr).filter((name) => !EXPORTED_METRIC_NAMES.has(name) && !RECORDED_NAMES.has(name));
}
