/**
 * Rules over what only /proc shows: the real executable (deleted, memfd-backed, in a drop directory), names that
 * imitate kernel threads, standard streams on a TCP socket, LD_PRELOAD, mining-pool connections with sustained CPU.
 */
import { INTERPRETERS, isDisguisedDrop, isDropperPath, isSystemLibrary, isTempPath, KERNEL_THREAD_NAMES, MASQUERADE_NAMES, SHELL_NAMES } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import type { ProcessFacts } from '../types.js';
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
 * The memfd names OCI runtimes give the sealed copy of themselves they re-execute against CVE-2019-5736: runc's
 * libcontainer for `runc init`, crun's libcrun for every crun process. Group 1 is the runtime.
 */
const RUNTIME_CLONE = /^\/memfd:(runc|crun)_cloned:/;
/** What starts a runtime: the runtime itself, or the shim, conmon or engine a detached `runc init` is reparented to. */
const RUNTIME_PARENT = /^(?:runc|crun|containerd-shim|conmon|crio|podman|containerd|dockerd|docker-containerd)/;
/** A runtime's clone lives for the moments of a container start (until `runc start` for `runc create`). */
export const RUNTIME_CLONE_MAX_AGE_SEC = 600;

/**
 * A program run from an anonymous memory file (T1620): fileless malware's way of leaving nothing on disk. Two
 * legitimate shapes are told apart by evidence, not by the memfd's name alone (anyone can name a memfd):
 * - a program re-executing a byte-identical copy of its parent's executable (`exeCopyOfParent`): nothing runs that is
 *   not already on disk; runc does this against CVE-2019-5736 (and `runc create` is the parent then);
 * - an OCI runtime's clone by every sign at once: the `runc_cloned:`/`crun_cloned:` memfd, the same runtime in argv
 *   (`runc init`, or comm `runc:[N:...]`; `crun ...`), a container runtime as parent, younger than ten minutes, and,
 *   when the parent is that runtime, not a different image.
 * A memfd named like a runtime's without the rest is reported, with `imitates` in the evidence.
 */
const memfdExecutable: Rule = {
  name: 'fileless-memfd-executable',
  category: 'system_modification',
  severity: 'critical',
  techniques: ['T1620', 'T1027'],
  match: (s) => {
    const { exe, exeCopyOfParent } = s.facts;
    if (!exe?.startsWith('/memfd:') || exeCopyOfParent === true || isRuntimeClone(s.facts)) return undefined;
    const runtime = RUNTIME_CLONE.exec(exe)?.[1];
    return { exe, ...(runtime ? { imitates: `${runtime} clone` } : {}), ...(exeCopyOfParent === false ? { image: 'not the parent executable' } : {}) };
  },
};

/** Every sign of an OCI runtime's self-clone (runc's init stage, a crun process), not just its memfd name. */
export function isRuntimeClone(facts: ProcessFacts): boolean {
  const runtime = RUNTIME_CLONE.exec(facts.exe ?? '')?.[1];
  if (runtime === undefined) return false;
  const parent = facts.parentChain?.[0] ?? '';
  const program = baseName(facts.argv[0] ?? '');
  const itself = runtime === 'runc' ? (program === 'runc' && facts.argv[1] === 'init') || /^runc:\[\d:/.test(facts.comm ?? '') : program === runtime;
  return itself && RUNTIME_PARENT.test(parent) && !(parent === runtime && facts.exeCopyOfParent === false)
    && (facts.ageSec === undefined || facts.ageSec < RUNTIME_CLONE_MAX_AGE_SEC);
}

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
    if (exe === undefined || isRuntimeClone(s.facts)) return undefined;
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
