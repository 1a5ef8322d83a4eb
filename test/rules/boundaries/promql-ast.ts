/**
 * A small syntax tree of the PromQL the alert rules use, built from lezer-promql's parse tree: enough for the
 * boundary-case model (promql-model.ts) to evaluate an expression over synthetic series.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** `name{matchers}`: the metric name and the label matchers of one vector selector. */
export interface Selector {
  readonly name: string;
  readonly matchers: readonly Matcher[];
}

/** How a binary operation pairs the elements of two vectors (`on (...)`, `ignoring (...)`). */
export interface VectorMatching {
  readonly on: boolean;
  readonly labels: readonly string[];
}

export type Ast =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'selector'; readonly selector: Selector; readonly rangeSec?: number }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Ast[] }
  | { readonly kind: 'aggregate'; readonly op: string; readonly grouping?: VectorMatching; readonly args: readonly Ast[] }
  | { readonly kind: 'binary'; readonly op: string; readonly bool: boolean; readonly matching?: VectorMatching; readonly lhs: Ast; readonly rhs: Ast }
  | { readonly kind: 'unary'; readonly op: string; readonly expr: Ast };

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** A Prometheus duration ('90s', '7m30s', '1h') in seconds. */
export function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a Prometheus duration: '${text}'`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0);
}

const OPERATORS: Record<string, string> = {
  Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^', Eql: '==', Neq: '!=', Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=',
  And: 'and', Or: 'or', Unless: 'unless', Atan2: 'atan2',
};

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

function unquote(text: string): string {
  if (text.startsWith('"')) return JSON.parse(text) as string;
  return text.slice(1, -1);
}

function labelList(node: SyntaxNode | undefined, text: string): string[] {
  return node ? children(node).map((c) => (c.name === 'QuotedLabelName' ? unquote(text.slice(c.from, c.to)) : text.slice(c.from, c.to))) : [];
}

function matching(node: SyntaxNode | undefined, text: string): VectorMatching | undefined {
  if (!node) return undefined;
  const [kind, labels] = children(node);
  return { on: kind.name === 'On' || kind.name === 'By', labels: labelList(labels, text) };
}

function selector(node: SyntaxNode, text: string): Selector {
  const parts = children(node);
  const name = parts.find((c) => c.name === 'Identifier');
  const matchers = (parts.find((c) => c.name === 'LabelMatchers') ? children(parts.find((c) => c.name === 'LabelMatchers')!) : []).map((m) => {
    const [label, op, value] = children(m);
    const labelText = text.slice(label.from, label.to);
    return { label: label.name === 'QuotedLabelName' ? unquote(labelText) : labelText, op: text.slice(op.from, op.to) as MatchOp, value: unquote(text.slice(value.from, value.to)) };
  });
  const quotedName = matchers.find((m) => m.label === '__name__' && m.op === '=');
  return {
    name: name ? text.slice(name.from, name.to) : quotedName?.value ?? '',
    matchers: matchers.filter((m) => m !== quotedName),
  };
}

function toAst(node: SyntaxNode, text: string): Ast {
  const parts = children(node);
  switch (node.name) {
    case 'PromQL':
    case 'ParenExpr':
      return toAst(parts[0], text);
    case 'NumberDurationLiteral': {
      const literal = text.slice(node.from, node.to);
      return { kind: 'number', value: /^[\d.]+(ms|s|m|h|d|w|y)/.test(literal) ? durationSeconds(literal) : Number(literal) };
    }
    case 'VectorSelector':
      return { kind: 'selector', selector: selector(node, text) };
    case 'MatrixSelector':
      return { kind: 'selector', selector: selector(parts[0], text), rangeSec: durationSeconds(text.slice(parts[1].from, parts[1].to)) };
    case 'FunctionCall':
      return { kind: 'call', fn: text.slice(parts[0].from, parts[0].to), args: children(parts[1]).map((a) => toAst(a, text)) };
    case 'AggregateExpr':
      return {
        kind: 'aggregate', op: text.slice(parts[0].from, parts[0].to),
        grouping: matching(parts.find((c) => c.name === 'AggregateModifier'), text),
        args: children(parts.find((c) => c.name === 'FunctionCallBody')!).map((a) => toAst(a, text)),
      };
    case 'BinaryExpr': {
      const op = parts.find((c) => OPERATORS[c.name]);
      if (!op) throw new Error(`unsupported operator in '${text.slice(node.from, node.to)}'`);
      if (parts.some((c) => c.name === 'MatchingModifierClause' && children(c).some((g) => g.name === 'GroupLeft' || g.name === 'GroupRight'))) {
        throw new Error(`group_left/group_right are not modelled: '${text.slice(node.from, node.to)}'`);
      }
      return {
        kind: 'binary', op: OPERATORS[op.name], bool: parts.some((c) => c.name === 'BoolModifier'),
        matching: matching(parts.find((c) => c.name === 'MatchingModifierClause'), text),
        lhs: toAst(parts[0], text), rhs: toAst(parts[parts.length - 1], text),
      };
    }
    case 'UnaryExpr':
      return { kind: 'unary', op: text.slice(parts[0].from, parts[0].to), expr: toAst(parts[1], text) };
    default:
      throw new Error(`${node.name} is not modelled: '${text.slice(node.from, node.to)}'`);
  }
}

/** The syntax tree of `expr`; throws on a syntax error or on a construct the model does not know. */
export function parsePromql(expr: string): Ast {
  const tree = parser.parse(expr);
  tree.iterate({ enter: (n) => { if (n.type.isError) throw new Error(`PromQL syntax error at ${n.from} in '${expr}'`); } });
  return toAst(tree.topNode, expr);
}

/** The value of an expression of number literals only (`13 * 3600`), or undefined for anything else. */
export function constantValue(ast: Ast): number | undefined {
  if (ast.kind === 'number') return ast.value;
  if (ast.kind === 'unary') {
    const inner = constantValue(ast.expr);
    return inner === undefined ? undefined : ast.op === '-' ? -inner : inner;
  }
  if (ast.kind !== 'binary') return undefined;
  const [a, b] = [constantValue(ast.lhs), constantValue(ast.rhs)];
  if (a === undefined || b === undefined) return undefined;
  const arithmetic: Record<string, (x: number, y: number) => number> = { '+': (x, y) => x + y, '-': (x, y) => x - y, '*': (x, y) => x * y, '/': (x, y) => x / y };
  return arithmetic[ast.op]?.(a, b);
}

/** Every vector selector of `ast`, in the order they appear. */
export function selectorsOf(ast: Ast): Array<Extract<Ast, { kind: 'selector' }>> {
  switch (ast.kind) {
    case 'selector': return [ast];
    case 'call': case 'aggregate': return ast.args.flatMap(selectorsOf);
    case 'binary': return [...selectorsOf(ast.lhs), ...selectorsOf(ast.rhs)];
    case 'unary': return selectorsOf(ast.expr);
    default: return [];
  }
}

/** Whether `ast` calls `fn` anywhere. */
export function callsFunction(ast: Ast, fn: string): boolean {
  switch (ast.kind) {
    case 'call': return ast.fn === fn || ast.args.some((a) => callsFunction(a, fn));
    case 'aggregate': return ast.args.some((a) => callsFunction(a, fn));
    case 'binary': return callsFunction(ast.lhs, fn) || callsFunction(ast.rhs, fn);
    case 'unary': return callsFunction(ast.expr, fn);
    default: return false;
  }
}

/** `name{k="v", ...}` for a label set (the name under `__name__`), as promtool reads input series. */
export function seriesText(labels: Readonly<Record<string, string>>): string {
  const { __name__: name, ...rest } = labels;
  return `${name}{${Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** Whether a label set satisfies a selector (a missing label reads as the empty string, as in Prometheus). */
export function selects(sel: Selector, labels: Readonly<Record<string, string>>): boolean {
  if (labels.__name__ !== sel.name) return false;
  return sel.matchers.every((m) => {
    const value = labels[m.label] ?? '';
    switch (m.op) {
      case '=': return value === m.value;
      case '!=': return value !== m.value;
      case '=~': return new RegExp(`^(?:${m.value})$`).test(value);
      case '!~': return !new RegExp(`^(?:${m.value})$`).test(value);
    }
  });
}
