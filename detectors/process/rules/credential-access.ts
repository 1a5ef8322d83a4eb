/**
 * Credential access (T1552, T1003), reported as data exfiltration: secrets read by any program, hunted for across
 * the filesystem, pulled from the Kubernetes or cloud metadata APIs, dumped from memory, cracked, or staged in a
 * temporary file for the trip out.
 */
import { EDITORS, excerpt, isAuthenticationValue, isDisguisedDrop, isTempPath, remoteCopyHost, SECRET_FILE, SENSITIVE_FILE, TEMP_PATHS, urlsIn } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf, type Invocation } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { writesTo } from './rule.js';

const CREDENTIAL_WORD = /password|passwd|secret[_-]?key|api[_-]?key|access[_-]?key|aws_secret|BEGIN [A-Z ]*PRIVATE|PRIVATE KEY|\bAKIA|\btoken\b/i;
const CREDENTIAL_FILE_NAME = /^['"]?\*?(?:credentials(?:\.db|\.json)?|access_tokens\.db|id_(?:rsa|dsa|ecdsa|ed25519)|\*?\.pem|\*?\.key|\.git-credentials|\.netrc|wallet\.dat|shadow|kubeconfig|\*?\.kdbx|\.pgpass|\.vault-token|\.env|wp-config\.php|terraform\.tfstate|\.htpasswd|authorized_keys2?|msal_token_cache\.json|accessTokens\.json|\.gnupg|\.bash_history|\*history)['"]?$/i;
/**
 * Programs that name a key or the account databases without printing them: they authenticate with a key (`ssh -i`),
 * change its mode or owner, list it, delete it, or manage accounts the sanctioned way.
 */
const KEY_USERS = new Set([
  'ssh', 'scp', 'sftp', 'sshfs', 'ssh-add', 'ssh-keygen', 'ssh-copy-id', 'sshpass', 'autossh', 'mosh', 'rsync', 'chmod', 'chown', 'chgrp', 'ls', 'stat', 'test', '[',
  'rm', 'shred', 'touch', 'mkdir', 'getfacl', 'lsattr', 'vipw', 'vigr', 'pwck', 'grpck', 'passwd', 'chpasswd', 'usermod', 'useradd', 'openssl', 'certbot',
  'kubectl', 'helm', 'k3s', 'aws', 'gcloud', 'az', 'vault', 'terraform', 'ansible', 'ansible-playbook', 'gpg', 'age', 'sops', 'install', 'sshd', 'nginx', 'haproxy',
  'caddy', 'docker', 'podman', 'keychain', 'eval', 'restorecon', 'setfacl', 'chattr', 'echo', 'mount', 'umount', 'systemctl', 'export', 'unset',
]);
/** Where a credential hunt starts: the whole filesystem, all homes, a system tree (not a project directory). */
const SEARCH_ROOT = /^(?:\/+|~\/?|\$HOME\/?|\/(?:home|root|etc|var|opt|srv|mnt|usr|data)(?:\/[^/\s.][^/\s]*)?\/?)$/;
const CREDENTIAL_PLACE = /\/\.(?:ssh|aws|azure|kube|docker|gnupg|oci|config\/gcloud)\b|\/run\/secrets|\/var\/lib\/rancher/;
/** Files whose copy in a temporary directory is loot: secrets and the account databases (not kubeconfigs admins copy about). */
const STAGED_LOOT = new RegExp(`${SECRET_FILE.source}|/etc/(?:passwd|group|sudoers)\\b`);
/** Shell history files: what users typed, passwords given on command lines included. */
const HISTORY_FILE = /(?:^|\/)\.(?:bash_|zsh_|sh_|mysql_|psql_|python_|node_|lesshst|history)(?:history)?$|\/\.zhistory$|_history$/;

/**
 * `cat /etc/shadow`, `base64 /etc/shadow`, `diff --line-format=%L /dev/null /etc/shadow`, `lwp-download file:///etc/shadow`,
 * `python -c 'print(open("/etc/shadow").read())'`, `getent shadow`: a secret read by whatever program is at hand
 * (GTFOBins lists over two hundred that can). Using a key (`ssh -i`) or changing its mode is not reading it out.
 */
const credentialRead: Rule = {
  name: 'credential-file-read',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1552.001', 'T1552.004', 'T1003.008', 'T1552.007'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const file = readSecret(inv);
      if (file !== undefined) return { reader: inv.program, file };
    }
    // A command-valued variable that reads one (`sudo LESSOPEN='echo /etc/shadow # %s' less /etc/hosts`).
    const hooked = s.invocations.flatMap((inv) => inv.env).find((e) => /^(?:LESS(?:OPEN|CLOSE)|\w*PAGER|\w*EDITOR|VISUAL|\w*_(?:CMD|COMMAND))=/.test(e) && SECRET_FILE.test(e));
    if (hooked !== undefined) return { reader: hooked.slice(0, hooked.indexOf('=')), file: SECRET_FILE.exec(hooked)?.[0] ?? '' };
    // A kubeconfig or the account list handed to a program as an option's value it reads from (`ss -F /etc/passwd`,
    // `nmap -iL k3s.yaml`, `dmesg -F`): GTFOBins' file-read through options; kubeconfig options authenticate instead.
    for (const inv of s.invocations) {
      if (KEY_USERS.has(inv.program) || EDITORS.test(inv.program) || /^(?:visudo|sudoedit|k9s|kubectx|kubens|flux|argocd|kustomize|k3d|kind|cat|less|more|head|tail|cp|mv)$/.test(inv.program)) continue;
      // An option with its own value attached (`base64 -w0 FILE`) does not take the path.
      const file = inv.args.find((a, i) => /^-[\w-]+$/.test(inv.args[i - 1] ?? '') && !/^-[a-zA-Z]\d+$/.test(inv.args[i - 1] ?? '') && !isAuthenticationValue(inv.args, i) && /^@?[/~]\S*$/.test(a) && SENSITIVE_FILE.test(a));
      if (file !== undefined) return { reader: inv.program, file, option: inv.args[inv.args.indexOf(file) - 1] };
    }
    // `xargs -0 -L1 -a /proc/1/environ`: xargs reads its argument file (it is a launcher, so its words are read).
    const argFile = s.invocations.flatMap((inv) => inv.command.argv).find((w, i, all) => /^(?:-a|--arg-file)$/.test(all[i - 1] ?? '') && all.slice(0, i).some((x) => baseName(x) === 'xargs') && SECRET_FILE.test(w));
    if (argFile !== undefined) return { reader: 'xargs', file: argFile };
    const getent = invocationsOf(s, 'getent').find((inv) => /^g?shadow$/.test(inv.args[0] ?? ''));
    return getent ? { reader: 'getent', file: getent.args[0] } : undefined;
  },
};

/** The secret an invocation reads: an operand, an option value, `file://` URL or input redirection, or a path in its code. */
function readSecret(inv: Invocation): string | undefined {
  const input = inv.command.redirects.find((r) => r.op === '<' && SECRET_FILE.test(r.target))?.target;
  if (input !== undefined) return input;
  // `kubectl exec pod -- cat .../token`, `docker exec c -- cat /etc/shadow`: the command after `--` reads it.
  const nested = inv.args.indexOf('--');
  if (nested >= 0 && nested < inv.args.length - 1 && /^(?:kubectl|k3s|docker|podman|nerdctl|crictl|oc)$/.test(inv.program)) return readArguments(baseName(inv.args[nested + 1]), inv.args.slice(nested + 2));
  return readArguments(inv.program, inv.args);
}

const ACCOUNT_DATABASE = /\/etc\/(?:g?shadow|master\.passwd|security\/opasswd)\b/;

function readArguments(program: string, args: readonly string[]): string | undefined {
  // `docker cp /etc/shadow c:/x` copies the file out of the host; `file /etc/shadow` only reads its magic (`-f`/`-m` read it all).
  // A key user (ssh, openssl) given an account database reads it all the same (`openssl enc -in /etc/shadow`, `ssh -F /etc/shadow`).
  const reads = (program === 'docker' || program === 'podman' || program === 'kubectl') ? args[0] === 'cp' : program === 'file' ? args.some((a) => /^-[a-zA-Z]*[fm]$/.test(a)) : !KEY_USERS.has(program) || args.some((a) => ACCOUNT_DATABASE.test(a));
  if (!reads || program === '') return undefined;
  // `kubectl cp ns/pod:/workspace/.env ./x`: a credential file by its name copied out of a container (Falco's
  // "Exfiltrating Artifacts via Kubernetes Control Plane").
  const fromContainer = program !== 'file' && args[0] === 'cp' ? args.slice(1).find((a) => /^[\w./-]+:\//.test(a) && CREDENTIAL_FILE_NAME.test(baseName(a))) : undefined;
  if (fromContainer !== undefined) return fromContainer;
  // `etcdctl --key /etc/kubernetes/pki/etcd/server.key`, `ssh -i key`: the key authenticates the tool, it is not read out.
  // An account database is never a key or a certificate, whatever option names it (`msgfilter -i /etc/shadow`).
  // `-E` names curl's client certificate; elsewhere it is an ordinary option (`gcc -x c -E /root/.ssh/id_rsa` preprocesses the key).
  const authenticates = (i: number): boolean => isAuthenticationValue(args, i) && (args[i - 1] !== '-E' || program === 'curl');
  const secret = args.find((a, i) => SECRET_FILE.test(a) && (ACCOUNT_DATABASE.test(a) || !authenticates(i)) && !usedInsideScript(a));
  // Editing one's own cloud credentials is configuration; an editor opening /etc/shadow is reading it, and so is ed,
  // the line editor GTFOBins prints files with (`ed key` then `,p`).
  if (secret === undefined || (EDITORS.test(program) && program !== 'ed' && /^(?:~|\$HOME|\/home\/|\/root\/)/.test(secret))) return undefined;
  return /^[/~$]/.test(secret) ? secret : secret.replace(/^.*?(?=\/)/, '');
}

/** A script argument that hands the secret to a key user (`expect -c 'spawn ssh-add ~/.ssh/id_rsa'`) rather than reading it. */
function usedInsideScript(arg: string): boolean {
  if (!/\s/.test(arg)) return false;
  const before = arg.slice(0, arg.search(SECRET_FILE)).trim().split(/[\s;(]+/);
  const word = before[before.length - 1] ?? '';
  return KEY_USERS.has(baseName(word)) || /^-[a-zA-Z]*i$/.test(word) || KEY_USERS.has(baseName(before[before.length - 2] ?? ''));
}

/** `grep -ri password /`, `find / -name id_rsa`, `grep -e pass ~/.bash_history`: hunting for credentials. */
/** Directories of the node's own credentials, searched whole (`grep -ri password /etc/rancher`). */
const CREDENTIAL_DIRECTORY = /^\/(?:etc\/(?:rancher|kubernetes|ssl|ssh|pki)|var\/lib\/(?:rancher|kubelet)|home\/[^/\s]+\/\.\w+)\/?$/;

const credentialSearch: Rule = {
  name: 'credential-search',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1552.001', 'T1552.003', 'T1552.004'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'grep', 'egrep', 'rg', 'ag', 'ack')) {
      const recursive = !/^e?grep$/.test(inv.program) || inv.args.some((a) => /^-[a-zA-Z]*[rR]/.test(a) || a === '--recursive');
      const word = inv.args.find((a) => !a.startsWith('-') && CREDENTIAL_WORD.test(a));
      // Whole filesystems and homes, not one config file (`grep -rn password /etc/grafana/grafana.ini`).
      const roots = inv.args.filter((a) => /^(?:\/[^/\s]*|~[^/\s]*|\/\/[^/\s]*|\/home\/[^/\s]+|\/root)\/?$/.test(a) || CREDENTIAL_DIRECTORY.test(a) || SEARCH_ROOT.test(a));
      if (recursive && word !== undefined && roots.length > 0) return { search: word, in: roots.join(' ') };
    }
    // `strings /tmp/heap.bin | grep -i pass`: a memory or binary dump combed for passwords (Atomic's T1003.007).
    const dump = invocationsOf(s, 'strings', 'xxd', 'hexdump', 'od')[0];
    const combed = dump && invocationsOf(s, 'grep', 'egrep').some((inv) => inv.command.pipedFrom && inv.args.some((a) => !a.startsWith('-') && (CREDENTIAL_WORD.test(a) || /^["']?pass(?:w(?:or)?d)?["']?$/i.test(a))));
    if (combed) return { search: 'password in a dump', in: dump.args.find((a) => !a.startsWith('-')) ?? '' };
    // `find /opt -type f -exec grep -i -I PASSWORD {} /dev/null \;`: find walks the tree, grep hunts in each file.
    const walked = invocationsOf(s, 'find').find((inv) => inv.args.includes('-exec') && /^e?grep$/.test(baseName(inv.args[inv.args.indexOf('-exec') + 1] ?? '')) && inv.args.slice(inv.args.indexOf('-exec')).some((a) => CREDENTIAL_WORD.test(a)));
    if (walked) return { search: walked.args.slice(walked.args.indexOf('-exec')).find((a) => CREDENTIAL_WORD.test(a))!, in: walked.args[0] ?? '.' };
    for (const inv of invocationsOf(s, 'find', 'locate', 'mlocate', 'plocate')) {
      // locate matches any part of a path, so a credential word is a search too (`locate password | more`).
      const name = inv.args.find((a, i) => (CREDENTIAL_FILE_NAME.test(a) || (inv.program !== 'find' && !a.startsWith('-') && CREDENTIAL_WORD.test(a))) && (inv.program !== 'find' || /^-i?(?:name|path|wholename)$/.test(inv.args[i - 1] ?? '')));
      // A search of the current project (`find . -name '*.pem'`) is housekeeping; of the filesystem or a home, a hunt.
      const root = inv.args[0] ?? '';
      if (name !== undefined && (inv.program !== 'find' || SEARCH_ROOT.test(root) || CREDENTIAL_PLACE.test(root))) return { search: name, in: root };
    }
    // Combing a history file for passwords (T1552.003), or reading another account's history.
    const history = s.invocations.map((inv) => inv.args.find((a) => HISTORY_FILE.test(a))).find((f) => f !== undefined);
    if (history !== undefined && (CREDENTIAL_WORD.test(s.text) || /\bpass\b|'-p '|"-p "/.test(s.text) || /^\/(?:root|home\/[^/]+)\//.test(history))) return { history };
    return undefined;
  },
};

const secretsApi: Rule = {
  name: 'kubernetes-secrets-dump',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1552.007'],
  match: (s): Evidence | undefined => {
    const url = urlsIn(s.text).find((u) => /\/api\/v1\/(?:namespaces\/[^/\s]+\/)?secrets\b/.test(u.url));
    if (url) return { url: url.url.slice(0, 160) };
    // Every secret of every namespace with its values (`-o yaml`), not one secret an install guide decodes.
    const dump = invocationsOf(s, 'kubectl', 'k3s', 'oc').find((inv) => inv.args.some((a) => /^secrets?$/.test(a)) && inv.args.some((a) => a === '-A' || a === '--all-namespaces') && inv.args.some((a) => /^-o(?:=?(?:yaml|json|jsonpath.*|go-template.*))?$|^--output/.test(a)));
    return dump ? { command: `${dump.program} ${dump.args.join(' ')}`.slice(0, 160) } : undefined;
  },
};

/** Instance metadata services: AWS (IPv4, IPv6, ECS task role), GCP, Azure's is AWS's address, Alibaba. */
const METADATA_HOST = /^(?:169\.254\.169\.254|metadata\.google\.internal|100\.100\.100\.200|\[fd00:ec2::254\]|169\.254\.170\.2)$/;
/** Cloud instance metadata credential endpoints: the node's cloud identity, one request away. */
const cloudMetadataCredentials: Rule = {
  name: 'cloud-metadata-credentials',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1552.005'],
  match: (s) => {
    const url = urlsIn(s.text).find((u) => METADATA_HOST.test(u.host) && /security-credentials|iam\/|service-accounts\/|identity|oauth2\/token|ram\/security|\/v2\/credentials|user-data/.test(u.url));
    return url ? { url: url.url.slice(0, 160) } : undefined;
  },
};

/** `john --wordlist=... hashes`, `hashcat -m 1800 ...`, `unshadow`: stolen password hashes being cracked. */
const passwordCracking: Rule = {
  name: 'password-cracking',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1110.002'],
  match: (s) => {
    const inv = invocationsOf(s, 'john', 'hashcat').find((i) => i.args.some((a) => /^--(?:wordlist|format|show|incremental)|^-[ma]$/.test(a))) ?? invocationsOf(s, 'unshadow')[0];
    return inv ? { tool: inv.program, arguments: inv.args.join(' ').slice(0, 160) } : undefined;
  },
};

/**
 * Single-purpose credential stealers and memory dumps of other processes: mimipenguin, LaZagne, truffleHog and
 * gitleaks over a host, `gcore` of a running process, gdb's `dump memory`.
 */
const credentialDumping: Rule = {
  name: 'credential-dumping-tool',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1003.007', 'T1555', 'T1552.001'],
  match: (s): Evidence | undefined => {
    const tool = s.invocations.find((inv) => /^(?:mimipenguin(?:\.sh|\.py)?|lazagne(?:\.py)?|trufflehog|gitleaks|linikatz(?:\.sh)?|3snake|swap_digger(?:\.sh)?)$/i.test(inv.program) || inv.args.slice(0, 1).some((a) => /(?:^|\/)(?:mimipenguin|lazagne|linikatz)\.(?:sh|py)$/i.test(a)));
    if (tool) return { tool: tool.program === 'bash' || tool.program === 'sh' || /^python/.test(tool.program) ? baseName(tool.args[0]) : tool.program };
    const dump = invocationsOf(s, 'gcore').find((inv) => inv.args.length > 0) ?? invocationsOf(s, 'gdb').find((inv) => /dump\s+(?:memory|binary)|generate-core-file|gcore/.test(inv.args.join(' ')));
    return dump ? { tool: dump.program, arguments: dump.args.join(' ').slice(0, 120) } : undefined;
  },
};

/**
 * `cat /etc/passwd > /tmp/x`, `cp /etc/shadow /tmp/`, `python -c "...open('/etc/passwd')...GzipFile('/tmp/passwd.gz'..."`:
 * an account database or secret copied into a temporary file, staged for the trip out.
 */
const sensitiveFileStaged: Rule = {
  name: 'sensitive-file-staged',
  category: 'data_exfiltration',
  severity: 'high',
  techniques: ['T1074.001', 'T1003.008', 'T1560'],
  match: (s): Evidence | undefined => {
    // A key being generated (`openssl req -keyout /etc/ssl/private/x.key -out /tmp/x.csr`) is written, not collected.
    const file = excerpt(s.text, STAGED_LOOT);
    if (file === undefined || writesTo(s, STAGED_LOOT) !== undefined) return undefined;
    const staged = writesTo(s, /^(?:\/var)?\/tmp\/|^\/dev\/shm\//) ?? (/\b(?:open|Gzip|ZipFile|tarfile|bz2)\b/.test(s.text) ? tempPathInCode(s.text, file) : undefined);
    return staged ? { file, ...staged } : undefined;
  },
};

/** A temporary path in interpreter code that also names the sensitive file (the archive it is written to). */
/**
 * `tar -czf /tmp/.d/data.tar.gz /home/alice`, `zip -r /dev/shm/.x.zip ~/.ssh`, `tarfile.open('/tmp/.kc.tar.gz','w')`:
 * files archived into a hidden drop location, collected for the trip out (T1074.001, T1560.001). Backups go to named
 * places; an archive under a dot-name in /tmp is hidden on purpose.
 */
const archiveStagedHidden: Rule = {
  name: 'archive-staged-in-hidden-drop',
  category: 'data_exfiltration',
  severity: 'medium',
  techniques: ['T1074.001', 'T1560.001'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const archive = archiveWritten(inv);
      if (archive !== undefined && isDisguisedDrop(archive)) return { archiver: inv.program, archive };
    }
    const code = /\b(?:tarfile|ZipFile|zipfile|shutil\.make_archive|Archive::Tar|gzip\.open)\b/.test(s.text) ? [...s.text.matchAll(TEMP_PATHS)].map((m) => m[0]).find(isDisguisedDrop) : undefined;
    return code === undefined ? undefined : { archiver: 'inline code', archive: code };
  },
};

/** The archive a tar, zip, 7z or rar invocation creates, when it creates one. */
function archiveWritten(inv: Invocation): string | undefined {
  const args = inv.args;
  if (inv.program === 'tar' && args.some((a, i) => /^-?[a-zA-Z]*c/.test(a) && (i === 0 || a.startsWith('-')) || a === '--create')) {
    const bundle = args.findIndex((a, i) => (i === 0 || a.startsWith('-')) && /^-?[a-zA-Z]*f$/.test(a) && !a.startsWith('--'));
    return bundle >= 0 ? args[bundle + 1] : args.find((a) => a.startsWith('--file='))?.slice('--file='.length);
  }
  if (inv.program === 'zip') return args.find((a) => !a.startsWith('-'));
  if (/^(?:7z|7za|7zr|rar)$/.test(inv.program) && args[0] === 'a') return args.slice(1).find((a) => !a.startsWith('-'));
  return undefined;
}

function tempPathInCode(text: string, file: string): Evidence | undefined {
  const temp = [...text.matchAll(TEMP_PATHS)].map((m) => m[0]).find((p) => isTempPath(p) && !p.includes(file));
  return temp === undefined ? undefined : { writes: temp };
}

/**
 * Keystrokes and commands captured (T1056.001): `PROMPT_COMMAND` or a `DEBUG` trap copying each command somewhere,
 * `pam_tty_audit` told to log passwords; and the screen or clipboard read (T1113, T1115).
 */
const inputCapture: Rule = {
  name: 'input-or-screen-capture',
  category: 'data_exfiltration',
  severity: 'medium',
  techniques: ['T1056.001', 'T1113', 'T1115'],
  match: (s): Evidence | undefined => {
    const capture = excerpt(s.text, /\bPROMPT_COMMAND=["']?[^"']*(?:logger|curl|wget|\bnc\b|>\(|>>?\s*\/)|\btrap\s+["'][^"']*(?:\$BASH_COMMAND|history)[^"']*>[^"']*["']\s+DEBUG\b|pam_tty_audit\S*\s[^"']*log_passw|\bPS[24]=`?\$?\(?logger\b/);
    if (capture !== undefined) return { capture: capture.slice(0, 120) };
    const screen = s.invocations.find((inv) => (inv.program === 'xwd' && inv.args.includes('-root')) || (inv.program === 'import' && inv.args.includes('-window') && inv.args.includes('root')) || /^(?:scrot|gnome-screenshot|xfce4-screenshooter|grim|maim)$/.test(inv.program) || (inv.program === 'ffmpeg' && inv.args.includes('x11grab')) || (/^(?:xclip|xsel)$/.test(inv.program) && inv.args.some((a) => /^-o$|^--output$/.test(a))));
    return screen ? { tool: screen.program, arguments: screen.args.join(' ').slice(0, 80) } : undefined;
  },
};

const NOT_READING_HISTORY = /^(?:ls|stat|file|chmod|chown|chattr|lsattr|rm|shred|unlink|truncate|ln|touch|wc|export|unset|set|history|mv|test|\[)$/;

/**
 * `cat ~/.bash_history`, `tail -n 50 ~/.zsh_history`: typed commands read back, passwords on command lines included
 * (low: also a user looking back). A user searching their own history for a command (`cat ~/.bash_history | grep helm`)
 * is not reported; a search for credential words, or another account's history, is.
 */
const historyRead: Rule = {
  name: 'shell-history-read',
  category: 'data_exfiltration',
  severity: 'low',
  techniques: ['T1552.003'],
  match: (s) => {
    // Any program given the file reads it (`logger -f ~/.sh_history` sends it to syslog), except those that only look at
    // its metadata or remove it (removal is log tampering).
    const inv = s.invocations.find((i) => !NOT_READING_HISTORY.test(i.program) && (i.args.some((a) => HISTORY_FILE.test(a)) || i.command.redirects.some((r) => r.op === '<' && HISTORY_FILE.test(r.target))));
    const file = inv?.args.find((a) => HISTORY_FILE.test(a)) ?? '';
    const own = /^(?:~\/|\$HOME\/|\$\{HOME\}\/|\.[\w]*history$)/.test(file);
    const patterns = invocationsOf(s, 'grep', 'egrep').flatMap((g) => g.args.filter((a) => !a.startsWith('-') && !HISTORY_FILE.test(a)));
    const looksUpCommand = own && patterns.length > 0 && !patterns.some((p) => CREDENTIAL_WORD.test(p) || /\bpass|-p\b|key|cred/i.test(p));
    return inv && !looksUpCommand ? { reader: inv.program, file } : undefined;
  },
};

/**
 * `auditctl -a always,exit -F arch=b64 -S execve -k CMDS`: every command line on the host recorded, passwords typed as
 * arguments included (Atomic's auditd keylogger, T1056.001). Audit policies narrow execve rules to a user, an owner or
 * a program (`-F euid=0`, `-F exe=`); low, since compliance baselines set some of these too.
 */
const everyCommandAudited: Rule = {
  name: 'every-command-audited',
  category: 'data_exfiltration',
  severity: 'low',
  techniques: ['T1056.001'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'auditctl').find((i) => i.args.some((a, j) => /^-S$/.test(i.args[j - 1] ?? '') && /\bexecve\b/.test(a)) && !i.args.some((a) => /^(?:e?uid|auid|exe|path|dir|gid|egid)[!<>=]/.test(a)));
    return inv ? { rule: inv.args.join(' ').slice(0, 120) } : undefined;
  },
};

/**
 * `curl -X PUT http://169.254.169.254/latest/api/token`: an IMDSv2 session token asked for with nothing read under it
 * on the line, the first step to the node role's credentials (T1552.005). Low: scripts that then read the instance type
 * ask the same way.
 */
const metadataToken: Rule = {
  name: 'cloud-metadata-token',
  category: 'data_exfiltration',
  severity: 'low',
  techniques: ['T1552.005'],
  match: (s): Evidence | undefined => {
    const urls = urlsIn(s.text).filter((u) => METADATA_HOST.test(u.host));
    const token = urls.find((u) => /\/latest\/api\/token\b/.test(u.url));
    return token && urls.every((u) => u === token || !/meta-data|dynamic/.test(u.url)) ? { url: token.url.slice(0, 120) } : undefined;
  },
};

/** Programs that use or handle a kubeconfig or a join token in the everyday course: clients, copiers, viewers, editors. */
const KUBECONFIG_HANDLERS = /^(?:kubectl|k3s|kubeadm|helm|k9s|kubectx|kubens|kubecolor|kubie|flux|argocd|kustomize|k3d|kind|kubeconform|cat|less|more|head|tail|grep|egrep|sed|awk|cut|yq|jq|base64|diff|cp|mv|scp|rsync|install|ln|tar|zip|chmod|chown|chgrp|ls|stat|rm|test|\[|touch|sha256sum|md5sum|echo|printf|export|source|\.|ssh|tee|wc|file|openssl|code|cursor)$/;
const KUBECONFIG_OR_TOKEN = /(?:^|\/)(?:\.kube\/config|k3s\.yaml|admin\.conf|server\/(?:node-)?token)$/;
/**
 * `rev /var/lib/rancher/k3s/server/token | rev`, `genisoimage -o - ~/.kube/config`, `redcarpet k3s.yaml`: the cluster's
 * admin credentials handed, as a file to read, to a program that has no business with them (GTFOBins' file-read through
 * setuid copies and sudo rules). Low: the line shows the read, not where the bytes go.
 */
const kubeconfigOddReader: Rule = {
  name: 'kubeconfig-read-by-unrelated-program',
  category: 'data_exfiltration',
  severity: 'low',
  techniques: ['T1552.001'],
  match: (s): Evidence | undefined => {
    // A kubeconfig copied from a node (`./scp.sh root@h:/etc/rancher/k3s/k3s.yaml ~/.kube/config`) is the K3s docs' advice.
    if (s.invocations.some((inv) => inv.args.some((a) => remoteCopyHost(a) !== undefined && KUBECONFIG_OR_TOKEN.test(a)))) return undefined;
    for (const inv of s.invocations) {
      // diff against /dev/null prints the file whole (GTFOBins diff).
      const handles = KUBECONFIG_HANDLERS.test(inv.program) && !(inv.program === 'diff' && inv.args.includes('/dev/null'));
      if (inv.program === '' || handles || EDITORS.test(inv.program)) continue;
      const file = inv.args.find((a, i) => KUBECONFIG_OR_TOKEN.test(a) && (!/^-./.test(inv.args[i - 1] ?? '') || /^-[a-zA-Z]+\d+$/.test(inv.args[i - 1] ?? '')));
      if (file !== undefined) return { reader: inv.program, file };
    }
    return undefined;
  },
};

export const CREDENTIAL_ACCESS_RULES: readonly Rule[] = [
  historyRead, inputCapture, everyCommandAudited, metadataToken, kubeconfigOddReader,
  passwordCracking, cloudMetadataCredentials, credentialDumping, sensitiveFileStaged, archiveStagedHidden, credentialRead, credentialSearch, secretsApi,
];
