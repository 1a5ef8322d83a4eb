/** Crypto miners: pool protocols, miner-only options, and pool + wallet + algorithm arguments together. */
import { baseName } from '../shell-parse.js';
import type { Invocation } from '../subject.js';
import { allOf, excerpt } from '../patterns.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';

/** The Stratum mining protocol in a URL scheme (`stratum+tcp://`, `stratum1+ssl://`, `stratum2+tls`). */
const STRATUM = /\bstratum\d*\+(?:tcp|ssl|tls|udp)\b(?::\/\/[^\s'"]*)?/i;
/** Options only XMRig (and its forks) have. */
const XMRIG_ONLY_OPTION = /(?:^|\s)--(?:donate-level|donate-over-proxy)\b/;
const MINER_OPTION = /(?:^|\s)--(?:donate-level|rig-id|randomx-[\w-]+|cpu-priority|cpu-max-threads-hint|nicehash|coin[=\s]\w+|cuda-loader|opencl-platform)\b/i;
/** Hashing algorithms that only miners select. */
const MINING_ALGORITHM = /^(?:rx\/\w+|cn(?:[/-][\w/-]*)?|cryptonight[\w/-]*|randomx|argon2\/\w+|ghostrider|ethash|etchash|kawpow|progpow\w*|firopow|autolykos2?|octopus|equihash[\w/]*|zelhash|beamhash\w*|cuckoo\w*|kheavyhash|karlsenhash|heavyhash|blake3|yescrypt\w*|yespower\w*|x16r\w*|x11|lyra2\w*|minotaurx?|power2b|verushash|flex|cpupower|nexapow|dynexsolve|sha512256d|scrypt|sha256d)$/i;
/** Miner binaries by name; a name alone is never a finding, only one signal among several. */
const MINER_NAME = /miner|xmrig|xmr-stak|t-?rex|nbminer|gminer|bzminer|nanominer|claymore|phoenixminer|teamredminer|srbminer/i;
const POOL_HOST_WORD = /pool|mine|mining|xmr|monero|nanopool|ethermine|2miners|hiveon|nicehash|f2pool|antpool|herominers|supportxmr|unmineable|moneroocean|c3pool|hashvault|miningocean|flypool|woolypooly/i;
/** Ports that mining pools conventionally listen on. */
export const MINING_PORTS = new Set([3333, 3334, 3335, 4444, 5555, 6666, 7777, 8888, 9999, 14433, 14444, 45560, 45700, 10128, 10343, 20535]);
const POOL_OPTIONS = new Set(['-o', '--url', '--pool', '--server', '-P', '-s', '--host', '-pool', '-epool']);
const USER_OPTIONS = new Set(['-u', '--user', '--wallet', '--username', '-O', '--userpass', '-wal', '-ewal', '-w']);
const ALGO_OPTIONS = new Set(['-a', '--algo', '--algorithm', '--coin', '-coin']);

const stratumUrl: Rule = {
  name: 'miner-stratum-url',
  category: 'crypto_miner',
  severity: 'critical',
  match: (s) => {
    const pool = excerpt(s.text, STRATUM);
    return pool === undefined ? undefined : { pool };
  },
};

const xmrigOptions: Rule = {
  name: 'miner-xmrig-options',
  category: 'crypto_miner',
  severity: 'critical',
  match: (s) => {
    const option = excerpt(s.text, XMRIG_ONLY_OPTION);
    return option === undefined ? undefined : { option: option.trim() };
  },
};

const poolArguments: Rule = {
  name: 'miner-pool-arguments',
  category: 'crypto_miner',
  severity: 'high',
  match: (s) => {
    for (const inv of s.invocations) {
      const evidence = minerSignals(inv);
      if (Object.keys(evidence).length >= 2) return evidence;
    }
    return undefined;
  },
};

/** XMRig's MSR tweak: loading the msr module writable to speed up RandomX. */
const msrWrites: Rule = {
  name: 'miner-msr-writes',
  category: 'crypto_miner',
  severity: 'high',
  match: (s) => {
    const found = allOf(s.text, /\bmodprobe\s+msr\b/, /\ballow_writes=on\b/);
    return found === undefined ? undefined : { command: found.join(' ') };
  },
};

/** The signals of mining in one invocation: pool endpoint, wallet-like user, mining algorithm, miner options, miner name. */
function minerSignals(inv: Invocation): Evidence {
  const evidence: Record<string, string> = {};
  const args = splitOptionValues(inv.args);
  for (let i = 0; i < args.length - 1; i++) {
    const [option, value] = [args[i], args[i + 1]];
    if (POOL_OPTIONS.has(option) && isPoolEndpoint(value)) evidence.pool = value;
    if (USER_OPTIONS.has(option) && isWalletLike(value)) evidence.wallet = value.slice(0, 120);
    if (ALGO_OPTIONS.has(option) && MINING_ALGORITHM.test(value)) evidence.algorithm = value;
  }
  const option = excerpt(inv.args.join(' '), MINER_OPTION);
  if (option !== undefined) evidence.minerOption = option.trim();
  if (MINER_NAME.test(baseName(inv.path))) evidence.program = inv.path;
  return evidence;
}

/** `--pool=x` becomes `--pool x` so options and values pair up. */
function splitOptionValues(args: readonly string[]): string[] {
  return args.flatMap((a) => (/^--[\w-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
}

/** `host:port` on a mining port or with a pool-like host name. */
function isPoolEndpoint(value: string): boolean {
  const m = /^(?:[a-z0-9+]+:\/\/)?(?:[^@/\s]+@)?([a-z0-9.-]+\.[a-z0-9-]+)(?::(\d{2,5}))?\/?$/i.exec(value);
  if (!m) return false;
  return POOL_HOST_WORD.test(m[1]) || (m[2] !== undefined && MINING_PORTS.has(Number(m[2])));
}

/** A wallet address, optionally as `COIN:addr` or `addr.worker`: 0x + 40 hex, or a long base58/bech32 string. */
function isWalletLike(value: string): boolean {
  const address = value.replace(/^[A-Za-z]{2,8}[:=]/, '').replace(/\.[\w-]+$/, '');
  if (/^0x[0-9a-fA-F]{40}$/.test(address)) return true;
  return /^[A-Za-z0-9]{26,}$/.test(address) && /\d/.test(address) && /[A-Za-z]/.test(address);
}

export const CRYPTO_MINER_RULES: readonly Rule[] = [stratumUrl, xmrigOptions, poolArguments, msrWrites];
