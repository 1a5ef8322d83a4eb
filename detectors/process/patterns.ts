/** Patterns several rules share: where attackers drop files, which files hold secrets, what a shell looks like. */
import { baseName } from './shell-parse.js';

/** An absolute path of an interactive shell (`/bin/sh`, `/usr/bin/bash`, ...). */
export const SHELL_PATH = /\/(?:usr\/)?(?:local\/)?s?bin\/(?:ba|da|z|k|a|mk|c|tc)?sh\b/;
/** Shell program names. */
export const SHELL_NAMES = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'csh', 'tcsh']);
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
  String.raw`/etc/g?shadow\b`, String.raw`serviceaccount/token`, String.raw`\.ssh/id_(?:rsa|dsa|ecdsa|ed25519)\b(?!\.pub)`, String.raw`\.aws/credentials`,
  String.raw`\.config/gcloud/(?:credentials|access_tokens|application_default)`, String.raw`/proc/(?:\d+|self|\*|\$\w+)/(?:mem|environ)\b`, String.raw`\.git-credentials`,
  String.raw`\.vault-token`, String.raw`/etc/ssl/private/`, String.raw`\bwallet\.dat\b`, String.raw`/dev/k?mem\b`,
].join('|'));
/**
 * Secrets plus the files administrators read routinely but must never send off the machine: kubeconfigs (the K3s
 * docs tell users to `cat` k3s.yaml), sudoers, registry credentials.
 */
export const SENSITIVE_FILE = new RegExp([
  SECRET_FILE.source, String.raw`/etc/passwd\b`, String.raw`/etc/sudoers\b`, String.raw`\.docker/config\.json`, String.raw`/etc/kubernetes/[\w.-]+\.conf`, String.raw`/etc/rancher/k3s/k3s\.yaml`, String.raw`\.kube/config\b`,
  String.raw`\.netrc\b`,
  String.raw`/var/lib/rancher/k3s/server/(?:tls|db|cred)`,
].join('|'));

/** A URL with its host. */
export const URL_PATTERN = /\b(?:https?|ftp):\/\/(\[[0-9a-f:]+\]|[^\s'"/:|;)]+)(?::(\d+))?[^\s'"|;)]*/gi;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.startsWith('[');
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
