/** Patterns several rules share: where attackers drop files, which files hold secrets, what a shell looks like. */
import { baseName } from './shell-parse.js';

/** An absolute path of an interactive shell (`/bin/sh`, `/usr/bin/bash`, ...). */
export const SHELL_PATH = /\/(?:usr\/)?(?:local\/)?s?bin\/(?:ba|da|z|k|a|mk|c|tc)?sh\b/;
/** Shell program names. */
export const SHELL_NAMES = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'csh', 'tcsh']);
/** Text editors: a file opened in one is being changed by hand. */
export const EDITORS = /^(?:vi|vim|nvim|vim\.\w+|nano|pico|emacs|ed|joe|mcedit|micro|jed|ne|kak|hx|helix|code|vipw|vigr)$/;
/** Programs that only look at a file, set its permissions or remove it: naming a file to them changes nothing in it. */
export const FILE_INSPECTORS = /^(?:cat|less|more|head|tail|ls|stat|file|test|\[|grep|egrep|fgrep|zgrep|lsattr|sha\d*sum|md5sum|b2sum|wc|diff|cmp|strings|od|hexdump|readlink|realpath|getfacl|chmod|chown|chgrp|rm|unlink|shred)$/;
/** Scripting runtimes whose inline code (`-c`, `-e`, `-r`) can do anything a binary can. */
export const INTERPRETERS = /^(?:python[\d.]*|perl[\d.]*|ruby[\d.]*|php[\d.]*|lua[\d.]*|luajit|node|nodejs|deno|bun|jrunscript|jjs|julia|[gmn]?awk|busybox|tclsh[\d.]*|rscript|zsh|bash|sh)$/;

/** World-writable directories where droppers put payloads. */
const TEMP_DIR = /^(?:\/var\/tmp|\/tmp|\/dev\/shm|\/run\/shm|\/dev\/mqueue)\//;
/** Temporary paths anywhere in a text. */
export const TEMP_PATHS = /(?:\/var\/tmp|\/tmp|\/dev\/shm|\/run\/shm|\/dev\/mqueue)\/[^\s'";|&)<>]*/g;

export function isTempPath(path: string): boolean {
  return TEMP_DIR.test(path);
}

/**
 * A temporary path of the kind droppers use, as opposed to a tool's own work directory (`/tmp/go-build123/b001/`,
 * `/tmp/k3s-install.X/k3s.bin`): anything in shared memory, a file loose in the temp root, or a hidden component.
 */
export function isDropperPath(path: string): boolean {
  if (/^\/(?:dev|run)\/shm\//.test(path)) return true;
  const rest = path.replace(/^(?:\/var)?\/tmp\//, '');
  if (rest === path) return false;
  return !rest.includes('/') || isHiddenPath(rest);
}

/**
 * A temporary file that no installer would write: in shared memory, hidden, or named like a kernel thread, a core
 * daemon or a miner. (`/tmp/helm.tar.gz` is an installer's download; `/tmp/.x` and `/tmp/kworker` are not.)
 */
export function isDisguisedDrop(path: string): boolean {
  if (!isTempPath(path)) return false;
  const name = baseName(path);
  return /^\/(?:dev|run)\/shm\//.test(path) || isHiddenPath(path) || MASQUERADE_NAMES.test(name) || /xmr|miner/i.test(name);
}

function isHiddenPath(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.') && part !== '.' && part !== '..');
}


/**
 * Secrets nobody reads in the normal course of work: password hashes, private keys, cloud and service-account
 * credentials, another process's memory. Reading one is credential access.
 */
export const SECRET_FILE = new RegExp([
  String.raw`/etc/g?shadow\b`, String.raw`/etc/(?:master\.passwd|spwd\.db)\b`, String.raw`serviceaccount/token`, String.raw`\.ssh/id_(?:rsa|dsa|ecdsa|ed25519)\b(?!\.pub)`, String.raw`\.aws/credentials`,
  String.raw`\.config/gcloud/(?:credentials|access_tokens|application_default)`, String.raw`/proc/(?:\d+|self|\*|\$\w+|\$\{\w+\}|\$\([^)]*\))/(?:mem|environ)\b`, String.raw`\.git-credentials`,
  String.raw`\.vault-token`, String.raw`/etc/ssl/private/`, String.raw`\bwallet\.dat\b`, String.raw`/dev/k?mem\b`, String.raw`/etc/security/opasswd\b`,
  String.raw`\.pgpass\b`, String.raw`/etc/krb5\.keytab\b`, String.raw`/(?:etc/kubernetes/pki|var/lib/rancher/k3s/server/tls)/[\w./-]*\.key\b`, String.raw`/var/lib/rancher/k3s/server/cred/`, String.raw`/var/lib/etcd/member/snap/db\b`, String.raw`rclone/rclone\.conf\b`, String.raw`/etc/ssh/ssh_host_\w+_key\b(?!\.pub)`, String.raw`/k3s/server/db/state\.db\b`, String.raw`\.gnupg/private-keys`,
  String.raw`\.azure/(?:accessTokens|msal_token_cache)`, String.raw`\.oci/sessions`, String.raw`\.(?:cache/)?huggingface/(?:token|stored_tokens)\b`,
].join('|'));
/**
 * Secrets plus the files administrators read routinely but must never send off the machine: kubeconfigs (the K3s
 * docs tell users to `cat` k3s.yaml), sudoers, registry credentials.
 */
export const SENSITIVE_FILE = new RegExp([
  SECRET_FILE.source, String.raw`/etc/passwd\b`, String.raw`/etc/sudoers\b`, String.raw`\.docker/config\.json`, String.raw`/etc/kubernetes/[\w.-]+\.conf`, String.raw`/etc/rancher/k3s/k3s\.yaml`, String.raw`\.kube/config\b`,
  String.raw`\.netrc\b`,
  String.raw`/var/lib/rancher/k3s/server/(?:tls|cred|token)`,
].join('|'));

/** Services where anyone can drop a file and fetch it later, or a chat hook that takes uploads: untrusted both ways. */
export const FILE_DROP_HOST = /(?:^|\.)(?:transfer\.sh|file\.io|0x0\.st|termbin\.com|pastebin\.com|paste\.ee|paste\.rs|hastebin\.com|anonfiles\.com|gofile\.io|webhook\.site|requestbin\.net|pipedream\.net|ngrok(?:-free)?\.(?:io|app)|temp\.sh|bashupload\.com|oshi\.at|catbox\.moe|discord(?:app)?\.com|api\.telegram\.org|interact\.sh|oast\.\w+|burpcollaborator\.net|trycloudflare\.com|serveo\.net|localhost\.run)$/;

/** A library in the system library directories, by absolute path (allocators preloaded from /usr/lib are ordinary). */
export function isSystemLibrary(library: string): boolean {
  return library.split(/[\s:]+/).filter(Boolean).every((lib) => /^\/(?:usr\/)?(?:local\/)?lib(?:64|32)?\/[^.][^/]*(?:\/[^./][^/]*)*$/.test(lib));
}

/** A URL with its host. */
export const URL_PATTERN = /\b(?:https?|ftp):\/\/(\[[0-9a-f:]+\]|[^\s'"/:|;)]+)(?::(\d+))?[^\s'"|;)]*/gi;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.startsWith('[');
}

/**
 * An IPv4 literal outside the private, loopback, link-local and carrier-grade NAT ranges: a host on the internet, where
 * a node's backups and peers are not (they are on the LAN, the VPN or a named host).
 */
export function isPublicIp(host: string): boolean {
  if (!IPV4.test(host)) return false;
  const [a, b] = host.split('.').map(Number);
  return !(a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127));
}

/** A public address alone or as a network (`193.38.112.172`, `45.9.0.0/16`), as firewall and NAT rules name sources. */
export function isPublicNetwork(value: string): boolean {
  return isPublicIp(value.replace(/\/\d+$/, ''));
}

/** The host of a copy destination written `[user@]host:path` (scp, rsync, tar's remote archives), or undefined. */
export function remoteCopyHost(arg: string): string | undefined {
  return /^(?:[\w.-]+@)?([\w.-]+|\[[0-9a-f:]+\]):(?!\/\/)/i.exec(arg)?.[1];
}

/**
 * Options whose value is a key, certificate or kubeconfig a tool authenticates with (`--key k`, `--cacert=ca`,
 * `-i id_rsa`, `curl -E cert`): naming a secret there uses it, it does not read it out.
 */
const AUTH_OPTION = /^(?:-{1,2}[\w-]*(?:[kK]ey|[cC]ert|[cC]a[cC]ert|ca|[tT]oken|kubeconfig|credentials?|identity|netrc)(?:[-_](?:file|path|dir|data))?|--config|-[a-zA-Z]*i|-E)$/;

/**
 * True when `args[i]` is the value of an authentication option, given apart (`--key k`) or inline (`--key=k`,
 * `-auth-token-path=/var/run/secrets/.../token`, `--service-account-key-file=...`).
 */
export function isAuthenticationValue(args: readonly string[], i: number): boolean {
  const inline = /^(-{1,2}[\w-]+)=/.exec(args[i]);
  return AUTH_OPTION.test(args[i - 1] ?? '') || (inline !== null && AUTH_OPTION.test(inline[1]));
}

export function isLoopback(host: string): boolean {
  return /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1|0\.0\.0\.0)$/i.test(host) || host.endsWith('.svc') || host.includes('.svc.cluster.local');
}

export interface UrlRef {
  readonly url: string;
  readonly host: string;
  readonly port?: number;
  readonly plainHttp: boolean;
}

/** Every URL in a text. */
export function urlsIn(text: string): UrlRef[] {
  return [...text.matchAll(URL_PATTERN)].map((m) => ({
    url: m[0],
    host: m[1].toLowerCase(),
    ...(m[2] ? { port: Number(m[2]) } : {}),
    plainHttp: /^(?:http|ftp):/i.test(m[0]),
  }));
}

/** Kernel thread names: a kernel thread has no executable, so a process by that name with one is in disguise. */
export const KERNEL_THREAD_NAMES = /^\[?(?:kworker|kswapd\d*|kthreadd|ksoftirqd|kdevtmpfsi?|khugepaged|kauditd|kblockd|migration|rcu_\w+|watchdog\w*|jbd2)\b/;
/** Names of kernel threads and core daemons that malware takes to hide in a process list. */
export const MASQUERADE_NAMES = new RegExp(`${KERNEL_THREAD_NAMES.source}|^(?:crond?|sshd|systemd\\w*|dbus-daemon|rsyslogd|kubelet[\\w-]*|containerd[\\w-]*|atd|udevd)\\b`);

/**
 * The first match of every pattern, in order, when all of them match; undefined otherwise. Rules use it instead of
 * `a.*b` patterns, which backtrack quadratically over a crafted 64 KiB command line.
 */
export function allOf(text: string, ...patterns: RegExp[]): string[] | undefined {
  const found: string[] = [];
  for (const pattern of patterns) {
    const match = excerpt(text, pattern);
    if (match === undefined) return undefined;
    found.push(match);
  }
  return found;
}

/** The first match of `pattern` in `text`, trimmed for evidence (evidence never carries a whole huge argument). */
export function excerpt(text: string, pattern: RegExp, max = 160): string | undefined {
  // A global pattern keeps state between exec calls; only those are copied (copying every call costs a scan dearly).
  const match = (pattern.global ? new RegExp(pattern.source, pattern.flags.replace('g', '')) : pattern).exec(text);
  return match ? match[0].slice(0, max) : undefined;
}

/** Base64 runs long enough to hide a command or an option (shorter ones are words and hashes). */
const BASE64_RUN = /[A-Za-z0-9+/]{16,}={0,2}/g;

/**
 * The printable texts hidden in base64 runs of a text (`echo LS1kb25hdGUtbGV2ZWw9... | base64 -d`), at most eight,
 * each decoded at the run's start and, since the run may begin mid-block, one and two characters in. Binary data
 * (tokens, hashes, keys) decodes to unprintable bytes and is left out.
 */
export function decodedBlobs(text: string): string[] {
  const found: string[] = [];
  // Paths and words are runs too; encoded text mixes cases and digits, and does not start with a slash.
  const runs = [...text.matchAll(BASE64_RUN)].map((m) => m[0]).filter((r) => r[0] !== '/' && /[A-Z]/.test(r) && /[a-z]/.test(r) && /\d/.test(r));
  for (const run of runs.slice(0, 8)) {
    for (const skip of [0, 1, 2]) {
      const body = run.slice(skip).replace(/=+$/, '');
      const decoded = Buffer.from(body.slice(0, body.length - (body.length % 4)), 'base64').toString('latin1');
      if (decoded.length >= 8 && /^[\x20-\x7e\t\n\r]+$/.test(decoded)) found.push(decoded);
    }
  }
  return found;
}

/**
 * A shell named in a text: a path (`/bin/sh`) after any separator, or a bare name (`sh`, `bash`) right after a quote,
 * `!`, `=`, `:`, `(` or `,` as code and hook options write it (`system("sh")`, `exec=bash`); `apt install zsh` names
 * a package, not a shell to run.
 */
const SHELL_MENTION = /(?:(?<=^|[\s'"`!=:(,;{])((?:\/[\w.-]+)*\/(?:ba|da|z|k|a|mk|c|tc|fi)?sh)|(?<=\w)(\/(?:usr\/)?(?:local\/)?s?bin\/(?:ba|da|z|k|a|mk|c|tc|fi)?sh)|(?<=['"`!=:(,{;|]|\bexec\s+)((?:ba|da|z|k|a|mk|tc)?sh))(?=$|[\s'"`),;&|}<>\\])/g;
/**
 * What may follow an interactive shell: its options (`-i`, `-p`, `-li`, `-s`), redirections (`0<&2`, `>& /dev/tcp/...`),
 * socat address options (`,pty,stderr`), closing quotes and escaped separators.
 */
const INTERACTIVE_TAIL = /^(?:\s*(?:-[ilpsmrE]+|--(?:norc|noprofile|login|posix)?|[0-9&]*[<>]{1,2}&?\s*[^\s'"`;|)]*|,[\w=,.-]*|&|["'`),;}]|\\[;)]?|#.*|$))*$/;

/**
 * An interactive shell mentioned in a text (an argument, inline code, a hook option): a shell with no command string
 * and no script after it, like `/bin/sh`, `"sh", "-p"`, `bash -i 0<&2 1>&2`, `exec=/bin/sh`. `sh -c 'x'`, `bash
 * run.sh` and `/bin/sh {}` run something else and do not count.
 */
export function interactiveShellIn(text: string): string | undefined {
  for (const m of text.matchAll(SHELL_MENTION)) {
    const shell = m[1] ?? m[2] ?? m[3];
    const after = text.slice(m.index + shell.length, m.index + shell.length + 60);
    // `SHELL=/bin/bash`, `--shell /bin/bash`: a login shell setting, not a shell run.
    if (/(?:^|[\s'"])(?:\w*SHELL=|-{1,2}(?:login-)?shell[=\s]|shell:\s*)["']?$/i.test(text.slice(Math.max(0, m.index - 16), m.index))) continue;
    // `["/bin/sh", "-c", ...]`, `("sh", "script.sh")`: an argument list that gives the shell a command or a script.
    const nextArgument = /^["']\s*,\s*["']([^"']*)["']/.exec(after)?.[1];
    if (nextArgument !== undefined && !/^-[ilps]+$/.test(nextArgument)) continue;
    // Up to the next separator: what the shell was given (`sh -p`, `/bin/sh 1>&0`); `sh -c ...` and `sh script` are commands.
    const tail = /^[^'"`;|)}\n]*/.exec(after)?.[0] ?? '';
    if (INTERACTIVE_TAIL.test(tail) || /^["'],\s*["']-[ip]/.test(after)) return `${shell}${tail}`.trim().slice(0, 80);
  }
  return undefined;
}

/** Tools that move bytes between a socket and a process or file. */
export const NETWORK_RELAYS = ['nc', 'ncat', 'netcat', 'nc.traditional', 'nc.openbsd', 'socat', 'socket', 'telnet', 'openssl', 'cryptcat', 'pwncat', 'pwncat-cs', 'rcat', 'rustcat', 'powercat'];
/** Groups whose members are root in all but name (sudo rights, the root group, raw disks, shadow, the LXD socket). */
export const PRIVILEGED_GROUPS = /^(?:root|sudo|wheel|admin|adm|shadow|disk|lxd|sudoers)$/;
