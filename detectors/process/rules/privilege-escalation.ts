/**
 * Privilege escalation: shell escapes through sudo and other programs' hooks (T1548.003, GTFOBins), setuid bits and
 * capabilities (T1548.001), exploits of setuid programs, enumeration of the ways up. Container escapes are in
 * container-escape.ts, sudoers and account databases in accounts.ts.
 */
import { excerpt, interactiveShellIn, isDisguisedDrop, isDropperPath, isTempPath, SHELL_NAMES, SHELL_PATH } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf, type Invocation } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';

/** Programs whose shell arguments run inside a container or a new login, not as an escape from sudo. */
const NOT_AN_ESCAPE = new Set([
  ...SHELL_NAMES, 'su', 'login', 'sudo', 'docker', 'podman', 'nerdctl', 'kubectl', 'k3s', 'crictl', 'chroot', 'runuser', 'machinectl', 'lxc',
  'lxc-attach', 'systemd-nspawn', 'chsh', 'usermod', 'useradd', 'adduser', 'screen', 'tmux',
]);
/**
 * Without sudo, also the programs people use to open a shell on purpose: remote and container shells, debuggers,
 * terminals, sandboxes and namespace tools. (With sudo, `ssh localhost /bin/sh` or `unshare /bin/sh` is the escape.)
 */
const OPENS_SHELLS = new Set([
  ...NOT_AN_ESCAPE, 'ssh', 'mosh', 'ctr', 'nsenter', 'unshare', 'ip', 'firejail', 'bwrap', 'strace', 'ltrace', 'gdb', 'valgrind', 'perf', 'expect', 'script',
  'rlwrap', 'asciinema', 'xterm', 'gnome-terminal', 'konsole', 'kitty', 'alacritty', 'code', 'toolbox', 'distrobox', 'flatpak', 'vagrant', 'multipass',
  'gcloud', 'az', 'aws', 'systemd-run', 'doas', 'pkexec', 'newgrp', 'sg', 'fakeroot', 'proot', 'byobu', 'devcontainer', 'incus', 'lxd',
]);
/** Launchers that add nothing to a bare shell except, for a setuid copy or a sudo rule, the way up (GTFOBins `env /bin/sh`). */
const PASS_THROUGH_LAUNCHERS = /^(?:env|nice|ionice|chrt|taskset|stdbuf|flock|setsid|time|timeout|xargs|exec|unbuffer|stdbuf)$/;
/** Options that name a program to run, beside the `--name=value` ones (`tcpdump -z`, `scp -S`, `logrotate -m`). */
const HOOK_OPTIONS: Readonly<Record<string, readonly string[]>> = { tcpdump: ['-z'], scp: ['-S'], sftp: ['-S'], logrotate: ['-m'], rsync: ['-e'], tar: ['-I', '--use-compress-program'] };
/** Programs that take a shell's path as a file to copy, link, inspect or register, not as a command to run. */
const FILE_TOOLS = new Set([
  'ln', 'cp', 'mv', 'install', 'rm', 'ls', 'stat', 'file', 'readlink', 'realpath', 'which', 'whereis', 'type', 'command', 'cat', 'cmp', 'diff', 'strings', 'ldd',
  'sha256sum', 'md5sum', 'update-alternatives', 'dpkg-divert', 'dpkg', 'rpm', 'getcap', 'setcap', 'chmod', 'chown', 'chattr', 'lsattr', 'grep', 'echo', 'printf',
]);
/** Option names whose value is a program to run: hooks, commands, helpers, editors, pagers, wrappers. */
const RUNS_OPTION_NAME = /(?:^on-|exec|command|cmd|hook|prog(?:ram)?$|-bin$|editor|pager|askpass|wrapper|script$|shell$|helper|handler|filter|action|interpreter|rsh|^(?:up|down|pre|post)$)/i;
/** Shell-valued settings that are login shells, not hooks: `SHELL=/bin/bash make`, `ZSH=...`. */
const LOGIN_SHELL_VARIABLE = /^(?:\w*SHELL|ZSH|BASH)=/;
const DANGEROUS_CAPABILITY = /cap_(?:setuid|setgid|sys_admin|sys_ptrace|sys_module|dac_override|dac_read_search|chown|fowner|bpf)/i;
/** Programs installed setuid root that Looney Tunables (CVE-2023-4911) and similar loader bugs attack. */
const SETUID_PROGRAMS = /(?:^|[\s/])(?:su|sudo|passwd|chsh|chfn|pkexec|mount|umount|newgrp|gpasswd|fusermount3?)(?:\s|$)/;
const SYSTEM_BINARY_DIR = /^\/(?:usr\/)?(?:local\/)?s?bin\//;

/**
 * GTFOBins: a program allowed by sudo (find, env, rsync, apt-get, strace, git, less, ...) told to run a shell, or a
 * temporary executable, through an argument or a hook variable (`PAGER=`, `LESSOPEN=`, `SYSTEMD_EDITOR=`).
 */
const sudoShellEscape: Rule = {
  name: 'sudo-shell-escape',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548.003', 'T1059.004'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      if (inv.sudoTarget === undefined) continue;
      const deliberate = deliberateShellEscape(baseName(inv.sudoTarget), inv.sudoArgs ?? []);
      if (deliberate !== undefined) return { sudoRuns: inv.sudoTarget, shell: deliberate.slice(0, 120) };
      if (NOT_AN_ESCAPE.has(baseName(inv.sudoTarget))) continue;
      // Programs that name a shell as a file still escape through their code options (`sudo rpm --eval '%(/bin/sh)'`).
      const hook = FILE_TOOLS.has(baseName(inv.sudoTarget)) ? shellHook({ ...inv, env: [] }, hookValues(inv.sudoArgs ?? []))
        : shellHook(inv, inv.sudoArgs ?? []) ?? tempHook(inv, inv.sudoArgs ?? []) ?? editorEscape(inv.program, inv.args) ?? (runsBinariesAsParts(inv) ? inv.args.join(' ') : undefined)
          ?? searchPathHook(inv) ?? droppedInput(inv);
      if (hook !== undefined) return { sudoRuns: inv.sudoTarget, shell: hook.slice(0, 120) };
    }
    return undefined;
  },
};

/**
 * The same escapes without sudo: `find . -exec /bin/sh \\; -quit`, `awk 'BEGIN {system("/bin/sh")}'`, `vim -c ':!/bin/sh'`
 * (as root), `python -c 'import os; os.system("/bin/sh")'`. Run by a setuid copy or a program with capabilities they
 * are the way up; otherwise a restricted shell left behind.
 */
const programShellEscape: Rule = {
  name: 'shell-escape-through-program',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1548', 'T1059.004'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      if (inv.sudoTarget !== undefined || inv.program === '') continue;
      // `env /bin/sh`, `nice /bin/sh`, `flock -u / /bin/sh`: a bare shell behind a launcher that adds nothing.
      const launcher = baseName(inv.command.argv[0] ?? '');
      if (PASS_THROUGH_LAUNCHERS.test(launcher) && SHELL_NAMES.has(inv.program) && inv.args.every((a) => /^-[ilps]+$/.test(a))) return { program: launcher, shell: inv.path };
      // `capsh --` runs a shell; `ssh -o ProxyCommand=';sh 0<&2 1>&2'`: a hook in a program that otherwise opens shells on purpose.
      if (inv.program === 'capsh' && (inv.args[inv.args.length - 1] === '--' || inv.args.some((a) => /^--shell=/.test(a)))) return { program: 'capsh', shell: inv.args.join(' ') };
      // Programs that open shells or name files on purpose still escape through their code and command options
      // (`gdb -ex '!/bin/sh'`, `rpm --eval '%(/bin/sh)'`, `tmux -c /bin/sh`, `vi -c ':shell'`).
      const deliberate = OPENS_SHELLS.has(inv.program) || FILE_TOOLS.has(inv.program);
      const hook = deliberate ? shellHook({ ...inv, env: [] }, hookValues(inv.args)) : shellHook(inv, inv.args) ?? tempHook(inv, inv.args);
      const editor = editorEscape(inv.program, inv.args);
      if (hook !== undefined || editor !== undefined) return { program: inv.program, shell: (hook ?? editor)!.slice(0, 120) };
      if (runsBinariesAsParts(inv)) return { program: 'run-parts', shell: inv.args.join(' ').slice(0, 120) };
      const patched = inv.program === 'git' ? deliberateShellEscape('git', inv.args) : undefined;
      if (patched !== undefined) return { program: 'git', shell: patched.slice(0, 120) };
      // `nginx -c /tmp/.n.conf`: a configuration or script from a hidden or shared-memory drop, which can run or serve anything.
      const dropped = droppedInput(inv);
      if (dropped !== undefined && isDisguisedDrop(dropped.split(' ').pop() ?? '')) return { program: inv.program, input: dropped };
      // `ssh localhost /bin/sh`: a shell through ssh to this very host, the setuid/sudo form of GTFOBins' ssh escape.
      if (inv.program === 'ssh' && inv.args.some((a) => /^(?:[\w.-]+@)?(?:localhost|127\.0\.0\.1|::1)$/.test(a)) && inv.args.some((a) => SHELL_PATH.test(a))) return { program: 'ssh', shell: inv.args.join(' ').slice(0, 120) };
    }
    // `sudo less /etc/hosts; !/bin/sh`, `sudo psql; \\! /bin/sh`, `sudo ftp` then `!sh`: the escape typed at the
    // program's prompt, written down with it; nobody runs a command named `!/bin/sh`.
    const typed = s.invocations.find((inv) => /^\\?!$/.test(inv.command.argv[0] ?? '') ? SHELL_NAMES.has(baseName(inv.command.argv[1] ?? '')) : /^\\?!\/?(?:(?:usr\/)?s?bin\/)?(?:ba|da|z|k|a|c|tc)?sh$/.test(inv.command.argv[0] ?? ''));
    if (typed) return { program: 'interactive prompt', shell: typed.command.argv.join(' ').slice(0, 120) };
    // `echo 'esyscmd(/bin/sh 0<&2 1>&2)' | m4`: a shell handed as code to the program reading the pipe.
    const fed = s.invocations.find((inv) => /^(?:echo|printf)$/.test(inv.program) && inv.command.pipesTo && inv.args.some((a) => interactiveShellIn(a) !== undefined));
    const reader = fed && s.invocations.find((inv) => inv.command.pipedFrom && !SHELL_NAMES.has(inv.program) && !/^(?:cat|tee|grep|sed|awk|base64|xxd|nc|ncat|socat|at|batch|crontab|ssh)$/.test(inv.program));
    return reader ? { program: reader.program, shell: fed!.args.join(' ').slice(0, 120) } : undefined;
  },
};

/**
 * Escapes through programs that open shells or write files on purpose, under sudo: a patch applied outside the tree,
 * a multiplexer's default command set to a shell
 * (`tmux -c /bin/sh`), a chroot into `/` itself (a root shell with extra steps), an init script named by a path that
 * climbs out of /etc/init.d (`service ../../bin/sh`).
 */
function deliberateShellEscape(program: string, args: readonly string[]): string | undefined {
  // `git apply --unsafe-paths --directory / x.patch`: a patch that may write anywhere, as root.
  if (program === 'git' && args.includes('apply') && args.includes('--unsafe-paths')) return `git ${args.join(' ')}`;
  if (program === 'tmux') return args.find((a, i) => args[i - 1] === '-c' && interactiveShellIn(` ${a}`) !== undefined);
  if (program === 'chroot' && args.find((a) => !a.startsWith('-')) === '/') return `chroot ${args.join(' ')}`;
  if (program === 'service' && (args[0] ?? '').includes('../')) return args[0];
  // `sudo pic -U`, `sudo groff -U`: troff's unsafe mode, in which `sh` requests run commands (GTFOBins pic).
  if (/^(?:pic|groff|troff|nroff|eqn)$/.test(program) && args.includes('-U')) return `${program} -U`;
  // `sudo wg-quick up /tmp/wg0.conf`: the interface file's PostUp/PreUp lines run as root, and this one is a drop.
  if (program === 'wg-quick') return args.find((a) => isTempPath(a));
  return undefined;
}

/** `vi -c ':!/bin/sh'`, `vim -c ':set shell=/bin/sh | shell'`: an editor told to open a shell on start. */
function editorEscape(program: string, args: readonly string[]): string | undefined {
  if (!/^(?:vim?|nvim|view|ex|rvim|vimdiff)$/.test(program)) return undefined;
  return args.find((a, i) => /^(?:-c|--cmd)$/.test(args[i - 1] ?? '') && /^:?\s*(?:sh(?:ell)?\b|!|set\s+shell=|terminal\b)/.test(a));
}

/** `run-parts --regex '^sh$' /bin`, `run-parts /var/tmp/.d/`: the system's binaries or a dropped directory run as a directory of jobs. */
function runsBinariesAsParts(inv: Invocation): boolean {
  return inv.program === 'run-parts' && inv.args.some((a) => SYSTEM_BINARY_DIR.test(`${a.replace(/\/$/, '')}/`) || isDropperPath(a) || isDisguisedDrop(a));
}

/** Options whose value is code or a command a program runs (`--eval`, `-ex`, `--pipe`, `ProxyCommand=`, `-c` for tmux). */
const HOOK_OPTION = /^(?:--?(?:eval|pipe|exec|ex|eval-command|command|rsh|rsh-command|to-command|checkpoint-action|use-askpass|password-command|conf-script|pre-hook|post-hook|wrapper)|-c|-e|-o)$/;

/** The values of a program's hook options, in `--name=value`, `Name=value` and `--name value` forms. */
function hookValues(args: readonly string[]): string[] {
  return args.flatMap((a, i) => {
    const inline = /^--?[\w-]+=(.*)$/.exec(a);
    if (inline && HOOK_OPTION.test(a.slice(0, a.indexOf('=')))) return [inline[1]];
    if (/^(?:Proxy|Local|Remote)Command=/i.test(a)) return [a.slice(a.indexOf('=') + 1)];
    return HOOK_OPTION.test(args[i - 1] ?? '') && (args[i - 1] !== '-o' || /Command=/i.test(a)) ? [a.replace(/^\w*Command=/i, '')] : [];
  });
}

/** An interactive shell in a program's arguments or hook variables. */
function shellHook(inv: Invocation, args: readonly string[]): string | undefined {
  for (const value of [...inv.env.filter((e) => !LOGIN_SHELL_VARIABLE.test(e)).map((e) => e.slice(e.indexOf('=') + 1)), ...args]) {
    const shell = interactiveShellIn(value) ?? (SHELL_PATH.test(value) && interactiveShellIn(` ${value}`) !== undefined ? value : undefined);
    if (shell !== undefined) return shell;
  }
  return undefined;
}

/** A dropped executable handed to a program as a hook (`--on-download-error=/tmp/x`, `-z /tmp/x`, `AUTOM4TE=/tmp/x`). */
function tempHook(inv: Invocation, args: readonly string[]): string | undefined {
  const isPayload = (v: string): boolean => isDropperPath(v) && (isDisguisedDrop(v) || !baseName(v).includes('.'));
  const fromEnv = inv.env.map((e) => e.slice(e.indexOf('=') + 1).split(/\s/)[0]).find(isPayload);
  if (fromEnv !== undefined) return fromEnv;
  for (let i = 0; i < args.length; i++) {
    // Only options that name something to run (`--on-download-error=`, `--use-askpass=`, `--password-command=`);
    // `--cert-dir=/tmp/cert` names where a program keeps its files.
    // `--name=value`, and `-o name=value` as sshfs and mount take their options (`-o ssh_command=/tmp/x`).
    const inline = /^--?([\w-]+)=(.*)$/.exec(args[i]) ?? (args[i - 1] === '-o' ? /^([\w-]+)=(.*)$/.exec(args[i]) : null);
    const value = inline && RUNS_OPTION_NAME.test(inline[1]) ? inline[2] : HOOK_OPTIONS[inv.program]?.includes(args[i - 1] ?? '') ? args[i] : undefined;
    const path = value?.replace(/^["']/, '').split(/\s/)[0];
    if (path !== undefined && isPayload(path)) return path;
  }
  return undefined;
}

/** A search path that puts the current or a temporary directory first: `sudo GROFF_BIN_PATH=. nroff`, `sudo PATH=$PATH:/tmp/x/ zypper x`. */
const SEARCH_PATH_VARIABLE = /^(?:\w*PATH|PERL5LIB|RUBYLIB)=/;
function searchPathHook(inv: Invocation): string | undefined {
  return inv.env.find((e) => SEARCH_PATH_VARIABLE.test(e) && e.slice(e.indexOf('=') + 1).split(':').some((dir) => dir === '.' || dir.startsWith('./') || isTempPath(dir.replace(/\/?$/, '/'))));
}

/** Options whose value is a file the program reads as configuration, a script or a library it loads. */
const INPUT_OPTION = /^(?:-[cCfFSDmL]|--(?:conf(?:ig)?(?:-?(?:file|dir))?|rc-?file|init-?file|script(?:-file)?|load|plugin|module|lib(?:rary)?|grep-bin|pkcs11|provider|engine|preload|profile))$/;
/** Programs whose file option names data to apply, install, unpack or send, not code for themselves to run. */
const DATA_FILE_PROGRAMS = new Set([
  ...FILE_TOOLS, 'kubectl', 'k3s', 'kubeadm', 'helm', 'docker', 'podman', 'nerdctl', 'crictl', 'ctr', 'tar', 'unzip', 'gzip', 'xz', 'zstd', 'gpg', 'dnf', 'yum', 'zypper', 'snap', 'pip', 'pip3', 'tcpdump', 'tshark', 'jq', 'yq', 'openssl', 'curl', 'wget', 'tee', 'dd', 'journalctl',
]);
/**
 * GTFOBins' file-based escapes: a program run by sudo told to read its configuration, script or library from a
 * drop location (`sudo fastfetch -c /tmp/x.jsonc`, `sudo nginx -c /tmp/.n/nginx.conf`, `sudo ssh-keygen -D /tmp/x.so`).
 */
function droppedInput(inv: Invocation): string | undefined {
  if (DATA_FILE_PROGRAMS.has(inv.program)) return undefined;
  const args = inv.args;
  for (let i = 0; i < args.length; i++) {
    const inline = /^(--[\w-]+)=(.+)$/.exec(args[i]);
    const [option, value] = inline ? [inline[1], inline[2]] : [args[i - 1] ?? '', args[i]];
    if (INPUT_OPTION.test(option) && isDropperPath(value.replace(/^["']|["']$/g, ''))) return `${option} ${value}`;
  }
  return undefined;
}

/** Files that take a shell's path as data: the list of login shells. */
const SHELL_LIST = /^\/etc\/shells$|^\/dev\/(?:null|tty\w*|stderr|stdout)$/;
/**
 * A shell payload written to a file for a program to read back (GTFOBins `echo 'exec /bin/sh 0<&2 1>&2' >/tmp/x`,
 * `echo '! exec /bin/sh </dev/tty' >/tmp/x; minicom -S /tmp/x`, `echo /bin/sh >groff`).
 */
const shellPayloadStaged: Rule = {
  name: 'shell-payload-staged',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1548', 'T1059.004'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'echo', 'printf')) {
      const shell = interactiveShellIn(inv.args.join(' '));
      if (shell === undefined) continue;
      const redirected = inv.command.redirects.find((r) => /^>>?$|^>\|$/.test(r.op) && r.target !== '' && !SHELL_LIST.test(r.target))?.target;
      const teed = inv.command.pipesTo ? s.invocations.find((t) => t.program === 'tee' && t.command.pipedFrom)?.args.find((a) => !a.startsWith('-') && !SHELL_LIST.test(a)) : undefined;
      const file = redirected ?? teed;
      if (file !== undefined) return { payload: shell, file };
    }
    return undefined;
  },
};

/** `sh -p` keeps the effective uid of a setuid shell copy instead of dropping it; also `execl("/bin/sh", "sh", "-p")`. */
const privilegedShell: Rule = {
  name: 'shell-keeps-setuid',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548.001'],
  match: (s): Evidence | undefined => {
    // `-p` among the shell's own options; after a script operand it belongs to the script (`bash miniconda.sh -b -p /opt/conda`).
    const inv = s.invocations.find((i) => SHELL_NAMES.has(i.program) && leadingOptions(i.args).some((a) => /^-[a-zA-Z]*p[a-zA-Z]*$/.test(a) && !/c/.test(a.slice(0, a.indexOf('p')))));
    if (inv) return { shell: `${inv.path} -p` };
    const call = excerpt(s.text, /["'](?:\/\S*\/)?(?:ba|da|z)?sh["']\s*,\s*\[?\s*["']-p\w*["']|\/bin\/(?:ba|da|z)?sh\s+-p\b/);
    return call === undefined ? undefined : { call };
  },
};

/** The options written before a program's first operand. */
function leadingOptions(args: readonly string[]): string[] {
  // A launcher's own `--` (`start-stop-daemon -S -x /bin/sh -- -p`) hands what follows to the program.
  const rest = args[0] === '--' ? args.slice(1) : args;
  const end = rest.findIndex((a) => !a.startsWith('-') || a === '-' || a === '--');
  return [...(end < 0 ? rest : rest.slice(0, end))];
}

/**
 * Interpreters and shells that are not the login shells admins open with sudo (`sudo -i`, `sudo -s`, `sudo su -`,
 * `sudo bash`): language REPLs and other shells, whose prompt runs anything; and clients that need a target to be of
 * use (`telnet`, `ftp`, `hping3`), which with none give only a prompt with a `!` shell escape.
 */
const CODE_PROMPT = /^(?:dash|ash|ksh|mksh|telnet|ftp|ncftp|psftp|tftp|lftp|hping3?|tdbtool|scanmem|bconsole|cpan|crash|psql|sash|posh|csh|tcsh|python[\d.]*|ipython\d?|perl[\d.]*|ruby[\d.]*|irb|pry|php[\d.]*|lua[\d.]*|luajit|node|nodejs|deno|bun|jrunscript|jjs|jshell|julia|tclsh[\d.]*|wish|rscript|r|ghci|ocaml|scala|groovysh|clojure|erl|iex|guile|racket|sbcl|swipl|gdb|pwsh|fish|yash|elvish|xonsh|nu|ginsh|tasksh|ion|rc|es|busybox)$/;
/**
 * `sudo ghci`, `sudo jjs`, `sudo pwsh`, `sudo fish`, `sudo dotnet fsi`: a REPL or an unusual shell started as root
 * with nothing to run: GTFOBins' sudo shell, the prompt typed into later. Low: the command line shows only the door.
 */
const rootCodePrompt: Rule = {
  name: 'root-interpreter-prompt',
  category: 'privilege_escalation',
  severity: 'low',
  techniques: ['T1548.003', 'T1059'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const informational = inv.args.some((a) => /^(?:-V|-v|-h|--version|--help)$/.test(a));
      // `sudo nmap --interactive`, `sudo jtag --interactive`: the prompt asked for by name; `sudo sed e`: sed running
      // each line it reads as a command; `sudo sg root`: a shell in root's group.
      const prompt = inv.args.includes('--interactive') || (inv.program === 'sed' && inv.args.length === 1 && inv.args[0] === 'e') || (/^(?:sg|newgrp)$/.test(inv.program) && inv.args[0] === 'root' && inv.args.length === 1);
      if (inv.sudoTarget !== undefined && prompt) return { sudoRuns: inv.sudoTarget, prompt: 'interactive' };
      if (inv.sudoTarget === undefined || informational || inv.args.some((a) => !a.startsWith('-') && !(inv.program === 'dotnet' && a === 'fsi'))) continue;
      if (CODE_PROMPT.test(inv.program) || (inv.program === 'dotnet' && inv.args.includes('fsi'))) return { sudoRuns: inv.sudoTarget, prompt: 'interactive' };
    }
    return undefined;
  },
};

/** `os.setuid(0)`, `POSIX::setuid(0)`, `process.setuid(0)`: code asking for root, which works only from a setuid or capable binary. */
const setuidCall: Rule = {
  name: 'setuid-root-call',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548.001'],
  match: (s): Evidence | undefined => {
    const call = excerpt(s.text, /(?:\b|_)set(?:res|re)?[ug]id\s*\(\s*0\s*[,)]|Process::Sys\.setuid\s*\(?\s*0|\$<\s*=\s*0/);
    return call === undefined ? undefined : { call };
  },
};

const setcapDangerous: Rule = {
  name: 'setcap-privileged-capability',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548.001'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'setcap')) {
      const cap = inv.args.find((a) => DANGEROUS_CAPABILITY.test(a) && /[+=]\w*e/.test(a));
      const target = inv.args.find(isTempPath);
      if (cap !== undefined || (target !== undefined && !inv.args.includes('-r'))) return { capability: cap ?? inv.args.join(' '), file: inv.args[inv.args.length - 1] ?? '' };
    }
    return undefined;
  },
};

/**
 * `chmod u+s`, `chmod 4755`, `chmod g+xs`, `install -m 4755`, `unzip -K` (keeps setuid bits from the archive): a
 * setuid bit, or setgid on an executable. Setgid alone (`chmod 2775 dir`, `g+s`) is how shared directories are made.
 */
const chmodSetuid: Rule = {
  name: 'chmod-setuid',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548.001', 'T1222.002'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'chmod', 'install')) {
      const mode = inv.program === 'chmod' ? inv.args.find(isSetuidMode) : inv.args.find((a, i) => /^(?:-m|--mode)$/.test(inv.args[i - 1] ?? '') && isSetuidMode(a)) ?? inv.args.find((a) => /^--mode=/.test(a) && isSetuidMode(a.slice(7)));
      if (mode !== undefined) return { mode, file: inv.args[inv.args.length - 1] };
    }
    const unzip = invocationsOf(s, 'unzip').find((inv) => inv.args.some((a) => /^-[a-zA-Z]*K/.test(a)));
    return unzip ? { mode: 'unzip -K keeps setuid', file: unzip.args.filter((a) => !a.startsWith('-'))[0] ?? '' } : undefined;
  },
};

/**
 * `gdb -p 1 -batch -ex 'call system("...")'`: a debugger attached to a running process to make it run code or load
 * a library (ptrace injection, T1055.008; Falco's "PTRACE attached to process"): the code runs as that process.
 * `gdb -p 1234 -batch -ex bt` only reads.
 */
const ptraceInjection: Rule = {
  name: 'code-injected-with-debugger',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1055.008'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'gdb', 'lldb').find((i) => i.args.some((a) => /^(?:-p|--pid|attach)(?:=|$)/.test(a)) && i.args.some((a) => /\b(?:call|print|p)\s*\(?\s*(?:\(\w+\)\s*)?(?:system|dlopen|__libc_dlopen_mode|execve?|popen)\s*\(/.test(a)));
    return inv ? { debugger: inv.program, command: inv.args.join(' ').slice(0, 160) } : undefined;
  },
};

/** A shared object in a drop location, alone, as an option's value or in code (`file=/tmp/.x/lib.so`, `LoadLibrary("/dev/shm/e.so")`). */
const DROPPED_LIBRARY = /(?:^|[=:,("'\s])((?:(?:\/var)?\/tmp|\/(?:dev|run)\/shm)\/[^\s,:'"()]*\.so(?:\.\d+)*)(?=$|[\s,'")])/;
/** A library named by the current directory (`./lib.so`), which sudo's secure path does not protect. */
const LOCAL_LIBRARY = /(?:^|[=:,("'\s])(\.{1,2}\/[^\s,:'"()]*\.so(?:\.\d+)*)(?=$|[\s,'")])/;
/** Programs that build, copy or inspect a library rather than load it. */
const LIBRARY_HANDLERS = new Set([...FILE_TOOLS, 'gcc', 'cc', 'clang', 'g++', 'ld', 'ld.lld', 'ar', 'objdump', 'readelf', 'nm', 'strip', 'patchelf', 'upx', 'tar', 'zip', 'unzip', 'scp', 'rsync']);
/** Options whose value is a file a program writes or downloads to, not one it loads (`curl -o /tmp/x.so`). */
const DOWNLOAD_TARGET = /^(?:-o|-O|--output|--output-document|-P|--directory-prefix)$/;
/**
 * GTFOBins' library-load functions (T1129): a program told to load a shared object from a drop location through its
 * own options (`ffmpeg -af ladspa=file=/tmp/x.so`, `openssl req -engine /tmp/x.so`, `ssh-keygen -D ./lib.so`):
 * the library's constructor runs with the program's privileges, root under sudo.
 */
const libraryFromDropLocation: Rule = {
  name: 'library-loaded-from-drop-location',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1129', 'T1548.003'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      if (LIBRARY_HANDLERS.has(inv.program)) continue;
      // A build tree under /tmp (`/tmp/build/libx.so`) is not a drop location; `/tmp/x.so`, `/tmp/.d/x.so` are.
      const dropped = (a: string): string | undefined => {
        const library = DROPPED_LIBRARY.exec(a)?.[1];
        return library !== undefined && isDropperPath(library) ? library : undefined;
      };
      const library = inv.args.map((a, i) => (DOWNLOAD_TARGET.test(inv.args[i - 1] ?? '') || /^--?o(?:utput)?=/.test(a) ? undefined : dropped(a) ?? (inv.sudoTarget !== undefined ? LOCAL_LIBRARY.exec(a)?.[1] : undefined))).find((l) => l !== undefined);
      if (library !== undefined) return { program: inv.program, library };
    }
    return undefined;
  },
};

/**
 * `./zsh`, `./bash -p`, `./elvish`: a shell or REPL run from a copy in the working directory, as a setuid or capable copy
 * is run (GTFOBins' suid shells). Nobody runs the system's shell from `./`.
 */
const shellCopyRun: Rule = {
  name: 'shell-copy-run',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1548.001'],
  match: (s): Evidence | undefined => {
    const inv = s.invocations.find((i) => /^\.\//.test(i.path) && (SHELL_NAMES.has(i.program) || CODE_PROMPT.test(i.program)) && i.args.every((a) => a.startsWith('-')));
    return inv ? { program: inv.path } : undefined;
  },
};

/** `ln -fs /bin/sh /bin/ln`, `mount -o bind /bin/sh /bin/mount`: a shell planted where a trusted binary was. */
const shellOverBinary: Rule = {
  name: 'shell-over-system-binary',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548', 'T1036.005'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'ln', 'mount', 'cp', 'mv', 'install')) {
      const operands = inv.args.filter((a) => !a.startsWith('-'));
      const source = operands.find((a) => SHELL_PATH.test(a) && /sh$/.test(a));
      const target = operands[operands.length - 1];
      // `ln -sf /bin/bash /bin/sh` picks the system shell; a shell over any other binary is a trap.
      if (source !== undefined && target !== source && SYSTEM_BINARY_DIR.test(target) && !SHELL_PATH.test(target)) return { shell: source, replaces: target };
    }
    return undefined;
  },
};

/**
 * `ln -s /bin/sh git-x`, `cp /bin/sh /usr/lib/zypper/commands/zypper-x`: a shell given a name that is not a shell's,
 * where a program that runs helpers by name will start it (GTFOBins' git and zypper shells) or where a setuid copy
 * hides, or copied into the working directory. (`ln -sf /bin/bash /bin/sh` picks the system shell: both names are shells.)
 */
const shellRenamed: Rule = {
  name: 'shell-copied-under-another-name',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1548', 'T1036.005'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'ln', 'cp', 'install')) {
      const operands = inv.args.filter((a, i) => !a.startsWith('-') && !/^-[mgo]$|^--(?:mode|group|owner)$/.test(inv.args[i - 1] ?? ''));
      const source = operands.length === 2 ? operands[0] : undefined;
      const name = baseName(operands[1] ?? '');
      // Into the working directory (`cp /bin/bash .`) is where a setuid copy is made next (PayloadsAllTheThings).
      const here = /^\.\/?$/.test(operands[1] ?? '');
      if (source !== undefined && SHELL_PATH.test(source) && /sh$/.test(source) && (here || (!operands[1].endsWith('/') && !SHELL_NAMES.has(name) && !/sh$/.test(name)))) return { shell: source, as: operands[1] };
    }
    return undefined;
  },
};

/**
 * `doas /bin/sh`, `sudo sudo /bin/sh`, `sudo su -c /bin/sh`: a root shell asked for by a second door (doas is rare on
 * Linux, and Sigma reports its every use; nested elevation is a GTFOBins sudo entry). `sudo -i` and `sudo su -` stay quiet.
 */
const shellThroughSecondElevator: Rule = {
  name: 'shell-through-second-elevator',
  category: 'privilege_escalation',
  severity: 'low',
  techniques: ['T1548.003'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const words = inv.command.argv.map((w) => baseName(w));
      const su = words.indexOf('su');
      // `sudo su - postgres -c psql` becomes another user, not root.
      const suUser = su < 0 ? undefined : inv.command.argv.slice(su + 1).find((w, i, rest) => !w.startsWith('-') && !/^(?:-c|--command|-s|--shell)$/.test(rest[i - 1] ?? ''));
      const doors = words.filter((w, i) => /^(?:sudo|doas)$/.test(w) || (i === su && i > 0 && /^(?:sudo|doas)$/.test(words[0]) && (suUser === undefined || suUser === 'root')));
      const shell = inv.command.argv.find((w) => SHELL_PATH.test(w) || SHELL_NAMES.has(w));
      if (shell !== undefined && (words[0] === 'doas' || doors.length >= 2)) return { elevators: doors.join(' then '), shell };
    }
    return undefined;
  },
};

/**
 * `printf '.PS\nsh X sh X\n' | ./pic -U`: troff's unsafe mode fed an `sh` request, a shell from a setuid copy or a sudo
 * rule (GTFOBins pic).
 */
const troffUnsafeShell: Rule = {
  name: 'troff-unsafe-shell',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1548', 'T1059.004'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'pic', 'groff', 'troff', 'nroff').find((i) => i.args.includes('-U') && /(?:^|\\n|\s)\.?sh\s/.test(s.text));
    return inv ? { program: inv.path, unsafe: '-U' } : undefined;
  },
};

/** PwnKit (CVE-2021-4034) runs pkexec with no program to execute. */
const pkexecWithoutProgram: Rule = {
  name: 'pkexec-without-program',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1068'],
  match: (s) => (invocationsOf(s, 'pkexec').some((inv) => inv.args.length === 0) ? { command: 'pkexec' } : undefined),
};

const glibcTunables: Rule = {
  name: 'glibc-tunables-on-setuid-program',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1068'],
  match: (s): Evidence | undefined => {
    const tunables = excerpt(s.text, /GLIBC_TUNABLES=\S*/);
    return tunables !== undefined && SETUID_PROGRAMS.test(s.text) ? { environment: tunables } : undefined;
  },
};

/**
 * Baron Samedit (CVE-2021-3156): `sudoedit -s` with an argument ending in a lone backslash overflows sudo's heap (the
 * condition Falco's "Sudo Potential Privilege Escalation" reads).
 */
const sudoeditOverflow: Rule = {
  name: 'sudoedit-backslash-overflow',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1068', 'T1548.003'],
  match: (s) => {
    const inv = s.invocations.find((i) => i.program === 'sudoedit' && i.args.some((a) => /^-[a-zA-Z]*[si]/.test(a)) && i.args.some((a) => /(?:^|[^\\])(?:\\\\)*\\$/.test(a)));
    return inv ? { command: `${inv.program} ${inv.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/** CVE-2019-14287: `sudo -u#-1` runs as uid 0 when root is excluded. */
const sudoUidBypass: Rule = {
  name: 'sudo-uid-bypass',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548.003', 'T1068'],
  match: (s) => {
    // `sudo -u#-1` (CVE-2019-14287); `sudo -R /tmp/x` chroots before reading nsswitch.conf from it (CVE-2025-32463).
    const option = excerpt(s.text, /\bsudo\s+(?:-\S+\s+)*-u\s*#(?:-1|4294967295)\b|\bsudo\s+(?:-\S+\s+)*(?:-R\s*|--chroot[=\s]+)(?!\/\s)\S+/);
    return option === undefined ? undefined : { option };
  },
};

/**
 * `find / -perm -4000`, `getcap -r /`, linPEAS, LinEnum, linux-exploit-suggester, pspy: listing setuid binaries,
 * capabilities, writable paths and kernel exploits to find a way up. The scripts are recognised as the program run,
 * the script an interpreter runs, or the file a download fetches.
 */
const privilegeEnumeration: Rule = {
  name: 'setuid-enumeration',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1548.001', 'T1083', 'T1082'],
  match: (s): Evidence | undefined => {
    const find = invocationsOf(s, 'find').find((inv) => inv.args.some((a, i) => inv.args[i - 1] === '-perm' && /^[-/]?(?:[246]000|u=s|g=s|u\+s|g\+s|-?o[+=]w|0?777|222|0*2)$/.test(a)) || (/^\/\/?$/.test(inv.args[0] ?? '') && inv.args.includes('-writable')));
    if (find) return { search: find.args.join(' ').slice(0, 120) };
    const getcap = invocationsOf(s, 'getcap').find((inv) => inv.args.includes('-r'));
    if (getcap) return { search: `getcap ${getcap.args.join(' ')}` };
    const script = excerpt(s.text, ENUMERATION_SCRIPT);
    return script === undefined ? undefined : { tool: script };
  },
};

/** Privilege-escalation and container-escape enumeration kits: no administrator runs these on a node. */
const ENUMERATION_SCRIPT = /(?:^|[\s/'"=])(?:linpeas(?:_\w+)?(?:\.sh)?|linenum\.sh|LinEnum(?:\.sh)?|linux-exploit-suggester(?:-2)?(?:\.sh|\.pl)?|les\.sh|lse\.sh|linux-smart-enumeration|pspy(?:32|64)?s?|deepce\.sh|AutoSUID\.sh|unix-privesc-check|linuxprivchecker\.py|traitor-amd64|peirates|suid3num\.py|BeRoot\.py)(?=$|[\s'"?&;|)])/i;

/** Setuid in octal (4xxx to 7xxx) or symbolic (`u+s`, `+s`), or setgid together with execute (`g+xs`). */
function isSetuidMode(mode: string): boolean {
  if (/^0?[4-7][0-7]{3}$/.test(mode)) return true;
  const m = /^([ugoa]*)[+=]([rwxXst]*)$/.exec(mode);
  if (!m || !m[2].includes('s')) return false;
  return m[1] === '' || m[1].includes('u') || m[1].includes('a') || m[2].includes('x');
}

/**
 * `sudo -l`: what this account may run as root, the first question of a sudo escape (also a user checking their
 * rights); `chown root /tmp/x`: a file in a drop location handed to root before its setuid bit is set.
 */
const privilegeReconnaissance: Rule = {
  name: 'sudo-rights-listed',
  category: 'privilege_escalation',
  severity: 'low',
  techniques: ['T1548.003', 'T1548.001'],
  match: (s): Evidence | undefined => {
    // sudo's own options, not the command's (`sudo ss -tlnp` runs ss).
    const list = s.invocations.find((inv) => baseName(inv.command.argv[0] ?? '') === 'sudo' && leadingOptions(inv.command.argv.slice(1)).some((a) => /^-[a-zA-Z]*l[a-zA-Z]*$|^--list$/.test(a)) && inv.command.argv.length <= 3);
    if (list) return { command: list.command.argv.join(' ') };
    const chown = invocationsOf(s, 'chown').find((inv) => /^root(?::root)?$|^0(?::0)?$/.test(inv.args.find((a) => !a.startsWith('-')) ?? '') && inv.args.some((a) => isDropperPath(a) && !baseName(a).includes('.')));
    return chown ? { command: `chown ${chown.args.join(' ')}` } : undefined;
  },
};

/** Exploit code fetched onto the node: a repository or file named for a CVE, an exploit, a proof of concept or a kernel bug. */
const EXPLOIT_NAME = /(?:exploit|CVE-\d{4}-\d{3,}|[-_/]poc(?:[-_./]|$)|proof-?of-?concept|privesc|priv-esc|pwnkit|dirty-?pipe|dirty-?cow|dirty-?cred|looney-?tunables|log4shell|container-?escape|kernel-?exploit|linux-exploit)/i;
const exploitFetched: Rule = {
  name: 'exploit-code-fetched',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1068', 'T1588.005'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'git', 'wget', 'curl', 'gh', 'svn').find((i) => (i.program !== 'git' || i.args.includes('clone')) && i.args.some((a) => /^(?:https?|git|ssh):\/\/|^git@/.test(a) && EXPLOIT_NAME.test(a)));
    if (inv) return { tool: inv.program, source: inv.args.find((a) => EXPLOIT_NAME.test(a))?.slice(0, 160) ?? '' };
    // An exploit packaged as an image (`docker run cve-2019-5736:malicious_image_POC`), or an option that says it (`-autopwn`).
    // Also an offensive distribution's image (`kalilinux/kali-rolling`, `parrotsec/security`, `blackarchlinux/blackarch`).
    const image = invocationsOf(s, 'docker', 'podman', 'nerdctl', 'kubectl', 'ctr', 'buildah').find((i) => /^(?:run|create|pull|build)$/.test(i.args[0] ?? '') && i.args.some((a) => !a.startsWith('-') && /[:/]/.test(a) && (EXPLOIT_NAME.test(a) || /\b(?:kalilinux|parrotsec|blackarch(?:linux)?)\//.test(a))));
    if (image) return { tool: image.program, image: image.args.find((a) => !a.startsWith('-') && /[:/]/.test(a) && EXPLOIT_NAME.test(a)) ?? '' };
    const option = excerpt(s.text, /(?:^|\s)--?auto-?pwn\b[^\s]*/i);
    return option === undefined ? undefined : { option: option.trim() };
  },
};

/**
 * `touch -- '--checkpoint-action=exec=sh x.sh'`: a file named like an option, waiting for a root job's `tar *` or
 * `rsync *` to take it as one (wildcard injection).
 */
const wildcardInjection: Rule = {
  name: 'option-named-file-planted',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548', 'T1053.003'],
  match: (s) => {
    const name = /^--(?:checkpoint(?:-action)?|use-compress-program|to-command|rsh-command|rsync-path|preserve-root)=|^-e\s+\S*sh\b/;
    const planted = [...invocationsOf(s, 'touch').flatMap((inv) => inv.args.filter((a) => a !== '--')), ...s.invocations.flatMap((inv) => inv.command.redirects.filter((r) => />/.test(r.op)).map((r) => r.target))].find((f) => name.test(f.replace(/^.*\//, '')));
    return planted === undefined ? undefined : { file: planted };
  },
};

export const PRIVILEGE_ESCALATION_RULES: readonly Rule[] = [
  wildcardInjection, exploitFetched, privilegeReconnaissance, libraryFromDropLocation, ptraceInjection, rootCodePrompt, shellCopyRun,
  sudoUidBypass, sudoeditOverflow, privilegeEnumeration, sudoShellEscape, privilegedShell, setuidCall, setcapDangerous, chmodSetuid, shellOverBinary, shellRenamed, shellThroughSecondElevator, troffUnsafeShell,
  pkexecWithoutProgram, glibcTunables, programShellEscape, shellPayloadStaged,
];
