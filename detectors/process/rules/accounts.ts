/**
 * Accounts and sudo policy: accounts created (T1136.001) or manipulated (T1098) to come back as, the account
 * databases and sudoers written directly (T1548.003). Granting admin rights is also everyday administration, so the
 * plain case is reported at low severity; a second root, a password fixed on the command line or a service account given
 * a shell are not everyday. A plain login created for a person (`useradd -m -s /bin/bash -G docker priya`) shows no
 * foothold on the line and is not reported: in the blind draws it was ten benign lines to one malicious.
 */
import { EDITORS, excerpt, PRIVILEGED_GROUPS, SHELL_PATH } from '../patterns.js';
import { invocationsOf, type Invocation } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { writesTo } from './rule.js';

const SYSTEM_ACCOUNTS = /^(?:nobody|daemon|bin|sys|sync|games|man|lp|mail|news|uucp|proxy|www-data|backup|list|irc|gnats|systemd-\w+|messagebus|syslog|_apt|sshd)$/;
const NO_LOGIN_SHELL = /(?:nologin|false|sync|true)$/;
/** sudo policy weakened in place: no password, no re-authentication, no per-terminal tickets. */
const SUDO_POLICY_WEAKENED = /NOPASSWD:\s*ALL|timestamp_timeout\s*=\s*-1|!["']*\s*tty_tickets|!["']*\s*authenticate\b|\bDefaults\s+["']*!?["']*\s*(?:tty_tickets|authenticate)\b/;
const SUDOERS = /^(?:\/usr\/local)?\/etc\/sudoers(?:\.d\/|$)/;
const ACCOUNT_DATABASE = /^\/etc\/(?:passwd|shadow|group|gshadow|master\.passwd)$/;

/** Writing the account databases directly: a second uid 0, a password hash swapped in. */
const accountFileWrite: Rule = {
  name: 'account-database-write',
  category: 'privilege_escalation',
  severity: 'critical',
  techniques: ['T1136.001', 'T1098'],
  match: (s) => writesTo(s, ACCOUNT_DATABASE),
};

const sudoersWrite: Rule = {
  name: 'sudoers-write',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1548.003'],
  match: (s) => {
    const written = writesTo(s, SUDOERS);
    if (written) return written;
    const grant = excerpt(s.text, SUDO_POLICY_WEAKENED);
    return grant === undefined ? undefined : { grant };
  },
};

/**
 * `vim /etc/sudoers`, `cat /etc/sudoers`, `virsh vol-upload ... /etc/sudoers.d/x`: the sudo policy opened by a program
 * other than visudo (administration, or reconnaissance). visudo, the tool made for editing it, is quiet: in the blind
 * draws it was two benign lines to no malicious one.
 */
const sudoersOpened: Rule = {
  name: 'sudoers-opened',
  category: 'privilege_escalation',
  severity: 'low',
  techniques: ['T1548.003'],
  match: (s): Evidence | undefined => {
    const opened = s.invocations.find((inv) => inv.program !== 'visudo' && inv.args.some((a) => SUDOERS.test(a)) && !/^(?:chmod|chown|ls|stat|test|\[)$/.test(inv.program));
    return opened ? { tool: opened.program, file: opened.args.find((a) => SUDOERS.test(a)) ?? '' } : undefined;
  },
};

/** `sudo vi /etc/passwd`, `vipw`: the account database edited by hand (administration, or a second root typed in). */
const accountDatabaseEdited: Rule = {
  name: 'account-database-edited',
  category: 'privilege_escalation',
  severity: 'low',
  techniques: ['T1136.001', 'T1098'],
  match: (s): Evidence | undefined => {
    const inv = s.invocations.find((i) => EDITORS.test(i.program) && (/^vi(?:pw|gr)$/.test(i.program) || i.args.some((a) => ACCOUNT_DATABASE.test(a))));
    return inv ? { editor: inv.program, file: inv.args.find((a) => ACCOUNT_DATABASE.test(a)) ?? (inv.program === 'vigr' ? '/etc/group' : '/etc/passwd') } : undefined;
  },
};

/** `useradd -p HASH`, `useradd -o -u 0`, `usermod -p`: an account created or changed ready to log in, or a second root. */
const accountWithPassword: Rule = {
  name: 'account-created-with-password',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1136.001', 'T1098'],
  match: (s) => {
    for (const inv of accountTools(s.invocations)) {
      const password = inv.args.some((a) => a === '-p' || a.startsWith('--password'));
      const uid0 = /(?:^|\s)(?:-u|--uid)[=\s]?0(?:\s|$)/.test(inv.args.join(' '));
      if (password || uid0) return { tool: inv.program, account: inv.args[inv.args.length - 1], ...(uid0 ? { uid: '0' } : {}) };
    }
    return undefined;
  },
};

/** `chsh -s /bin/bash nobody`, `useradd -r -s /bin/bash x`: a service account given a login shell to come back through. */
const systemAccountShell: Rule = {
  name: 'system-account-login-shell',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1136.001', 'T1098', 'T1078.003'],
  match: (s) => {
    for (const inv of invocationsOf(s, 'chsh', 'usermod', 'useradd')) {
      const shell = loginShell(inv);
      const account = inv.args[inv.args.length - 1];
      // `useradd -r` makes a system account: one with a login shell is a back door dressed as a service user.
      const systemAccount = SYSTEM_ACCOUNTS.test(account ?? '') || (inv.program === 'useradd' && inv.args.some((a) => a === '--system' || /^-[a-zA-Z]*r[a-zA-Z]*$/.test(a)));
      if (shell !== undefined && account !== undefined && systemAccount) return { account, shell };
    }
    return undefined;
  },
};

/** `useradd -g 0 -d /root`, `useradd -G root`, `usermod -o -u 0`: an account that is root by group, home or a shared uid. */
const rootIdentity: Rule = {
  name: 'account-given-root-identity',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1136.001', 'T1098'],
  match: (s) => {
    for (const inv of accountTools(s.invocations)) {
      const text = ` ${inv.args.join(' ')} `;
      // `-o` lets a uid be shared; it makes a second root with `-u 0` (below), not with `-u 1000` as images do.
      const root = excerpt(text, /\s(?:-g|--gid)[=\s]*(?:0|root)\s|\s(?:-d|--home(?:-dir)?)[=\s]*\/root\/?\s|\s(?:-u|--uid|-[a-zA-Z]*o[a-zA-Z]*u)[=\s]*0\s|\s(?:-[aG]+|--groups|--append)\s+(?:\S+,)?root(?:,\S+)?\s/)
        ?? (/\s(?:-o|--non-unique)\s/.test(text) && !/\s(?:-u|--uid)[=\s]*[1-9]\d*\s/.test(text) ? '-o' : undefined);
      if (root !== undefined) return { tool: inv.program, option: root.trim(), account: inv.args[inv.args.length - 1] ?? '' };
    }
    return undefined;
  },
};

/**
 * `useradd -G sudo svc-x`, `usermod -aG sudo www-data`, `gpasswd -a nobody wheel`: an account born an admin, or a service
 * account given admin rights (T1098). A person added to an admin group (`usermod -aG sudo bob`) is everyday and quiet:
 * in the blind draws it was three benign lines to none malicious.
 */
const adminGroupGranted: Rule = {
  name: 'account-given-admin-group',
  category: 'persistence',
  severity: 'low',
  techniques: ['T1098'],
  match: (s): Evidence | undefined => {
    for (const inv of accountTools(s.invocations)) {
      const groups = inv.args.find((a, i) => /^-[a-zA-Z]*G$|^--groups$/.test(inv.args[i - 1] ?? '') || /^--groups=/.test(a))?.replace(/^--groups=/, '');
      const granted = groups?.split(',').find((g) => PRIVILEGED_GROUPS.test(g));
      // `usermod -aG sudo chen`: an existing person made an admin is administration; an account born an admin
      // (`useradd -G sudo svc-x`) or a service account promoted is how a foothold is kept.
      const account = inv.args.filter((a) => !a.startsWith('-') && a !== groups).pop() ?? '';
      const personPromoted = inv.program === 'usermod' && !SYSTEM_ACCOUNTS.test(account);
      if (granted !== undefined && !personPromoted) return { tool: inv.program, group: granted, account };
    }
    const added = invocationsOf(s, 'gpasswd', 'adduser', 'addgroup').find((inv) => (inv.program === 'gpasswd' ? inv.args.some((a) => a === '-a' || a === '-M') : inv.args.filter((a) => !a.startsWith('-')).length === 2)
      && inv.args.some((a) => PRIVILEGED_GROUPS.test(a)) && inv.args.some((a) => !a.startsWith('-') && !PRIVILEGED_GROUPS.test(a) && SYSTEM_ACCOUNTS.test(a)));
    return added ? { tool: added.program, group: added.args.find((a) => PRIVILEGED_GROUPS.test(a)) ?? '' } : undefined;
  },
};

/**
 * `echo 'u:pw' | chpasswd`, `echo -e 'x\nx' | passwd`, `passwd --stdin u`, `passwd -d u`, `usermod --unlock u`,
 * `openssl passwd -1 pw`: a password fixed, removed or crafted without a terminal, or a locked account reopened.
 */
const passwordChanged: Rule = {
  name: 'account-password-set-noninteractively',
  category: 'persistence',
  severity: 'medium',
  techniques: ['T1098', 'T1078.003'],
  match: (s): Evidence | undefined => {
    const piped = invocationsOf(s, 'chpasswd', 'passwd').find((inv) => inv.command.pipedFrom || inv.command.redirects.some((r) => r.op === '<' || r.op === '<<<') || inv.args.some((a) => /^--stdin$|^-[a-zA-Z]*[du]$|^--(?:delete|unlock)$/.test(a)));
    if (piped) return { tool: piped.program, option: piped.args.join(' ').slice(0, 60) };
    const reopened = invocationsOf(s, 'usermod', 'chage').find((inv) => inv.args.some((a) => /^-U$|^--unlock$/.test(a)) || /(?:-e|--expiredate|-E)[=\s]+(?:""|''|-1|9{4,})/.test(inv.args.join(' ')));
    if (reopened) return { tool: reopened.program, option: reopened.args.join(' ').slice(0, 60) };
    // The BSD account tool: `echo pw | pw usermod u -h 0` reads the password from a descriptor; `pw unlock u`.
    const pw = invocationsOf(s, 'pw').find((inv) => inv.args[0] === 'unlock' || inv.args.some((a, i) => a === '-h' && /^\d+$/.test(inv.args[i + 1] ?? '')));
    if (pw) return { tool: 'pw', option: pw.args.join(' ').slice(0, 60) };
    // A password hash made by hand, to paste into /etc/passwd or shadow (`openssl passwd`, `mkpasswd`, `crypt.crypt`).
    const crafted = invocationsOf(s, 'openssl').find((inv) => inv.args[0] === 'passwd') ?? invocationsOf(s, 'mkpasswd')[0];
    if (crafted) return { tool: `${crafted.program}${crafted.program === 'openssl' ? ' passwd' : ''}` };
    const code = excerpt(s.text, /\bcrypt\.crypt\s*\(|\bcrypt\s*\(\s*["'][^"']+["']\s*,\s*["']\$[156y]\$/);
    return code === undefined ? undefined : { tool: code };
  },
};

/**
 * `su - nobody -s /bin/bash`, `su -s /bin/sh www-data`: a shell forced onto a service account that has none (Falco's
 * "System user interactive"): a way to act as a service's identity, or to use its files and sockets.
 */
const systemAccountSession: Rule = {
  name: 'system-account-shell-session',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1078.003'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'su', 'runuser')) {
      const shell = inv.args.find((a, i) => /^(?:-s|--shell)$/.test(inv.args[i - 1] ?? '') || a.startsWith('--shell='))?.replace(/^--shell=/, '');
      const account = inv.args.find((a, i) => !a.startsWith('-') && !/^(?:-s|--shell|-c|--command|-g|-G)$/.test(inv.args[i - 1] ?? ''));
      // With a shell forced on it, or at all with su: a service account has no password, so only root or a planted
      // shell gets in (`su -c whoami nobody`, Atomic's "Login as nobody"); admins use `sudo -u www-data`.
      const forced = shell !== undefined && !NO_LOGIN_SHELL.test(shell);
      if (account !== undefined && SYSTEM_ACCOUNTS.test(account) && (forced || (inv.program === 'su' && shell === undefined))) return { account, ...(shell ? { shell } : {}) };
    }
    return undefined;
  },
};

function accountTools(invocations: readonly Invocation[]): Invocation[] {
  return invocations.filter((inv) => /^(?:useradd|adduser|usermod)$/.test(inv.program));
}

function loginShell(inv: Invocation): string | undefined {
  const shell = inv.args.find((a) => SHELL_PATH.test(a) || /^--shell=/.test(a));
  return shell === undefined || NO_LOGIN_SHELL.test(shell) ? undefined : shell.replace(/^--shell=/, '');
}

/**
 * `ldapadd -H ldap://dc -D admin@corp -w pw -f user.ldif`: entries added to a directory from a node, Atomic's way of
 * creating a domain account (T1136.002). Low: the entry's content is in the file, not on the line.
 */
const directoryEntryAdded: Rule = {
  name: 'directory-entry-added',
  category: 'persistence',
  severity: 'low',
  techniques: ['T1136.002'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'ldapadd', 'ldapmodify').find((i) => i.program === 'ldapadd' || i.args.includes('-a'));
    return inv ? { tool: inv.program, server: inv.args.find((_, i) => inv.args[i - 1] === '-H' || inv.args[i - 1] === '-h') ?? '' } : undefined;
  },
};

export const ACCOUNT_RULES: readonly Rule[] = [
  accountFileWrite, sudoersWrite, accountWithPassword, systemAccountShell, rootIdentity, passwordChanged, adminGroupGranted, systemAccountSession, sudoersOpened, accountDatabaseEdited, directoryEntryAdded,
];
