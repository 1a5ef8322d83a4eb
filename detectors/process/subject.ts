/**
 * The view of a process the rules read: its command line as text, the simple commands in it (nested
 * `sh -c` scripts included), and each command's effective program once launchers such as sudo, nohup or env
 * are looked through.
 */
import { baseName, inlineShellScript, parseCommands, type SimpleCommand } from './shell-parse.js';
import type { ProcessFacts } from './types.js';

export interface Invocation {
  readonly command: SimpleCommand;
  /** Basename of the program that really runs, launchers skipped, lower-cased. */
  readonly program: string;
  /** The program as written (a path when one was given). */
  readonly path: string;
  /** The arguments after the program. */
  readonly args: readonly string[];
  /** `NAME=value` assignments written before the program or a launcher (`PAGER=... git`, `sudo LESSOPEN=... less`). */
  readonly env: readonly string[];
  /** Run through sudo, doas or su. */
  readonly elevated: boolean;
  /** The command sudo/doas runs, as written, before other launchers (env, nice, ...) are looked through. */
  readonly sudoTarget?: string;
  readonly sudoArgs?: readonly string[];
}

export interface Subject {
  readonly facts: ProcessFacts;
  /** argv joined by spaces: what regular-expression rules read. */
  readonly text: string;
  readonly invocations: readonly Invocation[];
}

/** Launchers and the short options of each that take a value. */
const LAUNCHERS: Readonly<Record<string, string>> = {
  sudo: 'ugCDhprtU', doas: 'uC', nohup: '', setsid: '', nice: 'n', ionice: 'cnp', timeout: 'sk', env: 'uCS',
  stdbuf: '', time: 'fo', exec: 'a', command: '', busybox: '', screen: 'SLcdlhpTe', xargs: 'aIndELPs', chrt: 'p',
  taskset: '', unbuffer: '', caffeinate: '', 'start-stop-daemon': '',
  // Proxy wrappers that run their operand with its connections redirected (`proxychains4 -q nmap ...`, `graftcp ./miner`).
  proxychains: 'f', proxychains4: 'f', graftcp: 'acfnpsu', torsocks: 'aPu', tsocks: '', torify: '',
  // Starters that run their operand as a new unit or on a new virtual terminal (`systemd-run /tmp/x`, `openvt -- x`).
  'systemd-run': 'pEuMH', openvt: 'cCu',
  // Shell keywords that start a command: `for x in y; do sshpass ...`, `if curl ...; then sh x; fi`.
  do: '', then: '', else: '', elif: '', if: '', while: '', until: '', '!': '', '{': '',
};
const ELEVATORS = new Set(['sudo', 'doas']);

export function subjectOf(facts: ProcessFacts): Subject {
  const text = facts.argv.join(' ');
  const commands = facts.argvIsShellText ? parseCommands(text) : commandsOfArgv(facts.argv);
  return { facts, text, invocations: commands.flatMap(withContainerCommand).flatMap(withHookCommands).map(invocationOf) };
}

/**
 * Options whose value is a command the program runs through a shell: `--password-command=`, `--rsh=`, `--to-command=`,
 * `--use-askpass=`, ssh's `ProxyCommand=`. Group 1 is the command.
 */
const HOOK_COMMAND = /^(?:--[\w-]*(?:command|cmd|rsh|askpass|hook)[\w-]*=|(?:Proxy|Local|Remote)Command=)(.+)$/i;

/**
 * A command and the commands its hook options will run (`restic --password-command='sh -c "chmod 4755 /tmp/x"'`), or
 * that tmux starts in a new session or window (`tmux new-session -d -s x './miner -o pool:3333'`).
 */
function withHookCommands(command: SimpleCommand): SimpleCommand[] {
  const hooks = command.argv.map((word) => HOOK_COMMAND.exec(word)?.[1]).filter((hook): hook is string => hook !== undefined && /\s/.test(hook.trim()));
  const tmux = command.argv.findIndex((w) => baseName(w) === 'tmux');
  const started = tmux >= 0 && /^(?:new-session|new|new-window|neww|split-window|splitw|respawn-pane)$/.test(command.argv[tmux + 1] ?? '') ? command.argv[command.argv.length - 1] : undefined;
  if (started !== undefined && /\s/.test(started.trim()) && !started.startsWith('-')) hooks.push(started);
  return [command, ...hooks.flatMap((hook) => parseCommands(hook))];
}

/** Programs that run a command inside a container: `kubectl exec pod -- cmd`, `docker exec c cmd`. */
const CONTAINER_CLIENTS = /^(?:kubectl|oc|k3s|docker|podman|nerdctl|crictl)$/;
/** Options of `docker exec` and its kin that take a value (`-u root`, `-e A=1`, `-w /x`). */
const EXEC_VALUE_OPTION = /^(?:-[euw]|--(?:env|env-file|user|workdir|detach-keys))$/;

/**
 * A command and, when it hands one to a container, that command too, as if typed there: what runs in a container
 * is still a command on this node (`kubectl exec pod -- cat /var/run/secrets/.../token`).
 */
function withContainerCommand(command: SimpleCommand): SimpleCommand[] {
  const nested = containerCommand(command.argv);
  return nested === undefined ? [command] : [command, ...commandsOfArgv(nested)];
}

function containerCommand(argv: readonly string[]): readonly string[] | undefined {
  const client = argv.findIndex((word) => CONTAINER_CLIENTS.test(baseName(word)));
  const exec = client < 0 ? -1 : argv.indexOf('exec', client + 1);
  if (exec < 0) return undefined;
  const separator = argv.indexOf('--', exec + 1);
  if (separator >= 0) return separator < argv.length - 1 ? argv.slice(separator + 1) : undefined;
  // Docker's form has no `--`: options, the container, then the command. (kubectl requires the `--`.)
  if (/^(?:kubectl|oc|k3s)$/.test(baseName(argv[client]))) return undefined;
  let i = exec + 1;
  while (i < argv.length && argv[i].startsWith('-')) i += EXEC_VALUE_OPTION.test(argv[i]) ? 2 : 1;
  return i < argv.length - 1 ? argv.slice(i + 1) : undefined;
}

/** The kernel's argv is already split; only an inline `sh -c` script needs lexing. */
function commandsOfArgv(argv: readonly string[]): SimpleCommand[] {
  const top: SimpleCommand = { argv, redirects: [], pipedFrom: false, pipesTo: false };
  const script = inlineShellScript(argv);
  return script === undefined ? [top] : [top, ...parseCommands(script)];
}

/** A shell variable assignment word: `NAME=value`. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function invocationOf(command: SimpleCommand): Invocation {
  const argv = command.argv;
  const env: string[] = [];
  let i = 0;
  let elevated = false;
  let sudoAt = -1;
  while (i < argv.length) {
    while (i < argv.length - 1 && ASSIGNMENT.test(argv[i])) env.push(argv[i++]);
    const name = baseName(argv[i]).toLowerCase();
    const valueOptions = LAUNCHERS[name];
    if (valueOptions === undefined || i === argv.length - 1) break;
    if (ELEVATORS.has(name)) { elevated = true; if (sudoAt < 0) sudoAt = i; }
    i = skipLauncherOptions(argv, i + 1, name, valueOptions);
  }
  // A line of assignments only (`URL=$(curl ...)`) runs no program of its own; its substitutions are parsed apart.
  const path = i === argv.length - 1 && ASSIGNMENT.test(argv[i]) ? '' : argv[i] ?? '';
  let sudoTargetAt = sudoAt < 0 ? -1 : skipLauncherOptions(argv, sudoAt + 1, 'sudo', LAUNCHERS.sudo);
  while (sudoTargetAt >= 0 && sudoTargetAt < argv.length - 1 && ASSIGNMENT.test(argv[sudoTargetAt])) sudoTargetAt++;
  return {
    command,
    program: baseName(path).toLowerCase(),
    path,
    args: argv.slice(i + 1),
    env,
    elevated,
    ...(sudoTargetAt >= 0 && sudoTargetAt < argv.length ? { sudoTarget: argv[sudoTargetAt], sudoArgs: argv.slice(sudoTargetAt + 1) } : {}),
  };
}

/** Index of the first word after a launcher's own options (`sudo -u bob`, `env A=1`, `timeout 5`, `screen -dmS x`). */
function skipLauncherOptions(argv: readonly string[], from: number, launcher: string, valueOptions: string): number {
  let i = from;
  let positionalSkipped = false;
  while (i < argv.length) {
    const word = argv[i];
    if (word === '--') return i + 1;
    if (ASSIGNMENT.test(word) && (launcher === 'env' || launcher === 'sudo' || launcher === 'doas')) return i;
    if (launcher === 'timeout' && !positionalSkipped && !word.startsWith('-')) { positionalSkipped = true; i++; continue; }
    if (!word.startsWith('-') || word === '-') return i;
    const takesValue = !word.startsWith('--') && valueOptions.includes(word[word.length - 1]);
    i += takesValue ? 2 : 1;
  }
  return i;
}

/** Invocations of one of `programs` (basenames; a trailing `*` matches a prefix, e.g. `python*`). */
export function invocationsOf(subject: Subject, ...programs: string[]): Invocation[] {
  return subject.invocations.filter((inv) => programs.includes(inv.program) || programs.some((p) => p.endsWith('*') && inv.program.startsWith(p.slice(0, -1))));
}
