/**
 * Persistence: something arranged to run again later: cron and at (T1053), systemd units and timers (T1543.002,
 * T1053.006), shell start-up files (T1546.004), SSH keys (T1098.004), traps (T1546.005), Python start-up hooks,
 * PAM and udev hooks. Account persistence is in accounts.ts.
 */
import { EDITORS, excerpt, FILE_INSPECTORS, isDropperPath, isTempPath, TEMP_PATHS, urlsIn } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf, type Subject } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { CONTAINER_COPY_CLIENTS, writesTo } from './rule.js';

const CRON_PATH = /^\/etc\/cron(?:tab$|\.(?:d|hourly|daily|weekly|monthly)\/)|^\/var\/spool\/cron\/|^\/etc\/anacrontab$/;
/** Start-up scripts every login or boot runs. */
const SYSTEM_STARTUP_FILE = /^\/etc\/(?:profile$|bash\.bashrc$|bash\.bash_logout$|zsh\/\w+$|environment$|rc\.local$|rc\.common$|rc\.d\/|rc\d\.d\/|profile\.d\/|init\.d\/|init\/|update-motd\.d\/|xdg\/autostart\/|network\/if-(?:pre-)?(?:up|down|post-down)\.d\/|NetworkManager\/dispatcher\.d\/)|^\/usr\/local\/etc\/rc\.d\//;
const USER_STARTUP_FILE = /^(?:~|\$HOME|\/root|\/home\/[^/]+)\/\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|shrc|kshrc|mkshrc|zshrc|zprofile|zshenv|zlogin|zlogout|xprofile|xinitrc|xsessionrc|config\/autostart\/|config\/fish\/config\.fish)/;
/** A start-up line that only configures the environment (`export PATH=...`, `KUBECONFIG=...`), as install guides add. */
const CONFIG_LINE = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=[^;&|`]*$/;
/**
 * What install guides and dotfiles add to a user's shell rc besides variables: comments, aliases, completion, sourcing
 * an environment file, a tool's `eval "$(x init bash)"`, shell options.
 */
const USER_CONFIG_LINE = new RegExp(`${CONFIG_LINE.source}|^\\s*(?:#.*|alias\\s+\\w[\\w-]*=.*|complete\\s.*|(?:source|\\.)\\s+(?:<\\(\\S+\\s+completion\\b.*|["']?(?:~|\\$HOME|\\$\\{?\\w+\\}?|/(?:usr|opt|etc))\\S*)|eval\\s+"\\$\\(\\S+\\s+(?:init|shellenv|env|hook|completion)\\b[^"]*\\)"|\\[\\s+-[sfr]\\s+\\S+\\s+\\]\\s+&&\\s+\\\\?\\.\\s+\\S+|(?:set|shopt|setopt|bindkey|ulimit|umask)\\s.*|)$`);
/** Variables that make every program or shell load code: the loader's preload and audit hooks, shell start-up hooks. */
const HOOK_VARIABLE = /^\s*(?:export\s+)?(?:LD_PRELOAD|LD_AUDIT|LD_LIBRARY_PATH|BASH_ENV|ENV|PROMPT_COMMAND|PYTHONSTARTUP|PYTHONPATH|PERL5OPT|PERL5LIB|RUBYOPT|NODE_OPTIONS)=/;
/** Aliases that capture credentials or hide activity by shadowing a trusted command. */
const SHADOWING_ALIAS = /\balias\s+(?:sudo|su|ssh|passwd|ls|ps|netstat|ss|top|cat|kill)=/;

const cronWrite: Rule = {
  name: 'cron-file-write',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1053.003'],
  match: (s) => {
    const written = writesTo(s, CRON_PATH) ?? cronPathHandedOver(s);
    const payload = written && stagedPayload(s);
    if (written && payload) return { ...written, ...payload };
    // A schedule line with a fetch-and-run payload typed into any file, to be installed later (`echo "*/30 * * * * curl
    // -sL http://h/cr.sh | sh" >> ~/cron`): the cron job is written, whatever the file is called.
    const line = echoedContent(s);
    const scheduled = line !== undefined && /(?:^|["'\s])(?:@reboot|(?:[\d*/,-]+\s+){4}[\d*/,-]+)\s+(?:\w+\s+)?\S*(?:curl|wget)\b[^\n]*\|\s*(?:ba)?sh\b/.test(line);
    const into = scheduled ? invocationsOf(s, 'echo', 'printf').flatMap((inv) => inv.command.redirects).find((r) => />/.test(r.op)) : undefined;
    return into ? { writes: into.target, schedule: line!.slice(0, 120) } : undefined;
  },
};

/** Programs that only read or list the files they are given. */
const READERS = /^(?:cat|less|more|head|tail|ls|stat|file|grep|egrep|zgrep|diff|cmp|wc|md5sum|sha\d+sum|find|test|\[|crontab|run-parts|lsattr|getfacl|namei|realpath|readlink)$/;
/**
 * A cron path given to a program that is not a reader (`sudo script -q -c '...' /etc/cron.d/x`, `sudo tsc x.ts
 * --outFile /etc/cron.d/x`, `arj e x /etc/cron.d/`): GTFOBins' file-write functions, whose output file is an argument.
 */
function cronPathHandedOver(s: Subject): Evidence | undefined {
  return pathHandedOver(s, CRON_PATH, /(?:\/etc\/cron(?:tab\b|\.(?:d|hourly|daily|weekly|monthly)\/)|\/var\/spool\/cron\/)\S*/);
}

/**
 * A path matching `whole` given to a program that is not a reader, as an argument or an option's value, or inside an
 * argument where `inside` finds it (tar's `--xform s@.*@/var/spool/cron/crontabs/root@`).
 */
function pathHandedOver(s: Subject, whole: RegExp, inside: RegExp): Evidence | undefined {
  for (const inv of s.invocations) {
    if (READERS.test(inv.program)) continue;
    const file = inv.args.map((a) => a.replace(/^-[\w-]*=/, '')).find((a) => whole.test(a)) ?? inv.args.map((a) => inside.exec(a)?.[0]).find((p) => p !== undefined);
    if (file !== undefined) return { writes: file.replace(/[@'"]+$/, '') };
  }
  return undefined;
}

/**
 * `sudo tee -a /etc/crontab`, `dd of=/etc/cron.d/x`: a cron table written from standard input, the job unseen (the
 * GTFOBins file-write form). An admin adding a job shows it (`echo '0 3 * * * root backup.sh' | sudo tee -a /etc/crontab`).
 */
const cronWrittenUnseen: Rule = {
  name: 'cron-written-from-stdin',
  category: 'persistence',
  severity: 'medium',
  techniques: ['T1053.003'],
  match: (s) => {
    const writer = invocationsOf(s, 'tee', 'dd').find((inv) => !inv.command.pipedFrom && !inv.command.redirects.some((r) => /^<{1,3}$/.test(r.op)) && (inv.program === 'tee' ? inv.args.some((a) => CRON_PATH.test(a)) : inv.args.some((a) => a.startsWith('of=') && CRON_PATH.test(a.slice(3)))));
    return writer ? { writes: writer.args.find((a) => CRON_PATH.test(a.replace(/^of=/, ''))) ?? '', content: 'standard input' } : undefined;
  },
};

/**
 * A command-valued git setting (`core.pager`, `core.editor`, `core.sshCommand`, `core.fsmonitor`, `credential.helper`,
 * an `alias.x` shell alias) set to start something in the background or from a drop location: it runs whenever the
 * user runs git (PayloadsAllTheThings' git-config persistence, T1546). `git config --global core.editor vim` is not.
 */
const gitCommandHook: Rule = {
  name: 'git-command-hook-set',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1546'],
  match: (s) => {
    for (const inv of invocationsOf(s, 'git').filter((i) => i.args.includes('config'))) {
      const key = inv.args.findIndex((a) => /^(?:core\.(?:pager|editor|sshcommand|fsmonitor|hookspath|askpass)|sequence\.editor|credential\.helper|diff\.external|gpg\.program|alias\.[\w-]+)$/i.test(a));
      const value = key < 0 ? '' : inv.args[key + 1] ?? '';
      const detached = /\b(?:nohup|setsid)\b|(?<![>&<|])&(?![&>])|\/dev\/tcp\/|\b(?:curl|wget|nc|ncat|socat)\s/.test(value);
      if (detached || (value !== '' && isDropperPath(value.split(/\s/)[0]))) return { setting: inv.args[key], command: value.slice(0, 120) };
    }
    return undefined;
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
  techniques: ['T1053.003'],
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
  techniques: ['T1053.002'],
  match: (s) => {
    const inv = invocationsOf(s, 'at', 'batch').find((i) => i.command.pipedFrom || i.args.includes('-f'));
    return inv ? { schedule: inv.args.join(' ').slice(0, 120) } : undefined;
  },
};

const ROOT_KEYS = /^(?:\/root|~root)\/\.ssh\/authorized_keys2?$/;

const authorizedKeysWrite: Rule = {
  name: 'authorized-keys-write',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1098.004'],
  match: (s) => {
    // `cat key.pub >> ~/.ssh/authorized_keys` installs a key file the user holds: the documented way to add a key.
    const installsPubFile = s.invocations.some((inv) => inv.program === 'cat' && inv.args.length > 0 && inv.args.every((a) => a.endsWith('.pub') && !isTempPath(a)));
    if (installsPubFile) return undefined;
    // Also the file handed to a program that writes it from a drop location (`update-alternatives --install
    // ~/.ssh/authorized_keys x /tmp/.k 0`, GTFOBins' file-write functions).
    const handed = pathHandedOver(s, /\/\.ssh\/authorized_keys2?$/, /\/\.ssh\/authorized_keys2?\b/);
    const staged = handed && stagedPayload(s);
    // Also a system-wide keys file (`/etc/ssh/authorized_keys`, read where sshd's AuthorizedKeysFile points there).
    return writesTo(s, /\/\.ssh\/authorized_keys2?$|^\/etc\/ssh\/(?:[^/]+\/)*authorized_keys2?$/) ?? (handed && staged ? { ...handed, ...staged } : undefined);
  },
};

/**
 * `sudo nano /root/.ssh/authorized_keys`, `sudo ed /root/.ssh/authorized_keys`: root's keys opened by a program that can
 * change them. Nodes are reached as an admin user; root's keys are changed by hand rarely, and GTFOBins' file writers
 * do it this way. Low: the line does not show what was written.
 */
const rootKeysOpened: Rule = {
  name: 'root-authorized-keys-opened',
  category: 'persistence',
  severity: 'low',
  techniques: ['T1098.004'],
  match: (s): Evidence | undefined => {
    const inv = s.invocations.find((i) => !FILE_INSPECTORS.test(i.program) && i.args.some((a) => ROOT_KEYS.test(a)));
    return inv ? { program: inv.program, opens: inv.args.find((a) => ROOT_KEYS.test(a))! } : undefined;
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
  techniques: ['T1546.004', 'T1037.004'],
  match: (s): Evidence | undefined => {
    const system = writesTo(s, SYSTEM_STARTUP_FILE);
    const content = echoedContent(s, system?.writes);
    // /etc/environment is read by pam_env as NAME=value, never run: only the loader and shell hooks set there execute code.
    const isSetting = system?.writes === '/etc/environment' ? (line: string): boolean => /^\s*(?:#.*|(?:export\s+)?[A-Za-z_]\w*=.*|)$/.test(line) && !HOOK_VARIABLE.test(line) : (line: string): boolean => CONFIG_LINE.test(line);
    if (system && !(content !== undefined && content.split('\n').every(isSetting))) return { ...system, content: (content ?? '').slice(0, 120) };
    // A container's entrypoint appended to with something staged (Falco's "Modify Container Entrypoint"); images copy
    // their own entrypoint into place, which is not appending.
    const entrypoint = s.invocations.flatMap((inv) => inv.command.redirects).find((r) => r.op === '>>' && /(?:^|\/)(?:docker-)?entrypoint(?:\.sh)?$/.test(r.target));
    const staged = entrypoint && stagedPayload(s);
    if (entrypoint && staged) return { writes: entrypoint.target, ...staged };
    const user = writesTo(s, USER_STARTUP_FILE);
    if (!user) return undefined;
    const alias = excerpt(s.text, SHADOWING_ALIAS);
    const payload = stagedPayload(s);
    // A command that runs at every login (`echo 'echo x > /tmp/y' >> ~/.bashrc`), beside settings and tool hooks.
    const command = echoedContent(s, user.writes)?.split('\n').find((line) => !USER_CONFIG_LINE.test(line));
    return alias !== undefined ? { ...user, alias } : payload ? { ...user, ...payload } : command !== undefined ? { ...user, content: command.slice(0, 120) } : undefined;
  },
};

/** rc.local and SysV init scripts only run once they are executable (packages install theirs executable already). */
const rcLocalEnabled: Rule = {
  name: 'rc-local-enabled',
  category: 'persistence',
  severity: 'medium',
  techniques: ['T1037.004', 'T1543.002'],
  match: (s) => {
    const inv = invocationsOf(s, 'chmod').find((i) => i.args.some((a) => /^\/etc\/(?:rc\.(?:local|common)|init\.d\/[^/]+|rc\d\.d\/[^/]+)$/.test(a)) && i.args.some((a) => /x/.test(a) || /^[0-7]?[157][0-7]{2}$/.test(a)));
    return inv ? { file: inv.args[inv.args.length - 1] } : undefined;
  },
};

/** A unit named like a kernel thread (`kworkerd.service`, `kworker-sync`): kernel threads have no units. */
const KERNEL_THREAD_UNIT = /^(?:kworker|kthreadd|ksoftirqd|kswapd|kdevtmpfs|kauditd|khugepaged)[\w-]*(?:@\S*)?(?:\.(?:service|timer))?$/;

/** `systemctl link /dev/shm/x.service`, `systemctl enable --now /tmp/.x/y.service`: a unit installed from a drop location. */
const unitFromTemp: Rule = {
  name: 'systemd-unit-from-temp',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1543.002', 'T1053.006'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'systemctl')) {
      const unit = inv.args.find((a) => isTempPath(a) || isDropperPath(a) || (KERNEL_THREAD_UNIT.test(a) && /\.(?:service|timer)$/.test(a)));
      if (unit !== undefined && inv.args.some((a) => /^(?:link|enable|start|reenable)$/.test(a))) return { unit };
    }
    // A transient unit given such a name (`systemd-run --unit=kworker-sync ...`); systemd-run is a launcher, so its words are read.
    const transient = s.invocations.flatMap((i) => i.command.argv).map((w, i, all) => (/^--unit=/.test(w) ? w.slice(7) : all[i - 1] === '--unit' || all[i - 1] === '-u' ? w : undefined))
      .find((name) => name !== undefined && KERNEL_THREAD_UNIT.test(name));
    if (transient !== undefined) return { unit: transient };
    // Also out of a container's temporary directory (`docker cp c:/tmp/.k /etc/systemd/system/x.service`).
    // A hidden file counts as a drop wherever it is (`cp /run/user/1000/.pid /etc/systemd/system/x.service`).
    const fromTemp = (a: string): boolean => isTempPath(a.replace(/^[\w./-]+:(?=\/)/, '')) || /^\/(?:\S+\/)?\.[^/.][^/]*$/.test(a);
    const copied = [...invocationsOf(s, 'cp', 'mv', 'install', 'ln'), ...s.invocations.filter((inv) => CONTAINER_COPY_CLIENTS.test(inv.program) && inv.args[0] === 'cp')]
      .find((inv) => inv.args.some(fromTemp) && /^\/(?:etc|lib|usr\/lib)\/systemd\/(?:system|user)\b/.test(inv.args[inv.args.length - 1] ?? ''));
    if (copied) return { unit: copied.args.find(fromTemp) ?? '', installedIn: copied.args[copied.args.length - 1] };
    // A unit line whose command runs from a drop location, a socket, a hidden program among the system's, or a script
    // fetched and piped to a shell, quoted or not (`echo "ExecStart=/bin/bash -c "id > /tmp/x"" >> /etc/systemd/system/y.service`,
    // `sed -i 's|ExecStart=.*|ExecStart=/bin/bash -c "curl -s http://h/s \| sh"|'`).
    const exec = excerpt(s.text, /Exec(?:Start|StartPre|StartPost|Stop|StopPost|Reload)=[^\n]{0,200}?(?:(?:\/tmp\/|\/var\/tmp\/|\/dev\/shm\/|\/dev\/tcp\/|\/(?:usr\/)?(?:local\/)?s?bin\/\.)\S*|\b(?:curl|wget)\b[^\n]{0,160}?\\?\|\s*(?:\/bin\/)?(?:ba)?sh\b)/);
    return exec === undefined ? undefined : { unitLine: exec };
  },
};

/** `trap "nohup sh /tmp/x" EXIT`: code re-launched whenever the shell exits or is signalled; a DEBUG trap that logs each command. */
const exitTrap: Rule = {
  name: 'shell-trap-relaunch',
  category: 'persistence',
  severity: 'medium',
  techniques: ['T1546.005'],
  match: (s) => {
    // A cleanup trap (`trap 'rm -rf /tmp/x' EXIT`) is everywhere; one that launches a program in the background is not.
    const trap = excerpt(s.text, /\btrap\s+(["'])[^"']*?(?:nohup|setsid|curl|wget|\b(?:ba)?sh\s+\S)[^"']*\1\s+(?:(?:SIG)?[A-Z]{2,}[\dA-Z+-]*|\d+)\b/);
    // A DEBUG trap runs before every command: one that records `$BASH_COMMAND` or appends to a file logs every keystroke line.
    const debug = excerpt(s.text, /\btrap\s+(?:'[^']*(?:\$BASH_COMMAND|>>)[^']*'|"(?:[^"\\]|\\.)*?(?:\$BASH_COMMAND|>>)(?:[^"\\]|\\.)*")\s+DEBUG\b/);
    if (debug !== undefined) return { trap: debug };
    return trap === undefined ? undefined : { trap };
  },
};

/** A `.pth` file or sitecustomize module: Python runs it at every interpreter start. */
const pythonStartupHook: Rule = {
  name: 'python-startup-hook',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1546.018'],
  match: (s) => writesTo(s, /\.pth$|\/(?:site|user)customize\.py$/),
};

/** `systemd-run --on-calendar=...`: a timer that leaves no unit file behind. */
const transientTimer: Rule = {
  name: 'transient-systemd-timer',
  category: 'persistence',
  severity: 'medium',
  techniques: ['T1053.006'],
  match: (s) => {
    // systemd-run is a launcher (the program it starts is the invocation's), so its own options are read from the words.
    const words = s.invocations.map((i) => i.command.argv).map((argv) => argv.slice(argv.findIndex((w) => baseName(w) === 'systemd-run') + 1 || argv.length));
    const timer = words.find((args) => args.some((a) => /^--on-(?:calendar|active|boot|startup|unit-active|unit-inactive)\b/.test(a)));
    return timer ? { timer: timer.join(' ').slice(0, 160) } : undefined;
  },
};

/** PAM modules and udev rules run code on every login or device event. */
const loginOrDeviceHook: Rule = {
  name: 'pam-or-udev-hook',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1556.003', 'T1546'],
  match: (s) => {
    const pam = writesTo(s, /^\/etc\/pam\.d\//);
    if (pam) return pam;
    const udev = writesTo(s, /^\/(?:etc|lib|usr\/lib)\/udev\/rules\.d\//);
    return udev && /RUN\+?=/.test(s.text) ? udev : undefined;
  },
};

/**
 * `vi /etc/pam.d/common-auth`: the login stack opened in an editor (GTFOBins' setuid vi, or an admin enabling a module).
 * Low: what was typed is not on the line; a write the line shows is the rule above.
 */
const pamOpened: Rule = {
  name: 'pam-config-opened',
  category: 'persistence',
  severity: 'low',
  techniques: ['T1556.003'],
  match: (s): Evidence | undefined => {
    const inv = s.invocations.find((i) => EDITORS.test(i.program) && i.args.some((a) => /^\/etc\/pam\.d\/|^\/etc\/security\/|\/pam_\w+\.so$/.test(a)));
    return inv ? { editor: inv.program, file: inv.args.find((a) => a.startsWith('/'))! } : undefined;
  },
};

/** sshd settings that let more in: root logins, passwords, empty passwords, legacy keys, other key sources. */
const SSHD_WEAKENED = /\b(?:PermitRootLogin\s*=?\s*["']?yes|PasswordAuthentication\s*=?\s*["']?yes|PermitEmptyPasswords\s*=?\s*["']?yes|(?:PubkeyAccepted(?:Key|Algorithm)Types|PubkeyAcceptedAlgorithms|HostKeyAlgorithms)\s*=?\s*["']?\+ssh-(?:dss|rsa)|AuthorizedKeys(?:File|Command)\s)/i;
/**
 * `echo 'PermitRootLogin yes' >> /etc/ssh/sshd_config`, `sed -i 's/.../PasswordAuthentication yes/'`: the SSH server
 * opened to root, passwords or DSA keys, so a stolen credential or planted key gets in (T1556, T1098.004).
 * Hardening (`PasswordAuthentication no`) is quiet.
 */
const sshdWeakened: Rule = {
  name: 'ssh-server-weakened',
  category: 'persistence',
  severity: 'medium',
  techniques: ['T1556', 'T1098.004'],
  match: (s): Evidence | undefined => {
    const written = writesTo(s, /^\/etc\/ssh\/ssh_?d?_config(?:\.d\/|$)/);
    // In a sed substitution only the replacement is written (`s/^#PasswordAuthentication yes/PasswordAuthentication no/` hardens).
    const text = s.text.replace(/\bs([/|;,#@])((?:(?!\1).)*)\1/g, 's$1$1');
    const setting = written && excerpt(text, SSHD_WEAKENED);
    return written && setting !== undefined ? { ...written, setting } : undefined;
  },
};

/** What a command line stages to run later: a URL, a temporary path, a /dev/tcp socket, a decoded blob, a detached launch. */
function stagedPayload(s: Subject): Evidence | undefined {
  const temp = [...s.text.matchAll(TEMP_PATHS)].map((m) => m[0]).find((p) => p !== '/tmp/');
  if (temp !== undefined) return { payload: temp };
  const url = urlsIn(s.text)[0];
  if (url) return { payload: url.url.slice(0, 160) };
  const other = excerpt(s.text, /\/(?:usr\/)?(?:local\/)?s?bin\/\.[^/\s.][^/\s]*|\/dev\/(?:tcp|udp)\/\S+|\bbase64\s+(?:-d|--decode)\b|b64decode|\bnohup\b|\bmkfifo\b|\|\s*(?:\/bin\/)?(?:ba)?sh\b|\b(?:python[\d.]*|perl|ruby|php)\s+-[ce]\b|\b(?:nc|ncat|socat)\s+(?:-\w+\s+)*[\w.-]+\s+\d+|\/\.\.\.\/?\S*|\b(?:curl|wget)\s+\S*\d+\.\d+\.\d+\.\d+/);
  return other === undefined ? undefined : { payload: other };
}

/**
 * The text echo or printf produced in this command line, or undefined when none did; only what went into `file` when
 * an echo is redirected there (an `echo` inside a `$(...)` of the line is not what was written).
 */
function echoedContent(s: Subject, file?: string): string | undefined {
  const all = invocationsOf(s, 'echo', 'printf');
  const into = all.filter((inv) => inv.command.redirects.some((r) => r.target === file && />/.test(r.op)));
  const echoes = (into.length > 0 ? into : all).map((inv) => inv.args.filter((a) => !/^-[neE]+$/.test(a)).join(' '));
  return echoes.length === 0 ? undefined : echoes.join('\n');
}

/**
 * `echo "[Unit]" > /etc/systemd/system/x.service`, `echo "ExecStart=..." >> ~/.config/systemd/user/y.timer`: a unit
 * file typed line by line (Atomic's T1543.002 and T1053.006). Packages and guides install unit files, or write them
 * whole with tee; drop-in overrides (`x.service.d/*.conf`) are configuration. Low: a unit is not a payload.
 */
const unitWrittenInline: Rule = {
  name: 'unit-file-written-inline',
  category: 'persistence',
  severity: 'low',
  techniques: ['T1543.002', 'T1053.006'],
  match: (s): Evidence | undefined => {
    // (Or assembled in a temporary directory first, to be linked from there: `echo ... >> /tmp/x.service`.)
    const inv = invocationsOf(s, 'echo', 'printf').find((i) => i.command.redirects.some((r) => />/.test(r.op) && (/\/systemd\/(?:system|user)\/[^/]+\.(?:service|timer|socket|path)$/.test(r.target) || (isTempPath(r.target) && /\.(?:service|timer)$/.test(r.target)))));
    return inv ? { writes: inv.command.redirects.find((r) => />/.test(r.op))!.target } : undefined;
  },
};

/**
 * `redis-cli -h h config set dir /root/.ssh`, `config set dbfilename ld.so.preload`: Redis told to save its database
 * where a file should not be, the classic way to plant keys, cron jobs or a preload through it (PayloadsAllTheThings,
 * GTFOBins redis). Operators set these in redis.conf, not from the client.
 */
const redisFileWrite: Rule = {
  name: 'redis-save-location-changed',
  category: 'persistence',
  severity: 'high',
  techniques: ['T1505', 'T1098.004', 'T1053.003'],
  match: (s): Evidence | undefined => {
    if (invocationsOf(s, 'redis-cli', 'keydb-cli').length === 0 && !/\bredis-cli\b/.test(s.text)) return undefined;
    const setting = excerpt(s.text, /\bconfig\s+set\s+(?:dir|dbfilename)\s+\S+/i);
    return setting === undefined ? undefined : { setting };
  },
};

export const PERSISTENCE_RULES: readonly Rule[] = [
  transientTimer, loginOrDeviceHook, sshdWeakened, gitCommandHook, cronWrittenUnseen,
  cronWrite, crontabInstall, atJob, authorizedKeysWrite, rootKeysOpened, pamOpened, startupFileWrite, rcLocalEnabled, unitFromTemp, unitWrittenInline, exitTrap, pythonStartupHook, redisFileWrite,
];
