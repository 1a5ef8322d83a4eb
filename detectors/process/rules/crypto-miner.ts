/**
 * Resource hijacking by crypto miners (T1496): pool protocols, miner-only options, pool + wallet + algorithm
 * arguments together, miner images and configurations, and the host tuning miners do (MSR writes).
 */
import { baseName } from '../shell-parse.js';
import { invocationsOf, type Invocation, type Subject } from '../subject.js';
import { allOf, decodedBlobs, excerpt, isDropperPath, isTempPath } from '../patterns.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';

/**
 * Mining protocols in a URL scheme, alone or with a transport (`stratum+tcp://`, `stratum1+ssl://`, `ethstratum://`,
 * `stratum2+tcp://`, `ethproxy+tcp://`, `nicehash+tcp://`), or written without the slashes.
 */
const STRATUM = /\b(?:(?:eth)?stratum\d*|ethproxy|nicehash)(?:\+(?:tcp|ssl|tls|udp|ws|wss))?:\/\/[^\s'"]*|\bstratum\d*\+(?:tcp|ssl|tls|udp)\b/i;
/** Options only XMRig (and its forks) have, in any spelling (`--donate-level 1`, `--donate-level=0`, `"donate-level": 0` in JSON). */
const XMRIG_ONLY_OPTION = /(?:^|\s)--(?:donate-level|donate-over-proxy)\b|["']donate-level["']\s*:/;
const MINER_OPTION = /(?:^|\s)--?(?:donate-level|rig-id|randomx-[\w-]+|cpu-priority|cpu-max-threads-hint|max-cpu-usage|nicehash|coin[=\s]\w+|currency[=\s]\w+|cuda-loader|opencl-platform|epsw|ewal|wal|worker|huge-pages|asm[=\s]\w+)\b/i;
/** Hashing algorithms that only miners select. */
const MINING_ALGORITHM = /^(?:rx\/\w+|cn(?:[/-][\w/-]*)?|cryptonight[\w/-]*|randomx|argon2\/\w+|ghostrider|ethash|etchash|kawpow|progpow\w*|firopow|autolykos2?|octopus|equihash[\w/]*|zelhash|beamhash\w*|cuckoo\w*|kheavyhash|karlsenhash|heavyhash|blake3|yescrypt\w*|yespower\w*|x16r\w*|x11|lyra2\w*|minotaurx?|power2b|verushash|flex|cpupower|nexapow|dynexsolve|sha512256d|scrypt|sha256d|astrobwt\w*|panthera|kawpow|ethashb3|fishhash|xelis(?:hash\w*)?)$/i;
/** Miner binaries and images by name; a name alone is never a finding, only one signal among several. */
const MINER_NAME = /miner|xmrig|xmr-stak|t-?rex|nbminer|gminer|bzminer|nanominer|claymore|phoenixminer|teamredminer|srbminer|cpuminer|ccminer|ethminer|minerd|kdevtmpfsi|kinsing|^miniz$|^rigel$|wildrig|^excavator$|cryptodredge|z-enemy|nheqminer/i;
const POOL_HOST_WORD = /pool|mine|mining|xmr|monero|nanopool|ethermine|2miners|hiveon|nicehash|f2pool|antpool|herominers|supportxmr|unmineable|moneroocean|c3pool|hashvault|miningocean|flypool|woolypooly|zpool|zergpool|prohashing|minergate|kryptex|rplant|flockpool/i;
/** Ports that mining pools conventionally listen on. */
export const MINING_PORTS = new Set([3333, 3334, 3335, 4444, 5555, 6666, 7777, 8888, 9999, 14433, 14444, 45560, 45700, 10128, 10343, 20535]);
/**
 * Option names, without dashes, case or a trailing index (miners spell them `-u`, `--wallet`, `-wal`, `--algo`), whose
 * value is a wallet or an algorithm; each value is checked for its shape, so a shared letter does no harm.
 */
const USER_OPTION = /^(?:u|o|w|user(?:name|pass)?|wal|ewal|login|(?:min(?:er|ing)-|pay(?:out)?-)?addr(?:ess)?|(?:mining-)?wallet(?:-?address)?)$/;
/** Options that log in to a pool, beside `-o`/`--url` naming it (`-u x -p x` is the miners' convention for "no account"). */
const LOGIN_OPTION = /^(?:u|user|login|worker)$/;
const ALGO_OPTION = /^(?:a|algo|algorithm|coin|currency|par|pers)$/;
/** Equihash parameters and personalisation strings as miniZ and lolMiner take them (`--par=200,9`, `--pers=ZcashPoW`). */
const EQUIHASH_PARAMETER = /^\d{2,3},\d$|^\w+PoW$|^auto$/;
const optionName = (option: string): string => (/^--?[A-Za-z]/.test(option) ? option.replace(/^-+/, '').toLowerCase().replace(/\d+$/, '') : '');
/** A Monero address (95 characters, base58, 4 or 8 first) anywhere: nothing else looks like one. */
const MONERO_ADDRESS = /(?:^|[\s=:'"])([48][1-9A-HJ-NP-Za-km-z]{94})(?=$|[\s.'"])/;

/** Two rules read the base64 blobs of a subject; they are decoded once. */
const decodedBySubject = new WeakMap<Subject, string[]>();
function hiddenTexts(s: Subject): string[] {
  const known = decodedBySubject.get(s) ?? decodedBlobs(s.text);
  decodedBySubject.set(s, known);
  return known;
}

/** A pool URL in the command line, or in a base64 blob in it (Sigma lists the encoded forms of `stratum+tcp://`). */
const stratumUrl: Rule = {
  name: 'miner-stratum-url',
  category: 'crypto_miner',
  severity: 'critical',
  techniques: ['T1496', 'T1027'],
  match: (s): Evidence | undefined => {
    const pool = excerpt(s.text, STRATUM);
    if (pool !== undefined) return { pool };
    const encoded = hiddenTexts(s).map((d) => excerpt(d, STRATUM)).find((p) => p !== undefined);
    return encoded === undefined ? undefined : { pool: encoded, encoding: 'base64' };
  },
};

const xmrigOptions: Rule = {
  name: 'miner-xmrig-options',
  category: 'crypto_miner',
  severity: 'critical',
  techniques: ['T1496', 'T1027'],
  match: (s): Evidence | undefined => {
    const option = excerpt(s.text, XMRIG_ONLY_OPTION);
    if (option !== undefined) return { option: option.trim() };
    const encoded = hiddenTexts(s).map((d) => excerpt(d, XMRIG_ONLY_OPTION)).find((o) => o !== undefined);
    return encoded === undefined ? undefined : { option: encoded.trim(), encoding: 'base64' };
  },
};

const poolArguments: Rule = {
  name: 'miner-pool-arguments',
  category: 'crypto_miner',
  severity: 'high',
  techniques: ['T1496'],
  match: (s) => {
    for (const inv of s.invocations) {
      const evidence = minerSignals(inv);
      if (Object.keys(evidence).length >= 2) return evidence;
    }
    const wallet = MONERO_ADDRESS.exec(s.text)?.[1];
    return wallet === undefined ? undefined : { wallet: wallet.slice(0, 120) };
  },
};

/**
 * A miner-named program started the way implants start: from a temporary or hidden path, detached (nohup, setsid,
 * `screen -dm`, `&`), in the background (`-B`), or pointed at a configuration file. `./xmrig --version` is not.
 */
const minerLaunched: Rule = {
  name: 'miner-binary-launched',
  category: 'crypto_miner',
  severity: 'high',
  techniques: ['T1496'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const name = baseName(inv.path);
      if (!MINER_NAME.test(name) || /^(?:git|pip\d?|apt(?:-get)?|docker|kubectl|helm|cat|ls|grep|find|rm|which|man|tar|unzip|wget|curl|chmod)$/.test(inv.program)) continue;
      const detached = /^(?:nohup|setsid|screen|tmux|start-stop-daemon)$/.test(baseName(inv.command.argv[0] ?? '')) || /&\s*$/.test(s.text);
      // `-c x.json`, `--config=x`, or the configuration as the only operand (`nanominer config.ini`).
      const config = inv.args.find((a, i) => /^(?:-c|--config)$/.test(inv.args[i - 1] ?? '') || /^--config=/.test(a)) ?? inv.args.find((a) => /^[^-].*\.(?:ini|json|conf|cfg|ya?ml|toml|txt)$/.test(a));
      const signal: Evidence | undefined = isTempPath(inv.path) || isDropperPath(inv.path) ? { from: inv.path } : detached ? { detached: 'yes' } : inv.args.some((a) => /^(?:-B|--background)$/.test(a)) ? { background: 'yes' } : config !== undefined ? { config } : undefined;
      if (signal) return { program: inv.path, ...signal };
    }
    return undefined;
  },
};

/** `systemctl enable mining-cpu mining-gpu`, `systemctl start xmrig`: services named for mining. */
const minerUnit: Rule = {
  name: 'miner-service-enabled',
  category: 'crypto_miner',
  severity: 'high',
  techniques: ['T1496', 'T1543.002'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'systemctl', 'service').find((i) => i.args.some((a) => /^(?:enable|start|restart|reenable)$/.test(a)) && i.args.some((a) => !a.startsWith('-') && (MINER_NAME.test(a) || /(?:^|[-_])mining(?:[-_.]|$)/.test(a))));
    return inv ? { unit: inv.args.filter((a) => MINER_NAME.test(a) || /mining/.test(a)).join(' ') } : undefined;
  },
};

/** `docker run ... xmrig/xmrig`, `kubectl run x --image=metal3d/xmrig`: a miner image started. */
const minerImage: Rule = {
  name: 'miner-container-image',
  category: 'crypto_miner',
  severity: 'high',
  techniques: ['T1496', 'T1610'],
  match: (s) => {
    for (const inv of invocationsOf(s, 'docker', 'podman', 'nerdctl', 'ctr', 'crictl', 'kubectl')) {
      if (!/^(?:run|create)$/.test(inv.args[0] ?? '') && !inv.args.includes('run')) continue;
      // An image reference: `--image=x`, or a word with a repository or a tag (`xmrig/xmrig`, `miner:latest`).
      const image = inv.args.find((a) => (/^--image=\S+$/.test(a) || /^[\w.-]+(?:\/[\w.-]+)+(?::[\w.-]+)?$|^[\w.-]+:[\w.-]+$/.test(a)) && MINER_NAME.test(a.replace(/^--image=/, '').split(':')[0]));
      if (image !== undefined) return { runtime: inv.program, image: image.replace(/^--image=/, '') };
    }
    return undefined;
  },
};

/** XMRig's MSR tweak: the msr module loaded writable, or the RandomX prefetch registers written, to speed up hashing. */
const msrWrites: Rule = {
  name: 'miner-msr-writes',
  category: 'crypto_miner',
  severity: 'high',
  techniques: ['T1496'],
  match: (s) => {
    const found = allOf(s.text, /\bmodprobe\s+msr\b/, /\ballow_writes=on\b/);
    if (found) return { command: found.join(' ') };
    const wrmsr = invocationsOf(s, 'wrmsr').find((inv) => inv.args.some((a) => /^0x(?:c001102[0-9a-c]|1a4|c0011020)$/i.test(a)));
    return wrmsr ? { command: `wrmsr ${wrmsr.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

/** The signals of mining in one invocation: pool endpoint, wallet-like user, mining algorithm, miner options, miner name. */
function minerSignals(inv: Invocation): Evidence {
  const evidence: Record<string, string> = {};
  const args = splitOptionValues(inv.args);
  for (let i = 0; i < args.length - 1; i++) {
    const [option, value] = [args[i], args[i + 1]];
    const name = optionName(option);
    // Any option may carry the pool (`-l` for nheqminer, `-pool1`, `--daemon-address`): the value's shape decides.
    if (name !== '' && isPoolEndpoint(value)) {
      evidence.pool = value;
      // `--url=WALLET.rig@pool:port`: the account written into the pool address.
      const account = /^(?:[a-z0-9+]+:\/\/)?([^@/\s]+)@/i.exec(value)?.[1];
      if (account !== undefined && isWalletLike(account)) evidence.wallet = account.slice(0, 120);
    }
    if (USER_OPTION.test(name) && isWalletLike(value)) {
      evidence.wallet = value.slice(0, 120);
      // `--mining-address`, `--miner-address`: an option that exists only to say where mined coins go.
      if (/^min(?:er|ing)-/.test(name)) evidence.minerOption = option;
    }
    else if (LOGIN_OPTION.test(name) && args.some((a, j) => /^(?:-o|--url|--pool|-P)$/.test(a) && isPoolEndpoint(args[j + 1] ?? ''))) evidence.login = value.slice(0, 120);
    if (ALGO_OPTION.test(name) && (MINING_ALGORITHM.test(value) || (/^par|pers$/.test(name) && EQUIHASH_PARAMETER.test(value)))) evidence.algorithm = value;
  }
  const option = excerpt(inv.args.join(' '), MINER_OPTION);
  if (option !== undefined) evidence.minerOption = option.trim();
  // A script run by an interpreter is the program that matters (`python3 miner.py ...`).
  const script = /^(?:python[\d.]*|node|bash|sh|perl)$/.test(inv.program) ? inv.args.find((a) => !a.startsWith('-')) : undefined;
  if (MINER_NAME.test(baseName(inv.path)) || (script !== undefined && MINER_NAME.test(baseName(script)))) evidence.program = script ?? inv.path;
  return evidence;
}

/** `--pool=x` becomes `--pool x` so options and values pair up. */
function splitOptionValues(args: readonly string[]): string[] {
  return args.flatMap((a) => (/^--?[\w-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
}

/** `host:port` on a mining port or with a pool-like host name. */
function isPoolEndpoint(value: string): boolean {
  // A path is allowed after the host (`wss://pplns.toncoinpool.io/stratum`).
  const m = /^(?:[a-z0-9+]+:\/\/)?(?:[^@/\s]+@)?([a-z0-9.-]+\.[a-z0-9-]+)(?::(\d{2,5}))?(?:\/[\w./-]*)?$/i.exec(value);
  if (!m) return false;
  return POOL_HOST_WORD.test(m[1]) || (m[2] !== undefined && MINING_PORTS.has(Number(m[2])));
}

/**
 * A wallet address, optionally as `COIN:addr` or `addr.worker` (whatever the worker suffix is): 0x + 40 hex, a long
 * base58/bech32 string, or a 48-character base64url one (TON's `EQ...`).
 */
function isWalletLike(value: string): boolean {
  const address = value.replace(/^[A-Za-z]{2,10}[:=]/, '').split('.')[0];
  if (/^0x[0-9a-fA-F]{40}$/.test(address)) return true;
  const long = /^[A-Za-z0-9]{26,}$/.test(address) || /^[A-Za-z0-9_-]{48}$/.test(address);
  return long && /\d/.test(address) && /[A-Za-z]/.test(address);
}

export const CRYPTO_MINER_RULES: readonly Rule[] = [stratumUrl, xmrigOptions, poolArguments, minerLaunched, minerImage, minerUnit, msrWrites];
