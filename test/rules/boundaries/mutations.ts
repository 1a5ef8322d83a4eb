/** Changes to an alert rule's numbers that its tests must notice (the mutation study of `npm run mutate:rules`). */
import type { AlertRule } from '../../../lib/prometheus/rules/index.js';
import { durationSeconds } from './promql-ast.js';

export interface Mutation {
  readonly kind: string;
  readonly apply: (rule: AlertRule) => AlertRule | undefined;
}

const TRAILING_NUMBER = /(\d+(?:\.\d+)?)(\s*)$/;

const scaleFor = (factor: number) => (rule: AlertRule): AlertRule | undefined =>
  (rule.for ? { ...rule, for: `${durationSeconds(rule.for) * factor}s` } : undefined);

const scaleThreshold = (factor: number) => (rule: AlertRule): AlertRule | undefined => {
  const match = TRAILING_NUMBER.exec(rule.expr);
  if (!match || Number(match[1]) === 0) return undefined;
  const moved = Number((Number(match[1]) * factor).toPrecision(12));
  return { ...rule, expr: rule.expr.replace(TRAILING_NUMBER, `${moved}$2`) };
};

export const MUTATIONS: readonly Mutation[] = [
  { kind: 'for x0.5', apply: scaleFor(0.5) },
  { kind: 'for x2', apply: scaleFor(2) },
  { kind: 'threshold -10%', apply: scaleThreshold(0.9) },
  { kind: 'threshold +10%', apply: scaleThreshold(1.1) },
];

