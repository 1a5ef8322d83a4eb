/** Persistence: something arranged to run again later (cron, at, systemd, shell start-up files, SSH keys, accounts). */
import { excerpt, isDropperPath, isTempPath, SHELL_PATH, TEMP_PATHS, urlsIn } from '../patterns.js';
import { invocationsOf, type Subject } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { writesTo } from './rule.js';

const CRON_PATH = /^\/etc\/cron(?:tab$|\.(?:d|hourly|daily|weekly|monthly)\/)|^\/var\/spool\/cron\/|^\/etc\/anacrontab$/;
/** Start-up scripts every login or boot runs. */
const SYSTEM_STARTUP_FILE = /^\/etc\/(?:profile$|bash\.bashrc$|zsh\/\w+$|environment$|rc\.local$|rc\.d\/|rc\d\.d\/|profile\.d\/|init\.d\/|init\/|update-motd\.d\/|xdg\/autostart\/)/;
const USER_STARTUP_FILE = /^(?:~|\$HOME|\/root|\/home\/[^/]+)\/\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin|xprofile|config\/autostart\/)/;
/** A start-up line that only configures the environment (`export PATH=...`, `KUBECONFIG=...`), as install guides add. */
const CONFIG_LINE = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=[^;&|`]*$/;
/** Aliases that capture credentials or hide activity by shadowing a trusted command. */
const SHADOWING_ALIAS = /\balias\s+(?:sudo|su|ssh|passwd|ls|ps|netstat|ss|top|cat|kill)=/;
const SYSTEM_ACCOUNTS = /^(?:nobody|daemon|bin|sys|sync|games|man|lp|mail|news|uucp|proxy|www-data|backup|list|irc|gnats|systemd-\w+|messagebus|syslog|_apt|sshd)$/;

const cronWrite: Rule = {
  name: 'cron-file-write',
  category: 'persistence',
  severity: 'high',
  match: (s) => {
    const written = writesTo(s, CRON_PATH);
    const payload = written && stagedPayload(s);
    return written && payload ? { ...written, ...payload } : undefined;
  },
};

/**
 * `crontab /tmp/x` or `echo '... /tmp/.x' | crontab -`: a crontab installed from a drop location or carrying a staged
 * payload. (`(crontab -l; echo '0 3 * * * /usr/local/bin/backup.sh') | crontab -` is how admins add a job.)
 */
const crontabInstall: Rule = {
  name: 'crontab-replaced',
  category: 'persistence',
  severity: 'high',
  match: (s) => {
    for (const inv of invocationsOf(s, 'crontab')) {
      const operands = inv.args.filter((a, i) => (a === '-' || !a.startsWith('-')) && inv.args[i - 1] !== '-u');
      if (operands.length === 0) continue;
      if (isTempPath(operands[0])) return { crontab: operands[0] };
      const payload = stagedPayload(s);
      if (payload) return { crontab: operands[0] === '-' ? 'stdin' : operands[0], ...payload };
    }
    return undefined;
  },
};

const atJob: Rule = {
  name: 'at-job-scheduled',
  category: 'persistence',
  severity: 'medium',
  match: (s) => {
    const inv = invocationsOf(s, 'at', 'batch').find((i) => i.command.pipedFrom || i.args.includes('-f'));
    return inv ? { schedule: inv.args.join(' ').slice(0, 120) } : undefined;
  },
};

const authorizedKeysWrite: Rule = {
  name: 'authorized-keys-write',
  category: 'persistence',
  severity: 'high',
  match: (s) => {
    // `cat key.pub >> ~/.ssh/authorized_keys` installs a key file the user holds: the documented way to add a key.
    const installsPubFile = s.invocations.some((inv) => inv.program === 'cat' && inv.args.length > 0 && inv.args.every((a) => a.endsWith('.pub')));
    return installsPubFile ? undefined : writesTo(s, /\/\.ssh\/authorized_keys2?$/);
  },
};

/**
 * A system start-up script given anything but environment settings, or a user's shell rc given a staged payload or
 * an alias that shadows a trusted command. (`echo 'export PATH=...' >> ~/.bashrc` is every install guide.)
 */
const startupFileWrite: Rule = {
  name: 'shell-startup-file-write',
  category: 'persistence',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const content = echoedContent(s);
    const system = writesTo(s, SYSTEM_STARTUP_FILE);
    if (system && !(content !== undefined && content.split('\n').every((line) => CONFIG_LINE.test(line)))) return { ...system, content: (content ?? '').slice(0, 120) };
    const user = writesTo(s, USER_STARTUP_FILE);
    if (!user) return undefined;
    const alias = excerpt(s.text, SHADOWING_ALIAS);
    const payload = stagedPayload(s);
    return alias !== undefined ? { ...user, alias } : payload ? { ...user, ...payload } : undefined;
  },
};

/** rc.local only runs once it is executable. */
const rcLocalEnabled: Rule = {
  name: 'rc-local-enabled',
  category: 'persistence',
  severity: 'medium',
  match: (s) => (invocationsOf(s, 'chmod').some((inv) => inv.args.includes('/etc/rc.local') && inv.args.some((a) => /x/.test(a) || /^[0-7]?[157][0-7]{2}$/.test(a))) ? { file: '/etc/rc.local' } : undefined),
};

/** `systemctl link /dev/shm/x.service`, `systemctl enable --now /tmp/.x/y.service`: a unit installed from a drop location. */
const unitFromTemp: Rule = {
  name: 'systemd-unit-from-temp',
  category: 'persistence',
  severity: 'high',
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'systemctl')) {
      const unit = inv.args.find((a) => isTempPath(a) || isDropperPath(a));
      if (unit !== undefined && inv.args.some((a) => /^(?:link|enable|start|reenable)$/.test(a))) return { unit };
    }
    const copied = invocationsOf(s, 'cp', 'mv', 'install', 'ln').find((inv) => inv.args.some(isTempPath) && /^\/(?:etc|lib|usr\/lib)\/systemd\/(?:system|user)\b/.test(inv.args[inv.args.length - 1] ?? ''));
    if (copied) return { unit: copied.args.find(isTempPath) ?? '', installedIn: copied.args[copied.args.length - 1] };
    const exec = excerpt(s.text, /Exec(?:Start|StartPre|StartPost|Stop)=\S*(?:\/tmp\/|\/var\/tmp\/|\/dev\/shm\/)\S*/);
    return exec === undefined ? undefined : { unitLine: exec };
  },
};

/** `useradd -p HASH`, `useradd -o -u 0`: an account created ready to log in, or a second root. */
const accountWithPassword: Rule = {
  name: 'account-created-with-password',
  category: 'persistence',
  severity: 'high',
  match: (s) => {
    for (const inv of invocationsOf(s, 'useradd', 'adduser', 'usermod')) {
      const password = inv.args.some((a) => a === '-p' || a.startsWith('--password'));
      const uid0 = /(?:^|\s)(?:-u|--uid)[=\s]?0(?:\s|$)/.test(inv.args.join(' '));
      if (password || uid0) return { tool: inv.program, account: inv.args[inv.args.length - 1], ...(uid0 ? { uid: '0' } : {}) };
    }
    return undefined;
  },
};

/** `chsh -s /bin/bash nobody`: a service account given a login shell to come back through. */
const systemAccountShell: Rule = {
  name: 'system-account-login-shell',
  category: 'persistence',
  severity: 'high',
  match: (s) => {
    for (const inv of invocationsOf(s, 'chsh', 'usermod', 'useradd')) {
      const shell = inv.args.find((a) => SHELL_PATH.test(a));
      const account = inv.args[inv.args.length - 1];
      // `useradd -r` makes a system account: one with a login shell is a back door dressed as a service user.
      const systemAccount = SYSTEM_ACCOUNTS.test(account ?? '') || (inv.program === 'useradd' && inv.args.some((a) => a === '-r' || a === '--system' || /^-[a-zA-Z]*r[a-zA-Z]*$/.test(a)));
      if (shell !== undefined && account !== undefined && systemAccount) return { account, shell };
    }
    return undefined;
  },
};

/** `trap "nohup sh /tmp/x" EXIT`: code re-launched whenever the shell exits or is signalled. */
const exitTrap: Rule = {
  name: 'shell-trap-relaunch',
  category: 'persistence',
  severity: 'medium',
  match: (s) => {
    // A cleanup trap (`trap 'rm -rf /tmp/x' EXIT`) is everywhere; one that launches a program in the background is not.
    const trap = excerpt(s.text, /\btrap\s+(["'])[^"']*?(?:nohup|setsid|curl|wget|\b(?:ba)?sh\s+\S)[^"']*\1\s+(?:EXIT|0|HUP|SIGHUP|INT|TERM|SIGTERM|DEBUG|RETURN|ERR)\b/);
    return trap === undefined ? undefined : { trap };
  },
};

/** A `.pth` file or sitecustomize module: Python runs it at every interpreter start. */
const pythonStartupHook: Rule = {
  name: 'python-startup-hook',
  category: 'persistence',
  severity: 'high',
  match: (s) => writesTo(s, /\.pth$|\/(?:site|user)customize\.py$/),
};

/** `systemd-run --on-calendar=...`: a timer that leaves no unit file behind. */
const transientTimer: Rule = {
  name: 'transient-systemd-timer',
  category: 'persistence',
  severity: 'medium',
  match: (s) => {
    const inv = invocationsOf(s, 'systemd-run').find((i) => i.args.some((a) => /^--on-(?:calendar|active|boot|startup|unit-active|unit-inactive)\b/.test(a)));
    return inv ? { timer: inv.args.join(' ').slice(0, 160) } : undefined;
  },
};

/** PAM modules and udev rules run code on every login or device event. */
const loginOrDeviceHook: Rule = {
  name: 'pam-or-udev-hook',
  category: 'persistence',
  severity: 'high',
  match: (s) => {
    const pam = writesTo(s, /^\/etc\/pam\.d\//);
    if (pam) return pam;
    const udev = writesTo(s, /^\/(?:etc|lib|usr\/lib)\/udev\/rules\.d\//);
    return udev && /RUN\+?=/.test(s.text) ? udev : undefined;
  },
};

/** What a command line stages to run later: a URL, a temporary path, a /dev/tcp socket, a decoded blob, a detached launch. */
function stagedPayload(s: Subject): Evidence | undefined {
  const temp = [...s.text.matchAll(TEMP_PATHS)].map((m) => m[0]).find((p) => p !== '/tmp/');
  if (temp !== undefined) return { payload: temp };
  const url = urlsIn(s.text)[0];
  if (url) return { payload: url.url.slice(0, 160) };
  const other = excerpt(s.text, /\/dev\/tcp\/\S+|\bbase64\s+(?:-d|--decode)\b|\bnohup\b|\bmkfifo\b/);
  return other === undefined ? undefined : { payload: other };
}

/** The text echo or printf produced in this command line, or undefined when none did. */
function echoedContent(s: Subject): string | undefined {
  const echoes = invocationsOf(s, 'echo', 'printf').map((inv) => inv.args.filter((a) => !/^-[neE]+$/.test(a)).join(' '));
  return echoes.length === 0 ? undefined : echoes.join('\n');
}

export const PERSISTENCE_RULES: readonly Rule[] = [
  transientTimer, loginOrDeviceHook,
  cronWrite, crontabInstall, atJob, authorizedKeysWrite, startupFileWrite, rcLocalEnabled, unitFromTemp, accountWithPassword,
  systemAccountShell, exitTrap, pythonStartupHook,
];
