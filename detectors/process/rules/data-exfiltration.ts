/** Data exfiltration and credential access: secrets read, searched for, archived or sent off the machine. */
import { excerpt, isIpLiteral, isLoopback, isTempPath, SECRET_FILE, SENSITIVE_FILE, urlsIn } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf, type Subject } from '../subject.js';
import { networkRelays } from './reverse-shell.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';

/** Anything that can carry bytes off the machine. */
const NETWORK_CHANNEL = /\/dev\/(?:tcp|udp)\/|\bztcp\b|socket\.|fsockopen|IO::Socket|TCPSocket|java\.net\.Socket|urlopen|urllib|requests\.(?:post|put)|http\.client|LWP::|Net::HTTP|\b(?:curl|wget|nc|ncat|netcat|socat|s_client|whois|hping3?|nping|ftp|tftp|sendmail|smbclient)\b/;
/** Programs that print or copy a file's content. */
const READERS = new Set(['cat', 'head', 'tail', 'less', 'more', 'base64', 'base32', 'xxd', 'hexdump', 'od', 'strings', 'dd', 'cp', 'tac', 'nl', 'gzip', 'zip', 'sqlite3', 'grep', 'egrep', 'awk', 'cut', 'unshadow', 'john', 'hashcat']);
const CREDENTIAL_WORD = /password|passwd|secret[_-]?key|api[_-]?key|access[_-]?key|aws_secret|BEGIN [A-Z ]*PRIVATE|PRIVATE KEY|\bAKIA/i;
/** Services where anyone can drop a file and fetch it later. */
const FILE_DROP_HOST = /(?:^|\.)(?:transfer\.sh|file\.io|0x0\.st|termbin\.com|pastebin\.com|paste\.ee|anonfiles\.com|gofile\.io|webhook\.site|requestbin\.net|pipedream\.net|ngrok(?:-free)?\.(?:io|app)|temp\.sh|bashupload\.com|oshi\.at)$/;
/** Credential directories whose archive is the whole haul. */
const CREDENTIAL_DIR = /(?:^|\/)\.(?:ssh|aws|kube|gnupg|docker)(?:\/|$)|\/etc\/kubernetes\/pki|\/var\/lib\/rancher\/k3s\/server\/tls|\/var\/run\/secrets/;
const CREDENTIAL_FILE_NAME = /^['"]?\*?(?:credentials(?:\.db|\.json)?|access_tokens\.db|id_(?:rsa|dsa|ecdsa|ed25519)|\*?\.pem|\*?\.key|\.git-credentials|\.netrc|wallet\.dat|shadow|kubeconfig|\*?\.kdbx|\.pgpass|\.vault-token|\.env|wp-config\.php|terraform\.tfstate)['"]?$/i;
/** Directories whose archive is a haul of secrets. */
const SENSITIVE_DIR = /(?:^|[\s'"(=])(?:\/etc|\/root|\/home)(?=[/\s'")]|$)|\.ssh\b|\/var\/lib\/rancher\/k3s\/server|\/etc\/kubernetes|\/var\/lib\/etcd|\/var\/run\/secrets/;

/**
 * curl `-d @file`, `-F f=@file`, `-T file`; wget `--post-file`; ab `-p file`: a local file uploaded to another host,
 * when the file is sensitive or in a temporary directory, or the host is a bare IP or a public drop box.
 * (Posting `@alert.json` to an in-cluster API or a backup to the NAS is ordinary.)
 */
const httpUpload: Rule = {
  name: 'http-file-upload',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'curl', 'wget', 'ab', 'http', 'https')) {
      const file = uploadedFile(inv.program, inv.args);
      const remote = urlsIn(inv.args.join(' ')).find((u) => !isLoopback(u.host));
      if (file === undefined || !remote) continue;
      const loot = SENSITIVE_FILE.test(file) || isTempPath(file) || isIpLiteral(remote.host) || FILE_DROP_HOST.test(remote.host);
      if (loot) return { file, destination: remote.url.slice(0, 160) };
    }
    return undefined;
  },
};

const sensitiveFileSent: Rule = {
  name: 'credential-file-over-network',
  category: 'data_exfiltration',
  severity: 'critical',
  match: (s): Evidence | undefined => {
    const file = excerpt(s.text, SENSITIVE_FILE);
    const channel = excerpt(s.text, NETWORK_CHANNEL, 40);
    if (file !== undefined && channel !== undefined) return { file, channel };
    // Copying a kubeconfig to a laptop with scp is the K3s docs' advice; copying a password hash or key off is not.
    // The key given to `scp -i` or `rsync -e 'ssh -i ...'` authenticates the copy; it is not what is copied.
    for (const inv of invocationsOf(s, 'scp', 'rsync', 'sftp')) {
      const copied = inv.args.filter((a, i) => !/^-[ieoFP]$/.test(inv.args[i - 1] ?? '') && !a.startsWith('-')).find((a) => SECRET_FILE.test(a));
      if (copied !== undefined) return { file: copied, channel: inv.program };
    }
    return undefined;
  },
};

/** `cat /etc/shadow`, `kubectl exec pod -- cat .../serviceaccount/token`, `dd if=/proc/PID/mem`. */
const credentialRead: Rule = {
  name: 'credential-file-read',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const argv = inv.command.argv;
      const reader = argv.findIndex((a) => READERS.has(baseName(a)));
      if (reader < 0) continue;
      const file = argv.slice(reader + 1).find((a) => SECRET_FILE.test(a)) ?? inv.command.redirects.find((r) => r.op === '<' && SECRET_FILE.test(r.target))?.target;
      if (file !== undefined) return { reader: baseName(argv[reader]), file };
    }
    return undefined;
  },
};

/** `grep -ri password /`, `find / -name id_rsa`: hunting for credentials across the filesystem. */
const credentialSearch: Rule = {
  name: 'credential-search',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'grep', 'egrep', 'rg', 'ag')) {
      const recursive = inv.program !== 'grep' && inv.program !== 'egrep' ? true : inv.args.some((a) => /^-[a-zA-Z]*[rR]/.test(a) || a === '--recursive');
      const word = inv.args.find((a) => !a.startsWith('-') && CREDENTIAL_WORD.test(a));
      // Whole filesystems and homes, not one config file (`grep -rn password /etc/grafana/grafana.ini`).
      const roots = inv.args.filter((a) => /^(?:\/[^/\s]*|~[^/\s]*)\/?$/.test(a));
      if (recursive && word !== undefined && roots.length > 0) return { search: word, in: roots.join(' ') };
    }
    for (const inv of invocationsOf(s, 'find', 'locate')) {
      const name = inv.args.find((a, i) => CREDENTIAL_FILE_NAME.test(a) && (inv.program === 'locate' || /^-i?(?:name|path|wholename)$/.test(inv.args[i - 1] ?? '')));
      // A search of the current project (`find . -name '*.pem'`) is housekeeping; of the filesystem or a home, a hunt.
      const root = inv.args[0] ?? '';
      if (name !== undefined && /^[/~]/.test(root)) return { search: name, in: root };
    }
    return undefined;
  },
};

const secretsApi: Rule = {
  name: 'kubernetes-secrets-api-read',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const url = urlsIn(s.text).find((u) => /\/api\/v1\/(?:namespaces\/[^/\s]+\/)?secrets\b/.test(u.url));
    return url ? { url: url.url.slice(0, 160) } : undefined;
  },
};

/** `tar -cf - /etc`, `ssh h "(cd /etc && tar -zcvf - *)"`, `zip -r x.zip ~/.ssh`: secrets archived to a stream or staged. */
const archiveToStream: Rule = {
  name: 'sensitive-archive-to-stream',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const archive = excerpt(s.text, /\btar\s+(?:--?[\w=-]+\s+)*-?[A-Za-z]*c[A-Za-z]*f\s+-(?=[\s)]|$)/);
    const dir = excerpt(s.text, SENSITIVE_DIR);
    if (archive !== undefined && dir !== undefined) return { archive, source: dir.trim() };
    const staged = invocationsOf(s, 'tar', 'zip', '7z', '7za', 'rar').find((inv) => inv.args.some((a) => CREDENTIAL_DIR.test(a)));
    return staged ? { archive: staged.program, source: staged.args.find((a) => CREDENTIAL_DIR.test(a)) ?? '' } : undefined;
  },
};

/** A web server rooted at `/`, or the API server proxied to every interface. */
const rootFilesystemServed: Rule = {
  name: 'filesystem-served-over-http',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const text = ` ${inv.args.join(' ')} `;
      const isServer = inv.program === 'httpd' || /http\.server|SimpleHTTPServer/.test(text) || (inv.program === 'php' && text.includes(' -S ')) || (inv.program === 'kubectl' && inv.args[0] === 'proxy');
      if (!isServer) continue;
      const root = excerpt(text, /\s(?:-h|-d|-t|--www|--directory)[=\s]+\/(?=\s)/) ?? excerpt(text, /\s--address[=\s]+0\.0\.0\.0(?=\s)/);
      if (root !== undefined) return { server: inv.program, option: root.trim() };
    }
    return undefined;
  },
};

/** `openssl enc -pass pass:...`, `zip -P`, `7z -p...`: data encrypted with a password on the command line before it leaves. */
const encryptWithInlinePassword: Rule = {
  name: 'encrypt-with-inline-password',
  category: 'data_exfiltration',
  severity: 'medium',
  match: (s): Evidence | undefined => {
    const openssl = invocationsOf(s, 'openssl').find((inv) => /^(?:enc|aes-\d+-\w+|des\w*)$/.test(inv.args[0] ?? '') && inv.args.some((a) => /^pass:/.test(a) || a === '-k'));
    if (openssl) return { tool: 'openssl', cipher: openssl.args.find((a) => /^-aes|^-des|^-chacha/.test(a)) ?? openssl.args[0] };
    const archiver = invocationsOf(s, 'zip', '7z', '7za').find((inv) => inv.args.some((a) => a === '-P' || /^-p\S+/.test(a)));
    return archiver ? { tool: archiver.program, option: 'password on command line' } : undefined;
  },
};

function uploadedFile(program: string, args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const [a, next] = [args[i], args[i + 1] ?? ''];
    if (program === 'curl' && /^(?:-d|--data|--data-binary|--data-raw|--data-urlencode|-F|--form)$/.test(a) && /(?:^|=)@[^\s]+/.test(next)) return next.replace(/^.*?@/, '');
    if (program === 'curl' && (a === '-T' || a === '--upload-file')) return next;
    if (program === 'wget' && /^--(?:post|body)-file(?:=|$)/.test(a)) return a.includes('=') ? a.slice(a.indexOf('=') + 1) : next;
    if (program === 'ab' && (a === '-p' || a === '-u')) return next;
    if (program.startsWith('http') && /^[\w-]+@[^\s]+$/.test(a)) return a.slice(a.indexOf('@') + 1);
  }
  return undefined;
}

/** Cloud instance metadata credential endpoints: the node's cloud identity, one request away. */
const cloudMetadataCredentials: Rule = {
  name: 'cloud-metadata-credentials',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s) => {
    const url = urlsIn(s.text).find((u) => /^(?:169\.254\.169\.254|metadata\.google\.internal|100\.100\.100\.200|\[fd00:ec2::254\])$/.test(u.host) && /security-credentials|service-accounts\/[^/]+\/token|identity|oauth2\/token|ram\/security/.test(u.url));
    return url ? { url: url.url.slice(0, 160) } : undefined;
  },
};

/** Data carried in DNS names (`dig $(base64 f).evil.com`) or ICMP padding (`ping -p <hex>`). */
const covertChannel: Rule = {
  name: 'dns-icmp-covert-channel',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s): Evidence | undefined => {
    const dns = excerpt(s.text, /\b(?:dig|nslookup|host|drill)\b[^|;]*(?:\$\(|`)[^)`]*\b(?:base64|base32|xxd|od|hexdump)\b/);
    if (dns !== undefined) return { dns };
    const ping = invocationsOf(s, 'ping', 'hping3', 'nping').find((inv) => inv.args.some((a, i) => /^-p$|^--data$|^-E$|^--file$/.test(inv.args[i - 1] ?? '') && /\$|^[0-9a-f]{8,}$/i.test(a)));
    return ping ? { icmp: `${ping.program} ${ping.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/** `nc host port < file`, `tar c dir | nc host port`: a file streamed to a raw socket. */
const fileToRawSocket: Rule = {
  name: 'file-streamed-to-socket',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s) => {
    for (const relay of networkRelays(s)) {
      const input = relay.command.redirects.find((r) => r.op === '<' && r.target && !isTempPath(r.target) && !r.target.startsWith('/dev/'))?.target ?? pipedArchive(s, relay.command.pipedFrom);
      const host = relay.args.find((a) => !a.startsWith('-') && !/^\d+$/.test(a));
      if (input !== undefined && host !== undefined && !isLoopback(host)) return { tool: relay.program, input, host };
    }
    return undefined;
  },
};

/** The reader or archiver feeding a pipe, when one does. */
function pipedArchive(s: Subject, pipedFrom: boolean): string | undefined {
  if (!pipedFrom) return undefined;
  const feeder = s.invocations.find((inv) => inv.command.pipesTo && /^(?:cat|tar|zip|gzip|base64|xxd|dd)$/.test(inv.program));
  return feeder ? `${feeder.program} ${feeder.args.join(' ')}`.slice(0, 120) : undefined;
}

/** `john --wordlist=... hashes`, `hashcat -m 1800 ...`: stolen password hashes being cracked. */
const passwordCracking: Rule = {
  name: 'password-cracking',
  category: 'data_exfiltration',
  severity: 'high',
  match: (s) => {
    const inv = invocationsOf(s, 'john', 'hashcat').find((i) => i.args.some((a) => /^--(?:wordlist|format|show|incremental)|^-[ma]$/.test(a)));
    return inv ? { tool: inv.program, arguments: inv.args.join(' ').slice(0, 160) } : undefined;
  },
};

export const DATA_EXFILTRATION_RULES: readonly Rule[] = [
  passwordCracking,
  cloudMetadataCredentials, covertChannel, fileToRawSocket,
  httpUpload, sensitiveFileSent, credentialRead, credentialSearch, secretsApi, archiveToStream, rootFilesystemServed, encryptWithInlinePassword,
];
