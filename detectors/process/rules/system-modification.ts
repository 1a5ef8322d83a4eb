/**
 * System modification and defence evasion: logs and histories wiped (T1070), security and audit tools stopped
 * (T1562.001, .012), rootkits and kernel modules loaded (T1014, T1547.006), the loader hijacked (T1574.006), payloads
 * decoded (T1140) or planted among system binaries. Defence evasion that is also everyday administration is in
 * defense-evasion.ts.
 */
import { allOf, excerpt, FILE_INSPECTORS, isDisguisedDrop, isDropperPath, isSystemLibrary, isTempPath, MASQUERADE_NAMES, SHELL_NAMES, INTERPRETERS, TEMP_PATHS } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf, type Invocation } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { writesTo } from './rule.js';

const LOG_FILE = /^\/var\/log\/|^\/run\/log\/|^\$\{?HISTFILE\}?$|_history$|\/\.(?:bash_|zsh_|sh_)?history$|\/var\/lib\/docker\/containers\/.*\.log$|\/var\/log\/journal|\/(?:wtmp|btmp|lastlog|utmp)$|^\/var\/spool\/mail\/|^\/var\/mail\/|^\/var\/audit\//;
/** The logs the system writes about itself: logins, the kernel, syslog, audit, the journal. */
const SYSTEM_LOG = /^\/var\/log\/(?:syslog|messages|auth\.log|secure|kern\.log|wtmp|btmp|lastlog|faillog|audit\/audit\.log|journal\b)/;
/**
 * Endpoint security, audit and logging services. Host firewalls (ufw, firewalld) are in defense-evasion.ts at low
 * severity: the K3s and kubeadm install guides tell users to disable them.
 */
const SECURITY_SERVICE = /^(?:apparmor|auditd|rsyslogd?|syslog-ng|syslogd|systemd-journald|falcon-sensor|falco[\w-]*|sysdig[\w-]*|osqueryd?|wazuh-agent|ossec\w*|clamav\w*|clamd|mdatp|crowdstrike\w*|sentinel\w*|cbagentd|cbdaemon|kesl|ds_agent|sophos\w*|qualys-cloud-agent|elastic-endpoint|aide|fail2ban|selinux\w*|snort\w*|suricata|tetragon|tracee|elastic-agent|auditbeat|filebeat|rkhunter|chkrootkit|lynis|cylancesvc|td-agent|fluent-bit|promtail|alloy)(?:\.service)?$/;
/** A chmod mode that makes a file executable for someone (`+x`, `u+rwx`, `755`). */
const EXECUTABLE_MODE = /^[ugoa]*\+[rwst]*x|^[0-7]?[1357][0-7]{2}$/;
const SYSTEM_DIR = /^\/(?:usr\/)?(?:local\/)?(?:s?bin|lib(?:64)?|libexec)\//;
/** A user's own directories on PATH (`~/.local/bin`, `~/bin`), where a planted name shadows a system one. */
const USER_BIN_DIR = /^(?:~|\$HOME|\/root|\/home\/[^/]+)\/(?:\.local\/)?bin\//;
/** Loadable kernel module rootkits that are public and keep showing up in incidents. */
const LKM_ROOTKIT = /^(?:diamorphine|reptile|suterusu|adore(?:-ng)?|kovid|rootkit|khook|puszek|nuk3gh0st|sutekh)(?:[_-]\w+)?$|(?:^|[_-])(?:hide|hidden|rootkit|stealth)(?:[_-]|$)/i;
/** Signals Diamorphine-style rootkits take as commands (hide a process, grant root, unhide the module). */
const ROOTKIT_SIGNALS = new Set(['31', '63', '64', '-31', '-63', '-64', 'SIGSYS', '-SIGSYS']);

/** Package managers' caches, which image builds remove in the same step as the build's own logs. */
const PACKAGE_CACHE = /^\/var\/(?:lib\/apt\/lists|cache\/(?:apt|dnf|yum|apk|debconf)|lib\/dnf|lib\/yum)\b/;

/** The processes a `kill` looks up by name: `kill -9 $(pidof auditd)`, `kill $(pgrep falco)`. */
function namesKilled(kill: Invocation): string[] {
  return kill.args.map((a) => /\$\(\s*(?:pidof|pgrep)\s+(?:-\w+\s+)*([\w.-]+)/.exec(a)?.[1]).filter((name): name is string => name !== undefined);
}

/** Destroying or emptying logs and shell histories (appending to a log is normal; `>` truncates). */
const logTampering: Rule = {
  name: 'log-tampering',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1070.002', 'T1070.003', 'T1562.012'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'rm', 'shred', 'truncate', 'unlink', 'ln')) {
      const log = inv.args.find((a) => LOG_FILE.test(a.replace(/^~/, '/home/u')));
      // An image build slims its layer in one `rm` with the package caches (`rm -rf /var/lib/apt/lists/* /var/log/*`).
      const slimsImage = inv.program === 'rm' && inv.args.some((a) => PACKAGE_CACHE.test(a));
      if (log !== undefined && !slimsImage && (inv.program !== 'ln' || inv.args.includes('/dev/null'))) return { tool: inv.program, log };
    }
    // `mv /var/log/syslog /var/log/syslog.0`: the system's own log moved aside by hand (logrotate does it in-process).
    // Also a shell history moved out of its place (`mv ~/.bash_history /dev/shm/.h`): the shell starts an empty one.
    const moved = invocationsOf(s, 'mv').find((inv) => SYSTEM_LOG.test(inv.args.filter((a) => !a.startsWith('-'))[0] ?? '') || /(?:^|\/)\.\w*_?history$/.test(inv.args.filter((a) => !a.startsWith('-'))[0] ?? ''));
    if (moved) return { tool: 'mv', log: moved.args.filter((a) => !a.startsWith('-'))[0] };
    // Emptied (`> /var/log/x`, `: > x`, `echo > x`, `cat /dev/null > x`), or the system's own log overwritten by anything;
    // a job starting its own log afresh (`backup.sh > /var/log/backup.log`) is not tampering.
    for (const inv of s.invocations) {
      const writesNothing = inv.program === '' || /^(?::|true|false)$/.test(inv.program) || (/^(?:echo|printf)$/.test(inv.program) && inv.args.every((a) => /^(?:-[neE]+|["']{2})?$/.test(a)))
        || (inv.program === 'cat' && inv.args.every((a) => a === '/dev/null'));
      const truncated = inv.command.redirects.find((r) => /^[0-9&]?>\|?$/.test(r.op) && LOG_FILE.test(r.target.replace(/^~/, '/home/u')) && (writesNothing || SYSTEM_LOG.test(r.target) || !/^\/var\/log\//.test(r.target)));
      if (truncated) return { truncates: truncated.target };
    }
    // `find /var/log -name '*.log' -exec truncate -s 0 {} +`, `find /var/log -delete`: every log at once.
    // Pruning old or rotated logs (`-mtime +30`, `-name '*.gz'`) is housekeeping.
    const swept = invocationsOf(s, 'find').find((inv) => LOG_FILE.test(`${inv.args[0] ?? ''}/`) && (inv.args.includes('-delete') || /-exec\s+(?:rm|shred|truncate|unlink)\b/.test(inv.args.join(' ')))
      && !inv.args.some((a, i) => /^-(?:[amc]time|[amc]min|newer|size)$/.test(a) || (/^-i?name$/.test(inv.args[i - 1] ?? '') && /\.(?:gz|xz|bz2|zst|\d+|old)['"]?$/.test(a))));
    if (swept) return { tool: 'find', log: swept.args[0] };
    // `sed -i '/10.0.0.9/d' /var/log/auth.log`: lines cut out of a log in place.
    const edited = writesTo(s, LOG_FILE);
    if (edited && s.invocations.some((inv) => /^(?:sed|perl)$/.test(inv.program))) return { edits: edited.writes };
    const overwritten = invocationsOf(s, 'dd').find((inv) => inv.args.some((a) => a.startsWith('of=') && LOG_FILE.test(a.slice(3))));
    if (overwritten) return { tool: 'dd', log: overwritten.args.find((a) => a.startsWith('of='))?.slice(3) ?? '' };
    const vacuum = invocationsOf(s, 'journalctl').flatMap((inv) => inv.args).find(isVacuumToNothing);
    if (vacuum !== undefined) return { journal: vacuum };
    const cleared = invocationsOf(s, 'dmesg').find((inv) => inv.args.some((a) => /^-[a-zA-Z]*[cC]$|^--clear$|^--read-clear$/.test(a)));
    if (cleared) return { kernelLog: 'cleared' };
    const history = excerpt(s.text, /\bhistory\s+-[cw]\b|\bunset\s+HIST(?:FILE|SIZE)\b|\bHISTFILE=["']?\/dev\/null|\bHIST(?:FILE)?SIZE=["']?0\b|\bset\s+\+o\s+history\b|\bsetopt\s+(?:no_?hist|histignorespace)|\bHISTCONTROL=["']?ignore(?:space|both)|\bHISTIGNORE=["']?[^\s"']*\*|\bmv\s+(?:-\w+\s+)*\S*(?:_history|\.history)\s+\/dev\/null\b|\bln\s+-\w*s\w*\s+\/dev\/null\s+\S*(?:_history|\.history)\b|\bhistory\s+-d\s+-?\d/);
    return history === undefined ? undefined : { history };
  },
};

const securityToolDisabled: Rule = {
  name: 'security-tool-disabled',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1562.001', 'T1562.004', 'T1562.012'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'systemctl', 'service', 'chkconfig', 'update-rc.d', 'apt', 'apt-get', 'dpkg', 'yum', 'dnf', 'pkill', 'killall')) {
      const stops = /^(?:pkill|killall)$/.test(inv.program) || inv.args.some((a) => /^(?:stop|disable|mask|kill|off|remove|purge|-r|-P|erase|--now)$/.test(a));
      // pkill and killall take patterns (`pkill -SIGTERM ^auditd$`).
      const service = inv.args.find((a) => SECURITY_SERVICE.test(a.replace(/^\^|\$$/g, '')));
      if (stops && service !== undefined) return { service, action: inv.args.find((a) => /^(?:stop|disable|mask|kill|off|remove)$/.test(a)) ?? '' };
    }
    // `kill -9 $(pidof auditd)`, `kill $(pgrep falco)`: a security agent killed by name.
    // (`kill -HUP $(pidof rsyslogd)` asks it to reopen its logs; HUP and USR1/USR2 are reloads.)
    const killed = invocationsOf(s, 'kill').filter((inv) => !inv.args.some((a) => /^-(?:s\s*)?(?:SIG)?(?:HUP|USR1|USR2|1|10|12)$/.test(a))).flatMap(namesKilled).find((name) => SECURITY_SERVICE.test(name));
    if (killed !== undefined) return { service: killed, action: 'kill' };
    // Flushing every table (`-t nat -F` too) is the documented cluster reset; flushing only the filter rules opens the host.
    const fullReset = /\s-t\s+(?:nat|mangle)\b/.test(s.text);
    const flush = invocationsOf(s, 'iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft').find((inv) => inv.args.some((a) => /^(?:-F|--flush)$/.test(a)) || /-P\s+(?:INPUT|FORWARD)\s+ACCEPT/.test(inv.args.join(' ')));
    if (flush && !fullReset) return { firewall: `${flush.program} ${flush.args.join(' ')}`.slice(0, 120) };
    const command = excerpt(s.text, /\bnft\s+flush\s+ruleset\b|\baa-teardown\b|\bkesl-control\s+--stop-t\b|\bauditctl\s+(?:-\w+\s+)*-(?:e\s*0|D)\b|\bStorage=none\b|\bsystemctl\s+(?:stop|mask)\s+(?:auditd|systemd-journald)\b/) ?? allOf(s.text, /\bmdatp\b/, /\bdisabled\b/)?.join(' … ');
    return command === undefined ? undefined : { command };
  },
};

const destructiveWipe: Rule = {
  name: 'destructive-wipe',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1485', 'T1561'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'rm')) {
      const recursive = inv.args.some((a) => /^-[a-zA-Z]*[rR]/.test(a) || a === '--recursive');
      const target = inv.args.find((a) => /^\/(?:\*|etc|usr|bin|sbin|boot|lib(?:64)?|var\/lib|home|root)?\/?\*?$/.test(a));
      if (recursive && (target !== undefined || inv.args.includes('--no-preserve-root'))) return { removes: target ?? '/' };
    }
    // `dd of=/usr/bin/ls`: a system program or library overwritten in place (Sigma's "DD File Overwrite"); zeros or
    // random data over a service's data or configuration (`dd if=/dev/zero of=/var/lib/rancher/k3s/server/db/state.db`).
    // (Zeros into a new swap, test or image file are how those are made.)
    const overwritten = invocationsOf(s, 'dd').find((inv) => inv.args.some((a) => a.startsWith('of=') && (SYSTEM_DIR.test(a.slice(3))
      || (inv.args.some((i) => /^if=\/dev\/(?:zero|u?random)$/.test(i)) && /^\/(?:var\/lib|etc)\/[^\s]*[^/]$/.test(a.slice(3)) && !/swap|test|\.img$/i.test(a)))));
    if (overwritten) return { tool: 'dd', overwrites: overwritten.args.find((a) => a.startsWith('of='))?.slice(3) ?? '' };
    // `dd if=ubuntu.iso of=/dev/sdb` writes a boot stick; zeros or random data over a disk erase it.
    const dd = invocationsOf(s, 'dd', 'shred').find((inv) => inv.args.some((a) => /^(?:of=)?\/dev\/(?:sd[a-z]|nvme\d|vd[a-z]|xvd[a-z]|mmcblk\d)/.test(a)) && (inv.program !== 'dd' || (inv.args.some((a) => a.startsWith('of=/dev/')) && !inv.args.some((a) => a.startsWith('if=') && !/^if=\/dev\/(?:zero|u?random)$/.test(a)))));
    return dd ? { tool: dd.program, device: dd.args.find((a) => a.includes('/dev/')) ?? '' } : undefined;
  },
};

/** `touch -t 197001010000`, `touch -r /bin/sh x`: forged timestamps hide a planted or edited file. */
const timestomp: Rule = {
  name: 'timestamp-forgery',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1070.006'],
  match: (s): Evidence | undefined => {
    // A forged time on a file where it hides something: the system's files, a drop location, a hidden file, or a time
    // from before 2000, or another file's times copied. Builds pin their sources' times (`touch -t 202502141032 src/x.go`).
    const inv = invocationsOf(s, 'touch').find((i) => {
      const time = i.args.find((a, k) => /^-[a-z]*[td]$|^--date$/.test(i.args[k - 1] ?? '') || /^--date=/.test(a))?.replace(/^--date=/, '');
      const copied = i.args.some((a) => /^-[a-z]*r$|^--reference\b/.test(a));
      const files = i.args.filter((a, k) => !a.startsWith('-') && !/^-[a-z]*[tdr]$|^--(?:date|reference)$/.test(i.args[k - 1] ?? ''));
      const hides = files.some((f) => /^\/(?:etc|usr|bin|sbin|lib|boot|var\/(?:log|spool|lib))\b|^~?\/?\.|\/\./.test(f) || isTempPath(f));
      return (time !== undefined || copied) && (copied || hides || /^["']?(?:19\d\d|0\d)/.test(time ?? ''));
    });
    if (inv) return { command: `touch ${inv.args.join(' ')}`.slice(0, 160) };
    // The clock set by hand so that files written now carry another time (`date -s`, `timedatectl set-time`).
    const clock = invocationsOf(s, 'date', 'timedatectl').find((i) => i.args.some((a) => /^(?:-s|--set(?:=.*)?|set-time)$/.test(a)) || (i.program === 'date' && /^\d{8,12}(?:\.\d\d)?$/.test(i.args[0] ?? '')));
    return clock ? { command: `${clock.program} ${clock.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

const kernelModule: Rule = {
  name: 'kernel-module-rootkit',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1547.006', 'T1014'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'insmod', 'modprobe')) {
      // A module file from outside the kernel's module tree, or a known rootkit by name.
      // (Inside the tree too when a directory on the way is hidden: `/lib/modules/.../.rk/x.ko`.)
      const module = inv.args.find((a) => !a.startsWith('-') && (LKM_ROOTKIT.test(baseName(a).replace(/\.ko$/, '')) || (/\.ko(?:\.[xg]z|\.zst)?$/.test(a) && (!/^\/(?:usr\/)?lib\/modules\//.test(a) || /\/\.[^/]+\//.test(a)))));
      if (module !== undefined) return { module };
    }
    // A module file copied into the module tree from a download location, to load at every boot (with depmod).
    const planted = invocationsOf(s, 'cp', 'mv', 'install').find((inv) => inv.args.some((a) => /\.ko(?:\.[xg]z|\.zst)?$/.test(a) && isTempPath(a)) && /^\/(?:usr\/)?lib\/modules\//.test(inv.args[inv.args.length - 1] ?? ''));
    return planted ? { module: planted.args.find((a) => isTempPath(a)) ?? '', installedIn: planted.args[planted.args.length - 1] } : undefined;
  },
};

const rootkitSignal: Rule = {
  name: 'rootkit-control-signal',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1014'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'kill')) {
      const i = inv.args.findIndex((a) => ROOTKIT_SIGNALS.has(a) && (a.startsWith('-') || inv.args[inv.args.indexOf(a) - 1] === '-s'));
      if (i >= 0) return { signal: inv.args[i].replace(/^-/, ''), target: inv.args[i + 1] ?? '' };
    }
    return undefined;
  },
};

/**
 * Programs other checks read exactly for this file: writers whose writes `writesTo` knows (named and not written is
 * read), and touch and chattr, whose timestamps and flags have rules of their own.
 */
const READ_ELSEWHERE = /^(?:cp|mv|install|rsync|scp|dd|tee|ln|tar|zip|echo|printf|touch|chattr)$/;

const preloadWrite: Rule = {
  name: 'ld-preload-hijack',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1574.006'],
  match: (s): Evidence | undefined => {
    // Also the file handed to any program that does more than look at it: an editor, GTFOBins' file writers whose
    // output option is their own (a clean system has no ld.so.preload, and no admin task writes one).
    const written = writesTo(s, /\/etc\/ld\.so\.preload$/) ?? s.invocations.filter((inv) => inv.args.includes('/etc/ld.so.preload') && !FILE_INSPECTORS.test(inv.program) && !READ_ELSEWHERE.test(inv.program))
      .map((inv) => ({ program: inv.program, opens: '/etc/ld.so.preload' }))[0];
    if (written) return written;
    // A library from outside the system library directories (allocators preloaded from /usr/lib are ordinary).
    const env = excerpt(s.text, /\bLD_PRELOAD=["']?[^\s"']+/);
    const library = env?.replace(/^LD_PRELOAD=["']?/, '');
    if (library !== undefined && !/^\$/.test(library) && !isSystemLibrary(library)) return { environment: env! };
    // `LD_LIBRARY_PATH=/tmp/x cmd`, `ldconfig -f /tmp/x`: the loader pointed at a drop directory;
    // `echo /tmp/ > /etc/ld.so.conf.d/x.conf`, `ldconfig -l /tmp/x.so`, `ldconfig /dev/shm/lib`: the same through the loader's cache.
    const path = excerpt(s.text, /\bLD_LIBRARY_PATH=["']?(?:\/var)?\/(?:tmp|dev\/shm)\/\S*|\becho\s+["']?(?:\/var)?\/(?:tmp|dev\/shm)\/?["']?\s*>>?\s*\/etc\/ld\.so\.conf\S*/)
      ?? invocationsOf(s, 'ldconfig').map((inv) => inv.args.find((a) => isTempPath(a.replace(/\/?$/, '/')))).find((a) => a !== undefined);
    return path === undefined ? undefined : { loaderPath: path };
  },
};

/** `mount --bind /proc/2 /proc/PID`: a process hidden behind another's /proc entry. */
const procHiding: Rule = {
  name: 'process-hidden-by-mount',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1564', 'T1036'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'mount').find((i) => /^\/proc\/(?:\d+|\$\S+|\$\([^)]*\))\/?$/.test(i.args[i.args.length - 1] ?? '') && i.args.some((a) => /^\/proc\//.test(a) && a !== i.args[i.args.length - 1]));
    return inv ? { hides: inv.args[inv.args.length - 1] } : undefined;
  },
};

/**
 * Interpreter code that decodes data and runs it: `exec(base64.b64decode(...))`, `eval(decode_base64(...))`,
 * `os.system(b64decode(...))`, `eval(atob(...))`, `eval(Buffer.from(x, 'base64')...)`.
 */
const DECODE_AND_EXECUTE_IN_CODE = /\b(?:exec|eval|system|os\.system|os\.popen|subprocess\.\w+|Function)\s*\(\s*(?:[\w.]*\(\s*)*(?:[\w.]*b(?:16|32|64|85)decode|decode_base64|atob|Buffer\.from\s*\([^)]*base64|zlib\.decompress|codecs\.decode|bytes\.fromhex|unhexlify|\w*xor\w*)/i;

/**
 * Encoded payloads decoded straight into a shell or interpreter, into a script in a temporary directory, or decoded
 * and run inside interpreter code; also a base64-encoded `#!/bin/...` script on the command line.
 */
const decodeAndRun: Rule = {
  name: 'decoded-payload',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1140', 'T1027'],
  match: (s): Evidence | undefined => {
    const inline = excerpt(s.text, DECODE_AND_EXECUTE_IN_CODE) ?? excerpt(s.text, /\{base64,-d\}|\bIyEv(?:YmluL|dXNyL)[A-Za-z0-9+/]*/);
    if (inline !== undefined) return { decodes: inline.slice(0, 120) };
    const decoder = s.invocations.find((inv) => isDecoder(inv.program, inv.args));
    if (!decoder) return undefined;
    const runner = s.invocations.find((inv) => inv.command.pipedFrom && (SHELL_NAMES.has(inv.program) || INTERPRETERS.test(inv.program)));
    if (decoder.command.pipesTo && runner) return { decoder: decoder.program, runs: runner.program };
    // Decoded into a script, a disguised drop, or a file then made executable (`base64 -d > /tmp/x && chmod +x /tmp/x`).
    const madeExecutable = (file: string): boolean => invocationsOf(s, 'chmod').some((inv) => inv.args.includes(file) && inv.args.some((a) => EXECUTABLE_MODE.test(a)));
    const script = decoder.command.redirects.find((r) => r.op.endsWith('>') && (isDisguisedDrop(r.target) || /\.(?:sh|py|pl|elf|bin)$/.test(r.target) || madeExecutable(r.target)));
    return script ? { decoder: decoder.program, writes: script.target } : undefined;
  },
};

/**
 * A temporary file installed among system binaries under another name, or from a hidden or shared-memory path
 * (`cp /tmp/crond /usr/bin/kubelet-helper`). `mv /tmp/k9s /usr/local/bin/` is how people install tools.
 */
const binaryPlanted: Rule = {
  name: 'binary-planted-from-temp',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1036.005', 'T1105'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'cp', 'mv', 'install', 'ln')) {
      const operands = inv.args.filter((a) => !a.startsWith('-'));
      const target = operands[operands.length - 1];
      const source = operands.slice(0, -1).find(isDropperPath);
      // `cp /bin/sh /tmp/crond`: a system program copied to a drop location under a daemon's name.
      if (target !== undefined && SYSTEM_DIR.test(operands[0] ?? '') && isDisguisedDrop(target)) return { source: operands[0], target };
      if (source === undefined || target === undefined || !(SYSTEM_DIR.test(target) || USER_BIN_DIR.test(target))) continue;
      const renamed = !/\/$/.test(target) && !/^\/(?:usr\/)?(?:local\/)?s?bin$/.test(target) && baseName(target) !== baseName(source);
      if (renamed || isDisguisedDrop(source)) return { source, target };
    }
    // `cp /tmp/.x/sshd_config /etc/ssh/sshd_config`: the host's configuration replaced from a hidden drop (Falco's "Write below etc").
    const configured = invocationsOf(s, 'cp', 'mv', 'install').find((inv) => /^\/etc\//.test(inv.args[inv.args.length - 1] ?? '') && inv.args.slice(0, -1).some((a) => !a.startsWith('-') && isDisguisedDrop(a)));
    if (configured) return { source: configured.args.slice(0, -1).find((a) => isDisguisedDrop(a))!, target: configured.args[configured.args.length - 1] };
    // `ssh h 'cat agent.bin' > /usr/local/bin/.agent`, a download written by code: a hidden file among the system's programs.
    // (Copies and moves were read above; a system binary moved aside under a hidden name has its own rule.)
    if (invocationsOf(s, 'cp', 'mv', 'install', 'ln').length > 0) return undefined;
    return writesTo(s, /^\/(?:usr\/)?(?:local\/)?(?:s?bin|lib(?:64)?|libexec)\/(?:[^/]+\/)*\.[^/.][^/]*$/);
  },
};

/**
 * `crontab -r`: every job of a user's crontab removed at once (Sigma's "Remove Scheduled Cron Task/Job"), as miners
 * do to each other's jobs and intruders to the admins'. Also a typo for `-e`, so low.
 */
const crontabRemoved: Rule = {
  name: 'crontab-removed',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1070'],
  match: (s) => (invocationsOf(s, 'crontab').some((inv) => inv.args.some((a) => /^-[a-zA-Z]*r[a-zA-Z]*$/.test(a))) ? { crontab: 'removed' } : undefined),
};

/**
 * `mv /usr/bin/ps /usr/bin/.ps.orig`, `mv /bin/ps /bin/ps.old`: a system program moved aside (under a hidden name, or a
 * packaged one under any), to put a trojan in its place
 * that calls it (Falco's "Modify binary dirs"; T1036.005, T1554).
 */
const binaryMovedAside: Rule = {
  name: 'system-binary-hidden',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1036.005', 'T1554'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'mv', 'cp', 'ln', 'install')) {
      const operands = inv.args.filter((a) => !a.startsWith('-'));
      const [source, target] = [operands[0] ?? '', operands[operands.length - 1] ?? ''];
      if (operands.length >= 2 && SYSTEM_DIR.test(source) && SYSTEM_DIR.test(target) && baseName(target).startsWith('.')) return { source, target };
      // A packaged program (not /usr/local) renamed in place (`mv /usr/bin/ps /usr/bin/ps.orig`): dpkg-divert is how that is done openly.
      if (inv.program === 'mv' && operands.length === 2 && /^\/(?:usr\/)?s?bin\/[^/]+$/.test(source) && /^\/(?:usr\/)?s?bin\/[^/]+$/.test(target)) return { source, target };
    }
    return undefined;
  },
};

/**
 * `cp /tmp/Packages /var/lib/rpm/Packages`, `echo ... >> /var/lib/dpkg/info/x.postinst`: the package database or a
 * package's maintainer scripts written by hand (Falco's "Write below rpm database"): installed software misreported,
 * or code run at the next upgrade (T1554, T1546).
 */
const packageDatabaseWritten: Rule = {
  name: 'package-database-written',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1554', 'T1546'],
  match: (s): Evidence | undefined => {
    if (s.invocations.some((inv) => /^(?:rpm|rpmdb|dnf|yum|zypper|dpkg|apt|apt-get|aptitude|dpkg-divert|update-alternatives)$/.test(inv.program))) return undefined;
    return writesTo(s, /^\/var\/lib\/(?:rpm\/|dpkg\/(?:status$|info\/))/);
  },
};

/**
 * `chmod 755 /var/tmp/.cache/kdevtmpfs`: a file in a hidden or shared-memory drop, or named like a kernel thread or a
 * daemon there, made executable: the step before running a payload (T1222.002, T1105).
 */
const dropMadeExecutable: Rule = {
  name: 'drop-made-executable',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1222.002', 'T1105'],
  match: (s): Evidence | undefined => {
    // Also a file loose in the temporary root with no extension (`chmod +x /tmp/suid`): installers' files are named
    // `/tmp/get_helm.sh` or `/tmp/cuda_12.4.run`.
    const dropped = (a: string): boolean => (isDisguisedDrop(a) || (/^(?:\/var)?\/tmp\/[^/.]+$/.test(a))) && !X_RUNTIME_DIR.test(a);
    const inv = invocationsOf(s, 'chmod').find((i) => i.args.some((a) => EXECUTABLE_MODE.test(a)) && i.args.some(dropped));
    return inv ? { file: inv.args.find(dropped) ?? '' } : undefined;
  },
};

/** The X server's and ICE's own hidden directories in /tmp. */
const X_RUNTIME_DIR = /^\/tmp\/\.(?:X11|ICE|font|XIM|Test)-unix(?:\/|$)/;

/** `rm -rf /dev/shm/.x`, `shred -u /tmp/.k`: a hidden or shared-memory drop removed after use (T1070.004). Low: it is cleanup. */
const dropRemoved: Rule = {
  name: 'drop-removed',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1070.004'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'rm', 'shred', 'unlink').find((i) => i.args.some((a) => isDisguisedDrop(a) && /\/\.|^\/(?:dev|run)\/shm\//.test(a) && !X_RUNTIME_DIR.test(a)));
    return inv ? { removes: inv.args.find((a) => isDisguisedDrop(a)) ?? '' } : undefined;
  },
};

/** bpftrace `--unsafe` lets probes run commands (`system()`) inside the kernel tracing path. */
const unsafeBpf: Rule = {
  name: 'unsafe-bpf-program',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1059', 'T1014'],
  match: (s) => (invocationsOf(s, 'bpftrace').some((inv) => inv.args.includes('--unsafe')) ? { tool: 'bpftrace', option: '--unsafe' } : undefined),
};

/**
 * A BPF program loaded by hand (`bpftool prog load x.o /sys/fs/bpf/x`, `ip link set dev eth0 xdp obj x.o`, `tc filter add
 * ... bpf obj x.o`): code attached inside the kernel, the way eBPF rootkits hide processes and files (T1014). Networking
 * and observability agents load theirs through the bpf() call, not these commands.
 */
const bpfLoaded: Rule = {
  name: 'bpf-program-loaded',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1014', 'T1562.001'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'bpftool').find((i) => i.args[0] === 'prog' && /^load(?:all)?$/.test(i.args[1] ?? ''))
      ?? invocationsOf(s, 'ip', 'tc').find((i) => i.args.some((a) => /^(?:obj|object-file)$/.test(a)) && i.args.some((a) => /^(?:xdp\w*|bpf)$/.test(a)));
    return inv ? { command: `${inv.program} ${inv.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/** A call that runs a program, in the common interpreters' code, given a temporary path. */
const DROPPED_PROGRAM_CALL = /\b(?:system|e?syscmd|shell_exec|passthru|popen|proc_open|exec[lv]?p?e?|spawn(?:Sync)?|execSync|execFile(?:Sync)?|Popen|call|check_output|check_call|run|getoutput|IO\.popen|Process\.Start|Runtime\.getRuntime\(\)\.exec)\s*\(\s*\[?\s*["'`]?(?:\/var)?\/(?:tmp|dev\/shm)\/[^"'`\s)]+/;
/**
 * The program run lives where droppers put payloads: loose in /tmp without an extension, hidden, or in shared
 * memory. (`/tmp/cuda_12.run` is an installer; `/tmp/crond` is a disguise.)
 */
const execFromTemp: Rule = {
  name: 'exec-from-temp',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1105', 'T1036.005'],
  match: (s): Evidence | undefined => {
    // The program itself, or the script an interpreter runs (`python3 /dev/shm/a.py`, `sh /tmp/.x/run`).
    const script = s.invocations.find((i) => (SHELL_NAMES.has(i.program) || INTERPRETERS.test(i.program)) && !i.args.some((a) => /^-[a-zA-Z]*[ce]$/.test(a)) && isDisguisedDrop(i.args.find((a) => !a.startsWith('-')) ?? ''));
    if (script) return { executable: script.args.find((a) => !a.startsWith('-')) ?? '', interpreter: script.program };
    // Interpreter code that runs a dropped program (`php -r 'shell_exec("/tmp/.u/x")'`, `python -c 'os.system("/dev/shm/x")'`).
    const called = excerpt(s.text, DROPPED_PROGRAM_CALL);
    const calledPath = called === undefined ? undefined : called.match(TEMP_PATHS)?.[0];
    if (calledPath !== undefined && isDropperPath(calledPath) && (isDisguisedDrop(calledPath) || !baseName(calledPath).includes('.'))) return { executable: calledPath, interpreter: 'code' };
    // Source compiled and run in one step (`go run /tmp/.x/p.go`, `dotnet run`, `deno run`): the same, one step earlier.
    const source = s.invocations.find((i) => /^(?:go|deno|bun|dotnet|cargo)$/.test(i.program) && i.args[0] === 'run' && i.args.slice(1).some(isDisguisedDrop));
    if (source) return { executable: source.args.slice(1).find(isDisguisedDrop) ?? '', interpreter: `${source.program} run` };
    // `nohup /tmp/x.sh &`, `setsid sh /var/tmp/run`: a program or shell script from a temporary directory started to
    // outlive the shell (Sigma's "Suspicious Nohup Execution").
    const detached = s.invocations.find((i) => /^(?:nohup|setsid)$/.test(baseName(i.command.argv[0] ?? '')) && isTempPath(SHELL_NAMES.has(i.program) ? i.args.find((a) => !a.startsWith('-')) ?? '' : i.path));
    if (detached) return { executable: detached.path, detached: baseName(detached.command.argv[0]) };
    const inv = s.invocations.find((i) => isDropperPath(i.path) && (isDisguisedDrop(i.path) || !i.program.includes('.')));
    if (!inv) return undefined;
    return { executable: inv.path, ...(MASQUERADE_NAMES.test(inv.program.replace(/^\./, '')) ? { imitates: inv.program } : {}) };
  },
};

/** `journalctl --vacuum-time=0`, `--vacuum-size=1K`: the journal emptied rather than trimmed. */
function isVacuumToNothing(arg: string): boolean {
  const m = /^--vacuum-(time|size|files)=(\d+)([a-zA-Z]*)$/.exec(arg);
  if (!m) return false;
  const [, kind, amount, unit] = m;
  if (kind === 'files') return Number(amount) <= 1;
  if (kind === 'size') return Number(amount) === 0 || /^[bBkK]?$/.test(unit);
  return Number(amount) === 0 || /^(?:s|sec|m|min)$/.test(unit);
}

function isDecoder(program: string, args: readonly string[]): boolean {
  if (program === 'base64' || program === 'base32' || program === 'basenc') return args.some((a) => /^-[a-zA-Z]*[dD]|^--decode$/.test(a));
  if (program === 'b64decode' || program === 'uudecode') return true;
  if (program === 'xxd') return args.some((a) => /^-r/.test(a));
  return program === 'openssl' && /^(?:base64|enc)$/.test(args[0] ?? '') && args.includes('-d') && (args[0] === 'base64' || args.some((a) => /^-(?:a|base64)$/.test(a)));
}



/** `echo c > /proc/sysrq-trigger`, `randomize_va_space=0`: the kernel crashed on demand or its hardening turned off. */
const kernelTamper: Rule = {
  name: 'kernel-tampering',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1562.001', 'T1529', 'T1014'],
  match: (s) => {
    // Also kprobes and uprobes defined or switched on through tracefs: a hook on kernel or library functions (T1014).
    const written = writesTo(s, /^\/proc\/sysrq-trigger$|^\/proc\/sys\/kernel\/(?:randomize_va_space|kptr_restrict|dmesg_restrict|modules_disabled|unprivileged_bpf_disabled|yama\/ptrace_scope)$|^\/proc\/sys\/vm\/unprivileged_userfaultfd$|^\/proc\/sys\/fs\/(?:protected_(?:symlinks|hardlinks)|suid_dumpable)$|^\/sys\/kernel\/(?:debug\/)?tracing\/(?:[ku]probe_events$|events\/[ku]probes\/)/);
    if (written) return written;
    const sysctl = allOf(s.text, /\bsysctl\b/, /\bkernel\.(?:randomize_va_space\s*=\s*0|core_pattern\s*=\s*['"]?\||yama\.ptrace_scope\s*=\s*0|kptr_restrict\s*=\s*0|dmesg_restrict\s*=\s*0|unprivileged_bpf_disabled\s*=\s*0)|\bvm\.unprivileged_userfaultfd\s*=\s*1|\bfs\.(?:protected_(?:symlinks|hardlinks)\s*=\s*0|suid_dumpable\s*=\s*[12])/);
    return sysctl === undefined ? undefined : { sysctl: sysctl[1] };
  },
};

/** The job scheduler's services, as systemctl names them and as pkill patterns (`^cron$`). */
const SCHEDULER = /^\^?(?:cron|crond|atd|anacron)\$?(?:\.service)?$/;

/**
 * `systemctl stop cron`, `pkill ^cron$`, `kill $(pgrep cron)`: the job scheduler stopped (T1489, service stop), which
 * takes every scheduled job, backups and log rotation included, with it. Low: maintenance does it too, briefly.
 */
const schedulerStopped: Rule = {
  name: 'job-scheduler-stopped',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1489'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'systemctl', 'service', 'pkill', 'killall')) {
      const stops = /^(?:pkill|killall)$/.test(inv.program) || inv.args.some((a) => /^(?:stop|disable|mask|kill)$/.test(a));
      const service = inv.args.find((a) => SCHEDULER.test(a));
      if (stops && service !== undefined) return { service: service.replace(/^\^|\$$/g, ''), tool: inv.program };
    }
    const killed = invocationsOf(s, 'kill').flatMap(namesKilled).find((name) => SCHEDULER.test(name));
    return killed === undefined ? undefined : { service: killed, tool: 'kill' };
  },
};

export const SYSTEM_MODIFICATION_RULES: readonly Rule[] = [
  kernelTamper, schedulerStopped,
  logTampering, securityToolDisabled, destructiveWipe, timestomp, kernelModule, rootkitSignal, preloadWrite, procHiding,
  decodeAndRun, binaryPlanted, binaryMovedAside, packageDatabaseWritten, dropMadeExecutable, dropRemoved, unsafeBpf, bpfLoaded, execFromTemp, crontabRemoved,
];
