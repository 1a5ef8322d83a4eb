/**
 * A small, forgiving shell lexer: splits a command line into simple commands with their words (quotes removed)
 * and redirections, and descends into `sh -c '<script>'`. It never throws: malformed input (an unclosed quote,
 * a truncated command line) just ends the current word, because attackers and truncation both produce it.
 */

export interface Redirect {
  /** `>`, `>>`, `<`, `>&`, `<&`, `&>`, `<>`, ... */
  readonly op: string;
  readonly target: string;
}

export interface SimpleCommand {
  /** Words with quotes removed; argv[0] is the program as written. */
  readonly argv: readonly string[];
  readonly redirects: readonly Redirect[];
  /** Its standard input comes from a pipe. */
  readonly pipedFrom: boolean;
  /** Its standard output goes into a pipe. */
  readonly pipesTo: boolean;
}

type Token = { kind: 'word'; text: string } | { kind: 'op'; text: string } | { kind: 'redirect'; op: string; attached: string };

const OPERATORS = ['&&', '||', '|&', '|', ';', '&', '\n', '(', ')'];
const REDIRECTS = ['&>>', '&>', '>>', '>&', '>|', '<<<', '<<', '<&', '<>', '>', '<'];
/** The first characters of every operator and redirection: any other character continues a word. */
const OPERATOR_START = new Set([...OPERATORS, ...REDIRECTS].map((op) => op[0]));
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'csh', 'tcsh', 'elvish', 'fish', 'su', 'runuser']);
/** Words that run the command after them: `sudo bash -c '...'`, `nohup sh -c '...'`, `env X=1 sh -c '...'`. */
const LAUNCHER_WORDS = new Set(['sudo', 'doas', 'env', 'nohup', 'setsid', 'nice', 'ionice', 'timeout', 'stdbuf', 'exec', 'busybox', 'time', 'chrt', 'taskset', 'flock', 'caffeinate']);
/** Scripts nested deeper than this are left as words (a crafted command line must not recurse forever). */
const MAX_DEPTH = 4;
/** Simple commands kept per script: real ones have a handful; a crafted `a|a|a|...` must not make every rule slow. */
const MAX_COMMANDS = 256;

/**
 * Splits `text` into simple commands, including those of nested `sh -c` scripts and of command substitutions
 * (`URL=$(curl -d x https://paste.rs)`, `` `cat f` ``), which run as commands of their own.
 */
export function parseCommands(text: string, depth = 0): SimpleCommand[] {
  const commands = groupCommands(lex(text));
  if (depth >= MAX_DEPTH) return commands;
  const nested = commands.flatMap((command) => {
    const script = inlineShellScript(command.argv);
    const scripts = [...(script === undefined ? [] : [script]), ...command.argv.flatMap(substitutions)];
    return scripts.flatMap((inner) => parseCommands(inner, depth + 1));
  });
  return [...commands, ...nested].slice(0, MAX_COMMANDS);
}

/** The scripts of the `$(...)` and backtick substitutions in a word (outermost only; deeper ones recurse). */
function substitutions(word: string): string[] {
  const found: string[] = [];
  for (let i = word.indexOf('$('); i >= 0 && found.length < 8; i = word.indexOf('$(', i + 1)) {
    if (word[i + 2] === '(') continue; // `$((1+2))` is arithmetic
    const end = closingParen(word, i + 1);
    found.push(word.slice(i + 2, end));
    i = end;
  }
  const ticks = word.match(/`[^`]+`/g) ?? [];
  return [...found, ...ticks.slice(0, 8).map((t) => t.slice(1, -1))];
}

/**
 * The script of `sh -c '<script>'` (also `bash -lc`, `busybox sh -c`, `sudo bash -c`, `su -c '<script>' user`), or
 * undefined. Launchers and their options before the shell are skipped; `su` takes its script after `-c` and its user
 * after that.
 */
export function inlineShellScript(argv: readonly string[]): string | undefined {
  let start = 0;
  while (start < argv.length - 1 && (LAUNCHER_WORDS.has(baseName(argv[start])) || (start > 0 && /^-|^\d+[smhd]?$|^[A-Za-z_]\w*=/.test(argv[start])))) {
    if (SHELLS.has(baseName(argv[start]))) break;
    start++;
  }
  if (argv[start] === undefined || !SHELLS.has(baseName(argv[start]))) return undefined;
  const isSu = /^(?:su|runuser)$/.test(baseName(argv[start]));
  for (let i = start + 1; i < argv.length; i++) {
    const arg = argv[i];
    if (/^-[a-z]*c[a-z]*$|^--command$/.test(arg)) return isSu ? argv[i + 1] : argv.slice(i + 1).join(' ');
    if (!arg.startsWith('-') && !isSu) return undefined;
  }
  return undefined;
}

/** The last path component: `/usr/bin/xmrig` -> `xmrig`. */
export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) tokens.push({ kind: 'word', text: word });
    word = '';
    inWord = false;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = closingQuote(text, i);
      word += unquote(text.slice(i + 1, end), c);
      inWord = true;
      i = end + 1;
    } else if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') { word += text[i + 1]; inWord = true; }
      i += 2;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
    } else if (c === '$' && text[i + 1] === '(') {
      // Command substitution stays inside its word: `$(</etc/shadow)` is an argument, not a new command.
      const end = closingParen(text, i + 1);
      word += text.slice(i, end + 1);
      inWord = true;
      i = end + 1;
    } else {
      // Most characters are word characters: the operator lists are only searched at one that may start an operator.
      const special = OPERATOR_START.has(c);
      const redirect = special ? REDIRECTS.find((op) => text.startsWith(op, i)) : undefined;
      const operator = special && !redirect ? OPERATORS.find((op) => text.startsWith(op, i)) : undefined;
      if (redirect) {
        const fd = /^\d+$/.test(word) ? word : '';
        if (fd) { word = ''; inWord = false; } else endWord();
        i += redirect.length;
        const attached = /^\d+|^-/.exec(text.slice(i))?.[0] ?? '';
        i += redirect.endsWith('&') ? attached.length : 0;
        tokens.push({ kind: 'redirect', op: fd + redirect, attached: redirect.endsWith('&') ? attached : '' });
      } else if (operator) {
        endWord();
        tokens.push({ kind: 'op', text: operator });
        i += operator.length;
      } else {
        word += c;
        inWord = true;
        i++;
      }
    }
  }
  endWord();
  return tokens;
}

function groupCommands(tokens: Token[]): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let argv: string[] = [];
  let redirects: Redirect[] = [];
  let pipedFrom = false;
  const finish = (pipesTo: boolean): void => {
    if ((argv.length > 0 || redirects.length > 0) && commands.length < MAX_COMMANDS) commands.push({ argv, redirects, pipedFrom, pipesTo });
    argv = [];
    redirects = [];
    pipedFrom = pipesTo;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'word') argv.push(token.text);
    else if (token.kind === 'op') finish(token.text === '|' || token.text === '|&');
    else if (token.attached) redirects.push({ op: token.op, target: token.attached });
    else {
      const next = tokens[i + 1];
      redirects.push({ op: token.op, target: next?.kind === 'word' ? next.text : '' });
      if (next?.kind === 'word') i++;
    }
  }
  finish(false);
  return commands;
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}

function unquote(body: string, quote: string): string {
  return quote === '"' ? body.replace(/\\(["\\$`])/g, '$1') : body;
}
