import { parser } from '@grafana/lezer-logql';
import { SyntaxNode } from '@lezer/common';

/** One label matcher of a LogQL stream selector (`{label op "value"}`). */
export interface StreamMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** A LogQL string literal: double-quoted with escapes, or a backtick raw string. */
function unquote(literal: string): string {
  return literal.startsWith('`') ? literal.slice(1, -1) : JSON.parse(literal) as string;
}

function matcherOf(node: SyntaxNode, expr: string): StreamMatcher {
  const text = (name: string) => {
    const child = node.getChild(name);
    if (child === null) throw new Error(`matcher '${expr.slice(node.from, node.to)}' has no ${name}`);
    return expr.slice(child.from, child.to);
  };
  const opNode = node.getChild('Eq') ?? node.getChild('Neq') ?? node.getChild('Re') ?? node.getChild('Nre');
  if (opNode === null) throw new Error(`matcher '${expr.slice(node.from, node.to)}' has no operator`);
  return { label: text('Identifier'), op: expr.slice(opNode.from, opNode.to) as StreamMatcher['op'], value: unquote(text('String')) };
}

/** The stream selectors of a LogQL query, each as its matchers (label filters after a pipe are not selectors). */
export function streamSelectors(expr: string): StreamMatcher[][] {
  const selectors: StreamMatcher[][] = [];
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.name !== 'Selector') return;
      const matchers: StreamMatcher[] = [];
      ref.node.cursor().iterate((inner) => {
        if (inner.name === 'Matcher') matchers.push(matcherOf(inner.node, expr));
      });
      selectors.push(matchers);
      return false;
    },
  });
  return selectors;
}

/** Whether `m` selects a stream that lacks the label (Prometheus semantics: regexes are anchored). */
export function matchesEmpty(m: StreamMatcher): boolean {
  const full = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);
  switch (m.op) {
    case '=': return m.value === '';
    case '!=': return m.value !== '';
    case '=~': return full(m.value, '');
    case '!~': return !full(m.value, '');
  }
}

/**
 * The selectors of `expr` that Loki refuses: "queries require at least one regexp or equality matcher that does not
 * have an empty-compatible value" (pkg/logql/syntax/parser.go, validateMatchers, at v3.5.3), so `{namespace=~".*"}`
 * is refused and `{namespace=~".+"}` accepted.
 */
export function refusedSelectors(expr: string): string[] {
  return streamSelectors(expr)
    .filter((matchers) => matchers.every(matchesEmpty))
    .map((matchers) => `{${matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(', ')}}`);
}

/** The stream labels a log shipper attaches: every label name, and for some names every value they can take. */
export interface StreamLabels {
  readonly names: ReadonlySet<string>;
  /** Labels whose values are all known (job names, container names); others may take any value. */
  readonly values: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * What in `expr`'s stream selectors no stream can have: a label the shipper never attaches, or a value of a
 * label with known values that no `=`/`=~` matcher can match.
 */
export function unmatchedStreamLabels(expr: string, labels: StreamLabels): string[] {
  return streamSelectors(expr).flat().flatMap((m) => {
    if (!labels.names.has(m.label)) return [`label '${m.label}' is never attached`];
    const known = labels.values.get(m.label);
    if (known === undefined || (m.op !== '=' && m.op !== '=~')) return [];
    const matches = [...known].some((value) => (m.op === '=' ? value === m.value : new RegExp(`^(?:${m.value})$`).test(value)));
    return matches ? [] : [`${m.label}${m.op}${JSON.stringify(m.value)} matches none of ${[...known].join(', ')}`];
  });
}
