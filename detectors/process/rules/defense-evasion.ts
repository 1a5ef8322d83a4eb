/**
 * Defence evasion that is also, often, administration: host firewalls and SELinux relaxed (the K3s and kubeadm guides
 * say to), logging configuration edited, files shredded, permissions and immutable flags changed on the files that
 * guard the host (T1222.002), hidden directories made where droppers work. Reported at the severity the evidence
 * earns, low when it is the everyday form. Also reflective code loading (T1620), which never is.
 */
import { excerpt, isDisguisedDrop, isDropperPath, isPublicNetwork, isTempPath, SENSITIVE_FILE } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { writesTo } from './rule.js';

const FIREWALL_SERVICE = /^(?:ufw|firewalld|nftables|iptables|ip6tables|netfilter-persistent|shorewall|csf|pf)(?:\.service)?$/;
const LOGGING_CONFIG = /^\/etc\/(?:rsyslog\.conf|rsyslog\.d\/|syslog\.conf|syslog-ng\/|systemd\/journald\.conf|audit\/|audisp\/|libaudit\.conf|security\/audit_event|logrotate\.d\/(?:rsyslog|syslog))/;
/** Files and directories that guard the host: account databases, sudo, SSH, cron, loader, start-up, system binaries. */
const GUARDED_PATH = new RegExp(`${SENSITIVE_FILE.source}|^/etc/?$|^/etc/(?:sudoers\\.d|ssh/sshd_config|cron|crontab|ld\\.so\\.preload|profile|rc\\.local|pam\\.d|systemd/system)|/\\.ssh(?:/|$)|authorized_keys|^/(?:usr/)?(?:local/)?s?bin(?:/|$)|^/root/?$|^/$|^/var/lib/rancher/k3s/(?:server/manifests|agent/pod-manifests)(?:/|$)|^/etc/kubernetes/manifests(?:/|$)`);
/** One program in a system binary directory. */
const BIN_FILE = /^\/(?:usr\/)?(?:local\/)?s?bin\/[^/]+$/;
/** Persistence and authentication files an attacker makes immutable so they cannot be cleaned, or unlocks to edit. */
const LOCKABLE = /\/(?:passwd|shadow|group|gshadow|sudoers)$|\/sudoers\.d\/|authorized_keys|\/etc\/cron|\/var\/spool\/cron|\/etc\/ld\.so\.preload|\/etc\/rc\.local|\/etc\/profile|\/\.bashrc$|\/etc\/systemd\/system\/|^\/var\/log\//;

/** `ufw disable`, `systemctl disable --now firewalld`: the host firewall off, as K3s guides ask (T1562.004). */
const firewallDisabled: Rule = {
  name: 'host-firewall-disabled',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1562.004'],
  match: (s): Evidence | undefined => {
    // ufw's own options (`--force`, `--dry-run`) come before the command.
    const ufw = invocationsOf(s, 'ufw').map((inv) => inv.args.filter((a) => !a.startsWith('-'))).find((args) => args[0] === 'disable' || (args[0] === 'logging' && args[1] === 'off') || (args[0] === 'default' && args[1] === 'allow'));
    if (ufw) return { firewall: `ufw ${ufw.join(' ')}` };
    for (const inv of invocationsOf(s, 'systemctl', 'service', 'chkconfig', 'update-rc.d', 'rc-service', 'rc-update')) {
      const service = inv.args.find((a) => FIREWALL_SERVICE.test(a));
      if (service !== undefined && inv.args.some((a) => /^(?:stop|disable|mask|kill|off|del|delete)$/.test(a))) return { firewall: service, action: `${inv.program} ${inv.args.join(' ')}`.slice(0, 80) };
    }
    // (`iptables-save > /etc/iptables/rules.v4` keeps the rules in force across reboots.)
    const rules = invocationsOf(s, 'iptables-save', 'ip6tables-save', 'netfilter-persistent').length > 0 ? undefined : writesTo(s, /^\/etc\/(?:ufw\/|default\/ufw$|firewalld\/|nftables\.conf|iptables\/)/);
    if (rules) return { firewallConfig: rules.writes };
    // A blocking rule taken out (`iptables -D OUTPUT -p tcp --dport 21 -j DROP`, `ufw delete deny 22`): what it blocked is open.
    const removed = invocationsOf(s, 'iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft').find((inv) => inv.args.some((a) => a === '-D' || a === '--delete') && inv.args.some((a, i) => /^(?:-j|--jump)$/.test(inv.args[i - 1] ?? '') && /^(?:DROP|REJECT)$/.test(a)))
      ?? invocationsOf(s, 'ufw').find((inv) => inv.args[0] === 'delete' && /^(?:deny|reject|limit)$/.test(inv.args[1] ?? ''));
    if (removed) return { firewallRuleRemoved: `${removed.program} ${removed.args.join(' ')}`.slice(0, 120) };
    // An internet address let in (`ufw prepend allow from 193.38.112.172 to any port 22`, `iptables -I INPUT -s <ip> -j ACCEPT`).
    const admitted = invocationsOf(s, 'ufw').find((inv) => inv.args.includes('allow') && inv.args.some((a, i) => inv.args[i - 1] === 'from' && isPublicNetwork(a)))
      ?? invocationsOf(s, 'iptables', 'iptables-legacy', 'iptables-nft').find((inv) => inv.args.some((a, i) => /^(?:-s|--source)$/.test(inv.args[i - 1] ?? '') && isPublicNetwork(a)) && inv.args.some((a, i) => /^(?:-j|--jump)$/.test(inv.args[i - 1] ?? '') && a === 'ACCEPT'));
    return admitted ? { admitted: `${admitted.program} ${admitted.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/** `setenforce 0`, `SELINUX=disabled` in /etc/selinux/config, `aa-complain`: mandatory access control relaxed (T1562.001). */
const macRelaxed: Rule = {
  name: 'mandatory-access-control-relaxed',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1562.001'],
  match: (s): Evidence | undefined => {
    const setenforce = invocationsOf(s, 'setenforce').find((inv) => /^(?:0|permissive)$/i.test(inv.args[0] ?? ''));
    if (setenforce) return { selinux: 'permissive' };
    const config = writesTo(s, /^\/etc\/selinux\/config$/);
    if (config && /SELINUX=(?:disabled|permissive)/.test(s.text)) return { selinux: 'disabled in config' };
    const apparmor = invocationsOf(s, 'aa-complain', 'aa-disable').find((inv) => inv.args.length > 0);
    return apparmor ? { apparmor: `${apparmor.program} ${apparmor.args.join(' ')}`.slice(0, 80) } : undefined;
  },
};

/**
 * `mount -o remount,hidepid=2 /proc`: other users' processes hidden from everyone but root, the process list an
 * unprivileged monitor or user would read (T1564). A hardening option too, hence low.
 */
const processListHidden: Rule = {
  name: 'process-list-hidden',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1564'],
  match: (s) => {
    const inv = invocationsOf(s, 'mount').find((i) => i.args.some((a) => /(?:^|,)hidepid=(?:[12]|invisible|noaccess)(?:,|$)/.test(a)));
    return inv ? { mount: `mount ${inv.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/** Syslog, journald or audit configuration rewritten: what gets recorded may have changed (T1562.006). */
const loggingConfigChanged: Rule = {
  name: 'logging-config-changed',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1562.006', 'T1562.012'],
  match: (s) => writesTo(s, LOGGING_CONFIG),
};

/** `shred -u file`, `srm`, `wipe`: a file destroyed beyond recovery, the way evidence is removed (T1070.004). */
const secureDelete: Rule = {
  name: 'file-shredded',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1070.004'],
  match: (s) => {
    const inv = invocationsOf(s, 'shred', 'srm', 'wipe').find((i) => i.args.some((a) => !a.startsWith('-')));
    return inv ? { tool: inv.program, file: inv.args.filter((a) => !a.startsWith('-')).join(' ').slice(0, 120) } : undefined;
  },
};

/**
 * `chmod 777 /etc/shadow`, `chmod o+w /etc/sudoers`, `chown bob /etc/passwd`, `setfacl -m u:bob:rwx /etc/shadow`:
 * the files that guard the host opened to other users (T1222.002).
 */
const guardedPermissions: Rule = {
  name: 'guarded-file-permissions-opened',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1222.002'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'chmod', 'chown', 'chgrp', 'setfacl')) {
      // A user's own files (`chown $(id -u) ~/.kube/config`, as the K3s docs say) are theirs to hand over, and a
      // service's own program to its user (`chown app:app /usr/local/bin/app`, in many Dockerfiles); the bin directory is not.
      const handedOver = (a: string): boolean => inv.program !== 'chmod' && (/^(?:~|\$HOME|\$\{HOME\}|\/home\/)/.test(a) || BIN_FILE.test(a));
      const targets = inv.args.filter((a) => !a.startsWith('-') && GUARDED_PATH.test(a) && !isTempPath(a) && !handedOver(a));
      if (targets.length === 0) continue;
      const mode = inv.args.find((a) => !a.startsWith('-') || /^-[rwxXst]+$/.test(a));
      const opened = inv.program === 'chmod' ? mode !== undefined && isOpenMode(mode) : inv.program === 'setfacl' ? inv.args.some((a) => /^-[a-zA-Z]*m$|^--modify/.test(a)) : !/^(?:root|0)?(?::(?:root|0|shadow|ssl-cert|adm|syslog|crontab)?)?$/.test(inv.args.find((a) => !a.startsWith('-')) ?? 'root');
      if (opened) return { tool: inv.program, change: inv.args.join(' ').slice(0, 120) };
    }
    return undefined;
  },
};

/**
 * The system's trust anchors: Debian's and Red Hat's CA directories and the bundles built from them. (/etc/ssl/certs
 * also holds servers' own certificates, `openssl req -out /etc/ssl/certs/registry.crt`.)
 */
const TRUST_STORE = /^\/(?:usr\/local\/share\/ca-certificates|usr\/share\/ca-certificates|etc\/pki\/ca-trust\/source\/anchors|etc\/pki\/trust\/anchors)(?:\/|$)|^\/etc\/pki\/tls\/certs\/ca-bundle|^\/etc\/ssl\/certs\/ca-certificates\.crt$/;
/**
 * A root certificate added to the system's trust from a drop location (T1553.004): every TLS connection can then be
 * intercepted by whoever holds its key. Company and registry CAs are installed the same way from their own files (the
 * K3s private-registry guide does it), so a plain install is not reported: in the blind draws it was two benign lines
 * to three malicious.
 */
const droppedCertificateTrusted: Rule = {
  name: 'root-certificate-trusted-from-drop-location',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1553.004'],
  match: (s): Evidence | undefined => {
    const written = writesTo(s, TRUST_STORE);
    const source = written && s.invocations.flatMap((inv) => inv.args).find((a) => isDropperPath(a) && /\.(?:crt|pem|cer|der)$/.test(a));
    return written && source !== undefined ? { ...written, from: source } : undefined;
  },
};

/** `chattr +i /root/.ssh/authorized_keys`, `chattr -i /etc/passwd`: persistence files locked against cleanup, or unlocked to edit. */
const immutableSensitive: Rule = {
  name: 'immutable-flag-on-guarded-file',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1222.002'],
  match: (s) => {
    const inv = invocationsOf(s, 'chattr').find((i) => i.args.some((a) => /^[+-][aAiu]+$/.test(a)) && i.args.some((a) => LOCKABLE.test(a)));
    return inv ? { change: `chattr ${inv.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/** System program and library directories, and /dev (its shared-memory mounts are temporary paths). */
const SYSTEM_OR_DEV_DIR = /^\/(?:(?:usr\/)?(?:local\/)?(?:s?bin|lib(?:64)?|libexec)|dev(?!\/shm))\//;
/** `mkdir /tmp/.x`, `mkdir -p /dev/shm/.cache`, `mkdir ~/...`: a hidden work directory where droppers keep payloads (T1564.001). */
const hiddenDirectory: Rule = {
  name: 'hidden-directory-created',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1564.001'],
  match: (s) => {
    // The X server's own hidden sockets directories (`/tmp/.X11-unix`, `.ICE-unix`) are not a dropper's.
    const hidden = (a: string): boolean => /\/\.[^/.][^/]*\/?$|\/\.[^/.][^/]*\//.test(a);
    // Also among the system's programs and libraries, and in /dev, where only device nodes belong (Falco's "Mkdir binary
    // dirs", "Create files below dev").
    const dir = invocationsOf(s, 'mkdir').flatMap((inv) => inv.args).find((a) => (isTempPath(a) && hidden(a) && !/\/\.(?:X11|ICE|font|XIM|Test)-unix\b/.test(a)) || (SYSTEM_OR_DEV_DIR.test(a) && hidden(a)) || /(?:^|\/)\.{3,}\/?$|\/\.\s+\/?$/.test(a))
      ?? invocationsOf(s, 'touch', 'cp', 'mv').flatMap((inv) => inv.args).find((a) => /^\/dev\/\.[^/]+$/.test(a))
      // A hidden file written into a hidden temporary directory (`echo x > /var/tmp/.d/.f`): hidden twice over.
      ?? writesTo(s, /^(?:\/var)?\/tmp\/(?:[^/]+\/)*\.(?!(?:X11|ICE|font|XIM|Test)-unix\/)[^/.][^/]*\/(?:[^/]+\/)*\.[^/.][^/]*$/)?.writes;
    return dir === undefined ? undefined : { directory: dir };
  },
};

/**
 * Reflective code loading (T1620): interpreter code that creates an anonymous memory file and executes it
 * (`os.memfd_create` + `os.execv`/`fexecve`), or a program run straight from a descriptor (`/proc/self/fd/3`, `/dev/fd/4`).
 */
const memoryExecution: Rule = {
  name: 'memfd-execution-in-code',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1620', 'T1027'],
  match: (s): Evidence | undefined => {
    const memfd = excerpt(s.text, /memfd_create|syscall\s*\(\s*(?:319|356|279|385)\b|\bSYS_memfd_create\b/);
    const exec = excerpt(s.text, /\bexecv[pe]?\s*\(|\bfexecve\b|\bexecveat\b|\/proc\/self\/fd\/|\/proc\/\$\$\/fd\/|\bexec\s*\{|\bexec\s*["']\/proc|Popen\s*\(\s*\[?\s*f?["']\/proc|\bexecl\s*\(/);
    if (memfd !== undefined && exec !== undefined) return { memfd, exec };
    const fromFd = s.invocations.find((inv) => /^\/(?:proc\/(?:self|\d+|\$\$)\/fd|dev\/fd)\/\d+$/.test(inv.path));
    if (fromFd) return { exec: fromFd.path };
    const shellcode = excerpt(s.text, /mmap\s*\([^)]*PROT_EXEC|VirtualAlloc|ctypes\.CFUNCTYPE|mprotect\s*\([^)]*7\s*\)/);
    return shellcode === undefined ? undefined : { shellcode };
  },
};

/** True for modes that give other users write access, or everyone everything (`777`, `o+w`, `a+rwx`, `666`). */
function isOpenMode(mode: string): boolean {
  if (/^0?[0-7]?[0-7][0-7][2367]$/.test(mode)) return true;
  return /^(?:[ugo]*[ao][ugo]*|)[+=][rwxXst]*w/.test(mode) && !/^u[+=]/.test(mode);
}

/** `sh /tmp/report.pdf.sh`, `bash /tmp/image.png`: a script named like a document or image (T1036.007, T1036.008). */
const disguisedScript: Rule = {
  name: 'script-disguised-as-document',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1036.007', 'T1036.008'],
  match: (s) => {
    const doc = /\.(?:pdf|docx?|xlsx?|png|jpe?g|gif|txt|log|mp[34]|zip)(?:\.(?:sh|py|pl|elf|bin|run))?$/i;
    const script = (args: readonly string[]): string => (args.some((a) => /^-[a-zA-Z]*c$/.test(a)) ? '' : args.find((a) => !a.startsWith('-')) ?? '');
    const doubled = /\.(?:pdf|docx?|xlsx?|png|jpe?g|gif|txt|mp[34])\.(?:sh|py|pl|elf|bin|run)$/i;
    const inv = s.invocations.find((i) => doubled.test(i.path) || (i.program === 'chmod' && i.args.some((a) => doubled.test(a))) || (/^(?:ba|da|z)?sh$|^python[\d.]*$|^perl$/.test(i.program) && /^\S+$/.test(script(i.args)) && doc.test(script(i.args)) && !/\.(?:sh|py|pl)$/i.test(script(i.args))));
    return inv ? { runs: inv.program === baseName(inv.path) && doc.test(inv.path) ? inv.path : `${inv.program} ${inv.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/**
 * `dd if=/dev/urandom bs=1 count=8 >> ./agent`, `truncate -s +1 ./agent`: bytes appended to a program so its hash
 * no longer matches a blocklist (T1027.001).
 */
const binaryPadding: Rule = {
  name: 'binary-padded',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1027.001'],
  match: (s): Evidence | undefined => {
    const dd = invocationsOf(s, 'dd').find((inv) => inv.args.some((a) => /^if=\/dev\/(?:zero|u?random|null)$/.test(a)) && (inv.command.redirects.some((r) => r.op === '>>') || inv.args.some((a) => /^oflag=append$/.test(a))));
    if (dd) return { tool: 'dd', target: dd.command.redirects.find((r) => r.op === '>>')?.target ?? dd.args.find((a) => a.startsWith('of='))?.slice(3) ?? '' };
    // Grown by a little, or a dropped file set to a size (`truncate -s 12M /var/tmp/.xm`) to change its hash and pass size limits.
    const grown = invocationsOf(s, 'truncate').find((inv) => inv.args.some((a, i) => /^\+\d{1,4}$/.test(a) && /^(?:-s|--size)$/.test(inv.args[i - 1] ?? '')) || inv.args.some((a) => /^(?:-s|--size=)\+\d{1,4}$/.test(a))
      || (inv.args.some((a) => /^(?:-s|--size)/.test(a)) && isDisguisedDrop(inv.args[inv.args.length - 1] ?? '')));
    return grown ? { tool: 'truncate', target: grown.args[grown.args.length - 1] } : undefined;
  },
};

/**
 * A program run from a directory named to be overlooked (`$HOME/.../sh`, `/tmp/. /x`) or whose own name ends in a
 * space (`'./init '` next to `./init`): masquerading by path (T1036.005, T1036.006).
 */
const masqueradingPath: Rule = {
  name: 'program-in-masquerading-path',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1036.005', 'T1036.006'],
  match: (s): Evidence | undefined => {
    // Also a hidden program among the system's (`/usr/local/bin/.kube-agentd --daemon`, Falco's "Drop and execute new binary").
    const inv = s.invocations.find((i) => (/(?:^|\/)\.{3,}\/|\/\.\s+\/|\/\s+\/|\S\s+$/.test(i.path) && /\//.test(i.path)) || /^\/(?:usr\/)?(?:local\/)?s?bin\/\.[^/.][^/]*$/.test(i.path));
    if (inv) return { program: inv.path };
    const copied = invocationsOf(s, 'cp', 'mv', 'install').find((i) => /(?:^|\/)\.{3,}\/?$/.test(i.args[i.args.length - 1] ?? ''));
    if (copied) return { copiedTo: copied.args[copied.args.length - 1] };
    // A name with invisible or direction-changing characters (zero-width joiner, right-to-left override), raw or escaped.
    const invisible = excerpt(s.text, /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]|\\u(?:200[B-Fb-f]|202[A-Ea-e]|206[6-9]|[Ff][Ee][Ff][Ff])/);
    return invisible === undefined ? undefined : { name: invisible };
  },
};

const COMPILERS = /^(?:gcc|cc|g\+\+|c\+\+|clang|clang\+\+|tcc|musl-gcc|x86_64-linux-gnu-gcc(?:-\d+)?|gcc-\d+)$/;
/**
 * `gcc -o /tmp/suid /tmp/suid.c`, `gcc /var/tmp/croissant.c -o /var/tmp/croissant`: source delivered to a drop location
 * and compiled there (T1027.004, compile after delivery), the way exploits and implants are built on the target: a
 * source loose in the temporary root, hidden, or in shared memory. Builds, the NVIDIA installer's kernel modules
 * included, compile sources from an unpacked tree.
 */
const compiledInDropLocation: Rule = {
  name: 'compiled-in-drop-location',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1027.004'],
  match: (s): Evidence | undefined => {
    const inv = s.invocations.find((i) => COMPILERS.test(i.program) && i.args.some((a) => /\.(?:c|cc|cpp|cxx|s)$/i.test(a) && isDropperPath(a)));
    return inv ? { compiler: inv.program, source: inv.args.find((a) => /\.(?:c|cc|cpp|cxx|s)$/i.test(a) && isDropperPath(a))! } : undefined;
  },
};

/** Where the hardware's maker and model are read: SMBIOS, the device lists, the CPU flags, the kernel log. */
const HARDWARE_SOURCE = /\b(?:dmidecode|lshw|lscpu|lspci|hwinfo|dmesg|hostnamectl)\b|\/sys\/(?:class|devices\/virtual)\/dmi\/|\/proc\/(?:scsi\/scsi|cpuinfo)\b/;
const HYPERVISOR_VENDOR = /\b(?:VirtualBox|vbox|VMware|Parallels|QEMU|innotek|Xen|Hyper-?V|Bochs)\b/i;

/**
 * `dmidecode | grep -iE 'VirtualBox|VMware'`: the hardware searched for a hypervisor's name, as malware checks for a
 * sandbox before it acts (T1497.001). Low: inventory scripts read the same fields.
 */
const sandboxCheck: Rule = {
  name: 'virtualization-check',
  category: 'system_modification',
  severity: 'low',
  techniques: ['T1497.001'],
  match: (s): Evidence | undefined => {
    if (!HARDWARE_SOURCE.test(s.text)) return undefined;
    const search = s.invocations.find((inv) => /^(?:[ef]?grep|rg|awk)$/.test(inv.program) && inv.args.some((a) => !a.startsWith('-') && HYPERVISOR_VENDOR.test(a)));
    return search ? { searches: search.args.find((a) => HYPERVISOR_VENDOR.test(a))!.slice(0, 120) } : undefined;
  },
};

export const DEFENSE_EVASION_RULES: readonly Rule[] = [
  masqueradingPath, binaryPadding, memoryExecution, guardedPermissions, immutableSensitive, hiddenDirectory, disguisedScript, firewallDisabled, macRelaxed, loggingConfigChanged, secureDelete,
  processListHidden, droppedCertificateTrusted, sandboxCheck, compiledInDropLocation,
];
