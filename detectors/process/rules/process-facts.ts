/**
 * Rules over what only /proc shows: the real executable (deleted, memfd-backed, in a drop directory), names that
 * imitate kernel threads, standard streams on a TCP socket, LD_PRELOAD, mining-pool connections with sustained CPU.
 */
import { INTERPRETERS, isDisguisedDrop, isDropperPath, isSystemLibrary, isTempPath, KERNEL_THREAD_NAMES, MASQUERADE_NAMES, SHELL_NAMES } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import type { Rule } from './rule.js';
import { MINING_PORTS } from './crypto-miner.js';

/**
 * Services that should never start a shell: a shell under them is remote code execution. (PostgreSQL is left out:
 * its archive_command runs through sh.)
 */
const SERVICE_PARENTS = /^(?:nginx|apache2|httpd|lighttpd|caddy|php-fpm[\d.]*|php-cgi|mysqld|mariadbd|redis-server|mongod|memcached|tomcat\w*|uwsgi|gunicorn)\b/;
/**
 * Cores of sustained CPU that, with a connection to a mining port, point to a miner. The scan reads connections
 * only for processes this busy, so the two thresholds are one.
 */
export const MINER_CPU_CORES = 0.5;

/**
 * A program run from an anonymous memory file: fileless malware's way of leaving nothing on disk. runc re-executes
 * itself from a sealed memfd (`runc_cloned`, the CVE-2019-5736 fix) while it starts every container; that one is not
 * reported. Other self-protecting tools show up here too and belong in the allow-list by exe.
 */
const memfdExecutable: Rule = {
  name: 'fileless-memfd-executable',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1620', 'T1027'],
  match: (s) => (s.facts.exe?.startsWith('/memfd:') && !s.facts.exe.startsWith('/memfd:runc_cloned') ? { exe: s.facts.exe } : undefined),
};

const deletedExecutable: Rule = {
  name: 'deleted-executable',
  category: 'system_modification',
  severity: 'medium',
  techniques: ['T1070.004'],
  match: (s) => (s.facts.exeDeleted && s.facts.exe !== undefined && !s.facts.exe.startsWith('/memfd:') ? { exe: `${s.facts.exe} (deleted)` } : undefined),
};

const exeInTemp: Rule = {
  name: 'executable-in-temp-dir',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1105', 'T1036'],
  // An installer unpacked in /tmp (`/tmp/cuda_12.4.0_linux.run`) has an extension; a dropped payload rarely does.
  match: (s) => {
    const exe = s.facts.exe;
    return exe !== undefined && isDropperPath(exe) && (isDisguisedDrop(exe) || !baseName(exe).includes('.')) ? { exe } : undefined;
  },
};

/**
 * Kernel threads have no executable: a "[kworker/0:1]" or "kswapd0" backed by a file is a disguise. A daemon's
 * name (crond, sshd, containerd) on another binary is one only when that binary hides (temporary, hidden or
 * deleted): K3s runs containerd from its own multi-call binary, busybox runs crond.
 */
const kernelThreadImpostor: Rule = {
  name: 'kernel-thread-impostor',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1036.004'],
  match: (s) => {
    const { exe, comm } = s.facts;
    const name = (s.facts.argv[0] ?? comm ?? '').trim();
    if (exe === undefined || exe.startsWith('/memfd:runc_cloned')) return undefined;
    if (KERNEL_THREAD_NAMES.test(name) || KERNEL_THREAD_NAMES.test(comm ?? '')) return { name, exe };
    if (!MASQUERADE_NAMES.test(baseName(name))) return undefined;
    const real = baseName(exe);
    const claimed = baseName(name.split(/[\s:]/)[0]);
    const hidden = isTempPath(exe) || /\/\./.test(exe) || s.facts.exeDeleted === true;
    return hidden && !real.startsWith(claimed) ? { name, exe } : undefined;
  },
};

const stdioOnSocket: Rule = {
  name: 'shell-stdio-on-tcp-socket',
  category: 'reverse_shell',
  severity: 'critical',
  techniques: ['T1059.004'],
  match: (s) => {
    const remote = s.facts.stdioRemote;
    const program = baseName(s.facts.exe ?? s.facts.argv[0] ?? '');
    if (remote === undefined || !(SHELL_NAMES.has(program) || INTERPRETERS.test(program))) return undefined;
    return { program, remote };
  },
};

/**
 * LD_PRELOAD of a library from outside the system library directories. Allocators preloaded from /usr/lib
 * (jemalloc, tcmalloc in Redis and ML images) are ordinary.
 */
const preloadEnvironment: Rule = {
  name: 'ld-preload-in-environment',
  category: 'system_modification',
  severity: 'high',
  techniques: ['T1574.006'],
  match: (s) => {
    const libraries = (s.facts.ldPreload ?? '').split(/[\s:]+/).filter(Boolean);
    const foreign = libraries.find((lib) => !isSystemLibrary(lib));
    return foreign === undefined ? undefined : { ldPreload: foreign.slice(0, 200) };
  },
};

const shellFromService: Rule = {
  name: 'shell-spawned-by-service',
  category: 'reverse_shell',
  severity: 'high',
  techniques: ['T1505.003', 'T1059.004'],
  match: (s) => {
    const parent = s.facts.parentChain?.[0];
    const program = s.invocations[0]?.program ?? '';
    return parent !== undefined && SERVICE_PARENTS.test(baseName(parent)) && SHELL_NAMES.has(program) ? { parent, shell: program } : undefined;
  },
};

const miningConnection: Rule = {
  name: 'mining-port-with-sustained-cpu',
  category: 'crypto_miner',
  severity: 'high',
  techniques: ['T1496'],
  match: (s) => {
    const port = s.facts.remotePorts?.find((p) => MINING_PORTS.has(p));
    const cores = s.facts.cpuCores ?? 0;
    return port !== undefined && cores >= MINER_CPU_CORES ? { remotePort: String(port), cpuCores: cores.toFixed(2) } : undefined;
  },
};

export const PROCESS_FACT_RULES: readonly Rule[] = [
  memfdExecutable, deletedExecutable, exeInTemp, kernelThreadImpostor, stdioOnSocket, preloadEnvironment, shellFromService, miningConnection,
];
