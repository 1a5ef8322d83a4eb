/** Privilege escalation: shell escapes through sudo, setuid bits and capabilities, container escapes, kernel helper hijacks. */
import { allOf, excerpt, isTempPath, SHELL_NAMES, SHELL_PATH } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { writesTo } from './rule.js';

/** Programs whose shell arguments run inside a container or a new login, not as an escape from sudo. */
const NOT_AN_ESCAPE = new Set([
  ...SHELL_NAMES, 'su', 'login', 'docker', 'podman', 'nerdctl', 'kubectl', 'k3s', 'crictl', 'ctr', 'chroot', 'runuser', 'machinectl', 'lxc',
  'lxc-attach', 'systemd-nspawn', 'nsenter', 'unshare', 'chsh', 'usermod', 'useradd', 'adduser', 'tmux', 'screen', 'systemd-run',
]);
/** A shell named inside an argument: a path, or after `!`, `=`, `exec`, `system(`, as GTFOBins escapes write it. */
const SHELL_IN_ARGUMENT = new RegExp(`${SHELL_PATH.source}|(?:^|[!=]|(?:system|exec|spawn|popen)\\s*\\(?\\s*["'])(?:ba|da|z)?sh\\b`);
const DANGEROUS_CAPABILITY = /cap_(?:setuid|setgid|sys_admin|sys_ptrace|sys_module|dac_override|dac_read_search|chown|fowner|bpf)/i;
/** Programs installed setuid root that Looney Tunables (CVE-2023-4911) and similar loader bugs attack. */
const SETUID_PROGRAMS = /(?:^|[\s/])(?:su|sudo|passwd|chsh|chfn|pkexec|mount|umount|newgrp|gpasswd|fusermount3?)(?:\s|$)/;
const SYSTEM_BINARY_DIR = /^\/(?:usr\/)?(?:local\/)?s?bin\//;

/** GTFOBins: a program allowed by sudo (find, env, rsync, apt-get, strace, ...) told to run a shell. */
const sudoShellEscape: Rule = {
  name: 'sudo-shell-escape',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      if (inv.sudoTarget === undefined || NOT_AN_ESCAPE.has(baseName(inv.sudoTarget))) continue;
      const shell = inv.sudoArgs?.find((a) => SHELL_IN_ARGUMENT.test(a));
      if (shell !== undefined) return { sudoRuns: inv.sudoTarget, shell: shell.slice(0, 120) };
    }
    return undefined;
  },
};

/** `sh -p` keeps the effective uid of a setuid shell copy instead of dropping it; also `execl("/bin/sh", "sh", "-p")`. */
const privilegedShell: Rule = {
  name: 'shell-keeps-setuid',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const inv = s.invocations.find((i) => SHELL_NAMES.has(i.program) && i.args.includes('-p'));
    if (inv) return { shell: `${inv.path} -p` };
    const call = excerpt(s.text, /["'](?:\/\S*\/)?(?:ba|da|z)?sh["']\s*,\s*["']-p\w*["']|\/bin\/(?:ba|da|z)?sh\s+-p\b/);
    return call === undefined ? undefined : { call };
  },
};

const setuidCall: Rule = {
  name: 'setuid-root-call',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const call = excerpt(s.text, /(?:\b|_)set(?:res|re)?[ug]id\s*\(\s*0\s*[,)]/);
    return call === undefined ? undefined : { call };
  },
};

const setcapDangerous: Rule = {
  name: 'setcap-privileged-capability',
  category: 'privilege_escalation',
  severity: 'high',
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
 * `chmod u+s`, `chmod 4755`, `chmod g+xs`: a setuid bit, or setgid on an executable. Setgid alone (`chmod 2775 dir`,
 * `g+s`) is how shared directories are made and is not reported.
 */
const chmodSetuid: Rule = {
  name: 'chmod-setuid',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'chmod')) {
      const mode = inv.args.find(isSetuidMode);
      if (mode !== undefined) return { mode, file: inv.args[inv.args.length - 1] };
    }
    return undefined;
  },
};

/** `ln -fs /bin/sh /bin/ln`, `mount -o bind /bin/sh /bin/mount`: a shell planted where a trusted binary was. */
const shellOverBinary: Rule = {
  name: 'shell-over-system-binary',
  category: 'privilege_escalation',
  severity: 'high',
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
 * `docker run -v /:/host`, or `--privileged` with an interactive terminal or a host bind mount: a container with
 * the host's powers. `--privileged` alone (binfmt installers, k3d nodes, GPU exporters) is not reported.
 */
const privilegedContainer: Rule = {
  name: 'container-with-host-access',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'docker', 'podman', 'nerdctl')) {
      if (!['run', 'create'].includes(inv.args[0] ?? '')) continue;
      const text = ` ${inv.args.join(' ')} `;
      // Read-only host root mounts are how node-exporter and cAdvisor are documented to run.
      const hostRoot = excerpt(text, /\s(?:-v|--volume)[=\s]\/:\S*|\s--mount[=\s]\S*(?:src|source)=\/(?:,|\s)\S*/);
      if (hostRoot !== undefined && !/(?::|,)(?:ro|readonly)\b/.test(hostRoot)) return { runtime: inv.program, option: hostRoot.trim() };
      const privileged = /\s--privileged(?:=true)?\s/.test(text);
      const access = excerpt(text, /\s-[a-z]*i[a-z]*t[a-z]*\s|\s-[a-z]*t[a-z]*i[a-z]*\s|\s--mount[=\s]\S*(?:src|source)=\/\S+|\s--pid[=\s]host/);
      if (privileged && access !== undefined) return { runtime: inv.program, option: `--privileged ${access.trim()}` };
    }
    return undefined;
  },
};

/** Writing a kernel usermode helper (core_pattern, modprobe path, uevent_helper, cgroup release_agent) runs code as root on the host. */
const kernelHelperHijack: Rule = {
  name: 'kernel-helper-hijack',
  category: 'privilege_escalation',
  severity: 'critical',
  match: (s) => writesTo(s, /\/proc\/sys\/kernel\/(?:core_pattern|modprobe)$|uevent_helper$|release_agent$/),
};

const containerSocket: Rule = {
  name: 'container-runtime-socket-access',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const socket = excerpt(s.text, /(?:--unix-socket[=\s]+|unix-connect:|unix-client:|\s-U\s+)\S*(?:docker|containerd|crio|podman|cri-dockerd)\.sock/i);
    return socket === undefined ? undefined : { socket: socket.trim() };
  },
};

/** PwnKit (CVE-2021-4034) runs pkexec with no program to execute. */
const pkexecWithoutProgram: Rule = {
  name: 'pkexec-without-program',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s) => (invocationsOf(s, 'pkexec').some((inv) => inv.args.length === 0) ? { command: 'pkexec' } : undefined),
};

const glibcTunables: Rule = {
  name: 'glibc-tunables-on-setuid-program',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const tunables = excerpt(s.text, /GLIBC_TUNABLES=\S*/);
    return tunables !== undefined && SETUID_PROGRAMS.test(s.text) ? { environment: tunables } : undefined;
  },
};

/** Mounting a raw disk from inside a container exposes the host filesystem (on the host it is ordinary admin work). */
const blockDeviceMount: Rule = {
  name: 'container-mounts-block-device',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    if (s.facts.containerId === undefined) return undefined;
    for (const inv of invocationsOf(s, 'mount')) {
      const device = inv.args.find((a) => /^\/dev\/(?:sd[a-z]|nvme\d|vd[a-z]|xvd[a-z]|hd[a-z]|mapper\/|dm-\d)/.test(a));
      if (device !== undefined) return { device, mountpoint: inv.args[inv.args.length - 1] };
    }
    return undefined;
  },
};

/** Writing the account databases directly: a second uid 0, a password hash swapped in. */
const accountFileWrite: Rule = {
  name: 'account-database-write',
  category: 'privilege_escalation',
  severity: 'critical',
  match: (s) => writesTo(s, /^\/etc\/(?:passwd|shadow|group|gshadow)$/),
};

/** `nsenter -t 1 -m ...`: entering the host's namespaces through PID 1, the way out of a privileged container. */
const hostNamespaceEntry: Rule = {
  name: 'host-namespace-entry',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'nsenter').find((i) => /(?:^|\s)(?:-t\s*1|--target[=\s]1)(?:\s|$)/.test(i.args.join(' ')) && i.args.some((a) => /^-[a-zA-Z]*m|^--mount/.test(a)));
    if (inv) return { command: `nsenter ${inv.args.join(' ')}`.slice(0, 160) };
    const overrides = allOf(s.text, /\bkubectl\b/, /--overrides/, /"(?:hostPID|privileged)"\s*:\s*true/);
    return overrides === undefined ? undefined : { overrides: overrides[2] };
  },
};

const sudoersWrite: Rule = {
  name: 'sudoers-write',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s) => writesTo(s, /^\/etc\/sudoers(?:\.d\/|$)/) ?? (/NOPASSWD:\s*ALL/.test(s.text) ? { grant: 'NOPASSWD: ALL' } : undefined),
};

/** CVE-2019-14287: `sudo -u#-1` runs as uid 0 when root is excluded. */
const sudoUidBypass: Rule = {
  name: 'sudo-uid-bypass',
  category: 'privilege_escalation',
  severity: 'high',
  match: (s) => {
    const option = excerpt(s.text, /\bsudo\s+(?:-\S+\s+)*-u\s*#(?:-1|4294967295)\b/);
    return option === undefined ? undefined : { option };
  },
};

/** `find / -perm -4000`, `getcap -r /`: listing setuid binaries and capabilities to find a way up. */
const privilegeEnumeration: Rule = {
  name: 'setuid-enumeration',
  category: 'privilege_escalation',
  severity: 'medium',
  match: (s): Evidence | undefined => {
    const find = invocationsOf(s, 'find').find((inv) => inv.args.some((a, i) => inv.args[i - 1] === '-perm' && /^[-/]?(?:[246]000|u=s|g=s|u\+s)$/.test(a)));
    if (find) return { search: find.args.join(' ').slice(0, 120) };
    const getcap = invocationsOf(s, 'getcap').find((inv) => inv.args.includes('-r'));
    return getcap ? { search: `getcap ${getcap.args.join(' ')}` } : undefined;
  },
};

/** Setuid in octal (4xxx to 7xxx) or symbolic (`u+s`, `+s`), or setgid together with execute (`g+xs`). */
function isSetuidMode(mode: string): boolean {
  if (/^0?[4-7][0-7]{3}$/.test(mode)) return true;
  const m = /^([ugoa]*)[+=]([rwxXst]*)$/.exec(mode);
  if (!m || !m[2].includes('s')) return false;
  return m[1] === '' || m[1].includes('u') || m[1].includes('a') || m[2].includes('x');
}

export const PRIVILEGE_ESCALATION_RULES: readonly Rule[] = [
  sudoUidBypass, privilegeEnumeration, accountFileWrite, hostNamespaceEntry,
  sudoShellEscape, privilegedShell, setuidCall, setcapDangerous, chmodSetuid, shellOverBinary, privilegedContainer,
  kernelHelperHijack, containerSocket, pkexecWithoutProgram, glibcTunables, blockDeviceMount, sudoersWrite,
];
