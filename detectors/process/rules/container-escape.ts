/**
 * Escape to the host (T1611): containers given the host's root or namespaces, the runtime's socket, a host disk
 * mounted, kernel usermode helpers (core_pattern, release_agent) pointed at a container's file, PID 1's namespaces
 * entered.
 */
import { allOf, excerpt, isTempPath, urlsIn } from '../patterns.js';
import { invocationsOf } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { writesTo } from './rule.js';

/** Host directories that give root when mounted writable into a container. */
const HOST_ROOT_MOUNT = /\s(?:-v|--volume)[=\s](?:\/|\/etc|\/root|\/home|\/boot|\/dev|\/var\/lib\/rancher(?:\/k3s)?|\/var\/lib\/kubelet|\/proc|\/sys):\S*|\s--mount[=\s]\S*(?:src|source)=\/(?:,|\s)\S*/;
/** Where escape write-ups mount or find the host's root filesystem. */
const HOST_ROOT_PATH = /^\/(?:host|hostfs|host-root|hostroot|rootfs|node|mnt\/host(?:fs|-?root)?|mnt\/root|proc\/1\/root)\/?$/;
const BLOCK_DEVICE = /^\/dev\/(?:sd[a-z]|nvme\d|vd[a-z]|xvd[a-z]|hd[a-z]|mapper\/|dm-\d|root\b)/;

/**
 * `docker run -v /:/host`, or `--privileged` with an interactive terminal, the host's PID namespace or a host bind
 * mount: a container with the host's powers. `--privileged` alone (binfmt installers, k3d nodes, GPU exporters) and
 * read-only host mounts (node-exporter, cAdvisor) are not reported.
 */
const privilegedContainer: Rule = {
  name: 'container-with-host-access',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1611', 'T1610'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'docker', 'podman', 'nerdctl', 'ctr', 'crictl')) {
      if (!inv.args.slice(0, 3).some((a) => a === 'run' || a === 'create')) continue;
      const text = ` ${inv.args.join(' ')} `;
      const hostRoot = excerpt(text, HOST_ROOT_MOUNT) ?? excerpt(text, /\s--mount[=\s]\S*type=bind,src=\/,\S*/);
      if (hostRoot !== undefined && !/(?::|,)(?:ro|readonly)\b|options=ro\b/.test(hostRoot)) return { runtime: inv.program, option: hostRoot.trim() };
      const privileged = /\s--privileged(?:=true)?\s/.test(text);
      // (ctr has no -i: its `-t` alone is the terminal.)
      const access = excerpt(text, /\s-[a-z]*i[a-z]*t[a-z]*\s|\s-[a-z]*t[a-z]*i[a-z]*\s|\s--mount[=\s]\S*(?:src|source)=\/\S+|\s--pid[=\s]host/) ?? (inv.program === 'ctr' ? excerpt(text, /\s(?:-t|--tty)\s/) : undefined);
      if (privileged && access !== undefined) return { runtime: inv.program, option: `--privileged ${access.trim()}` };
      // Falco's "Launch Excessively Capable Container": every capability, module loading, or admin/ptrace with the
      // MAC profile off (`--cap-add=SYS_ADMIN --security-opt apparmor=unconfined`). GPU exporters add SYS_ADMIN alone.
      const capable = excerpt(text, /\s--cap-add[=\s](?:CAP_)?(?:ALL|SYS_MODULE)\s/i)
        ?? (/\s--cap-add[=\s](?:CAP_)?(?:SYS_ADMIN|SYS_PTRACE)\s/i.test(text) ? excerpt(text, /\s--security-opt[=\s](?:apparmor|seccomp)[=:]unconfined\s/) : undefined);
      if (capable !== undefined) return { runtime: inv.program, option: capable.trim() };
    }
    // LXD/Incus: a container whose root is the host's root (`security.privileged=true`), or given the host's `/` as a disk.
    for (const inv of invocationsOf(s, 'lxc', 'incus')) {
      const text = ` ${inv.args.join(' ')} `;
      const option = excerpt(text, /\ssecurity\.privileged[=\s]+true\b/) ?? excerpt(text, /\sdisk\s+(?:\S+\s+)*source=\/(?=\s)/);
      if (option !== undefined && /^(?:init|launch|create|config)$/.test(inv.args[0] ?? '')) return { runtime: inv.program, option: option.trim() };
    }
    return undefined;
  },
};

/** Writing a kernel usermode helper (core_pattern, modprobe path, uevent_helper, cgroup release_agent) runs code as root on the host. */
const kernelHelperHijack: Rule = {
  name: 'kernel-helper-hijack',
  category: 'privilege_escalation',
  severity: 'critical',
  techniques: ['T1611'],
  match: (s) => writesTo(s, /\/proc\/sys\/kernel\/(?:core_pattern|modprobe)$|uevent_helper$|release_agent$|notify_on_release$|^(?:\/var)?\/tmp\/\S*\/cgroup\.procs$/)
    // The payload for them: a script that writes into the container's own upper directory as the host sees it
    // (`echo "ps aux > /var/lib/docker/overlay2/<id>/diff/out" >> /cmd`), read back from inside the container.
    ?? (/\/var\/lib\/(?:docker|containerd|rancher\/k3s\/agent\/containerd)\/\S*(?:overlay2?|overlayfs)\/\S+\/(?:diff|fs)\//.test(s.text) && s.invocations.some((inv) => inv.command.redirects.some((r) => />/.test(r.op))) ? { upperDir: 'written into' } : undefined),
};

/** `mount -t cgroup -o rdma cgroup /tmp/cgrp`: a cgroup v1 hierarchy mounted to reach its release_agent. */
const cgroupMount: Rule = {
  name: 'cgroup-mounted-for-release-agent',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1611'],
  match: (s) => {
    const inv = invocationsOf(s, 'mount').find((i) => /(?:^|\s)-t\s+cgroup(?:\s|$)/.test(i.args.join(' ')) && !/\/sys\/fs\/cgroup/.test(i.args[i.args.length - 1] ?? ''));
    return inv ? { mount: `mount ${inv.args.join(' ')}`.slice(0, 120) } : undefined;
  },
};

const containerSocket: Rule = {
  name: 'container-runtime-socket-access',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1611', 'T1609'],
  match: (s): Evidence | undefined => {
    const socket = excerpt(s.text, /(?:--unix-socket[=\s]+|unix-connect:|unix-client:|\s-U\s+|(?:-H|--host)[=\s]+unix:\/\/|DOCKER_HOST=unix:\/\/)\S*(?:docker|containerd|crio|podman|cri-dockerd)\.sock/i);
    if (socket !== undefined) return { socket: socket.trim() };
    // Any HTTP client or socket tool pointed at a runtime socket (`curl -XPOST –unix-socket /var/run/docker.sock ...`).
    const client = invocationsOf(s, 'curl', 'wget', 'socat', 'nc', 'ncat', 'python', 'python3', 'perl', 'ruby', 'node').find((inv) => inv.args.some((a) => /(?:docker|containerd|crio|podman|cri-dockerd)\.sock\b/.test(a)));
    if (client) return { socket: client.args.find((a) => /\.sock\b/.test(a)) ?? '', client: client.program };
    // The Docker API without TLS on the network (port 2375), the classic open daemon; or a container created through
    // the API with the host's root bound in (`POST https://h:2376/containers/create -d '{"Binds": ["/:/host"]}'`).
    const remote = excerpt(s.text, /(?:-H|--host)[=\s]+(?:tcp:\/\/)?[\w.-]+:2375\b|DOCKER_HOST=["']?tcp:\/\/[\w.-]+:2375\b|\/containers\/create\b[^\n]*"Binds"\s*:\s*\[\s*"\/(?::|")|\bhttps?:\/\/[\w.-]+:237[56]\/(?:v[\d.]+\/)?(?:containers|secrets|images|exec|services|swarm|volumes|info)\b/);
    return remote === undefined ? undefined : { socket: remote };
  },
};

/**
 * A raw disk mounted from inside a container, onto a mount point named for the host (`mount /dev/sda1 /mnt/host`) or in
 * a drop location, read with debugfs, or copied into a drop location: the host filesystem without its permissions.
 * (`mount /dev/nvme1n1 /mnt/data` on the host is ordinary admin work.)
 */
const blockDeviceMount: Rule = {
  name: 'host-disk-mounted',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1611', 'T1006'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'mount')) {
      const device = inv.args.find((a) => BLOCK_DEVICE.test(a));
      const mountpoint = inv.args[inv.args.length - 1] ?? '';
      if (device !== undefined && (s.facts.containerId !== undefined || HOST_ROOT_PATH.test(mountpoint))) return { device, mountpoint };
    }
    const debugfs = invocationsOf(s, 'debugfs').find((inv) => inv.args.some((a) => BLOCK_DEVICE.test(a)) && !inv.args.includes('-R'));
    if (debugfs) return { tool: 'debugfs', device: debugfs.args.find((a) => BLOCK_DEVICE.test(a)) ?? '' };
    // `dd if=/dev/nvme0n1 of=/tmp/.d/disk.img`: a raw disk copied into a drop location, to be read at leisure.
    const copied = invocationsOf(s, 'dd').find((inv) => inv.args.some((a) => BLOCK_DEVICE.test(a.replace(/^if=/, '')) && a.startsWith('if=')) && inv.args.some((a) => a.startsWith('of=') && isTempPath(a.slice(3))));
    if (copied) return { tool: 'dd', device: copied.args.find((a) => a.startsWith('if='))!.slice(3), copy: copied.args.find((a) => a.startsWith('of='))!.slice(3) };
    // `mount -t nfs 10.0.0.5:/export /tmp/nfs`: a disk or a remote share mounted in a drop location (NFS no_root_squash
    // plants setuid files that way); admins mount under /mnt or /srv.
    const dropMount = invocationsOf(s, 'mount').find((inv) => isTempPath(`${inv.args[inv.args.length - 1] ?? ''}/`) && inv.args.some((a) => BLOCK_DEVICE.test(a) || /^[\w.-]+:\//.test(a)));
    return dropMount ? { device: dropMount.args.find((a) => BLOCK_DEVICE.test(a) || /^[\w.-]+:\//.test(a)) ?? '', mountpoint: dropMount.args[dropMount.args.length - 1] } : undefined;
  },
};

/**
 * `nsenter -t 1 -m ...`, `chroot /host`, `kubectl run --overrides '{"hostPID": true}'`: entering the host through PID 1's
 * namespaces or its root filesystem mounted in a container.
 */
const hostNamespaceEntry: Rule = {
  name: 'host-namespace-entry',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1611'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'nsenter').find((i) => /(?:^|\s)(?:-t\s*1|--target[=\s]1)(?:\s|$)/.test(i.args.join(' ')) && i.args.some((a) => /^-[a-zA-Z]*[ma]|^--(?:mount|all)/.test(a)));
    if (inv) return { command: `nsenter ${inv.args.join(' ')}`.slice(0, 160) };
    const chroot = invocationsOf(s, 'chroot').find((i) => HOST_ROOT_PATH.test(i.args.find((a) => !a.startsWith('-')) ?? ''));
    if (chroot) return { command: `chroot ${chroot.args.join(' ')}`.slice(0, 160) };
    const overrides = allOf(s.text, /\bkubectl\b/, /--overrides/, /"(?:hostPID|privileged|hostNetwork|hostIPC)"\s*:\s*true|"path"\s*:\s*"\/"/);
    return overrides === undefined ? undefined : { overrides: overrides[2] };
  },
};

/**
 * `unshare -r`: a user namespace in which the caller is root, with every capability there: the way to reach kernel
 * code paths (netfilter, overlayfs, mounts) that only root should reach, behind many local kernel exploits (Falco's
 * "Change namespace privileges via unshare"). Rootless engines map users through newuidmap, not this option.
 */
const rootMappedNamespace: Rule = {
  name: 'root-mapped-user-namespace',
  category: 'privilege_escalation',
  severity: 'medium',
  techniques: ['T1611', 'T1068'],
  match: (s) => {
    const inv = invocationsOf(s, 'unshare').find((i) => i.args.some((a) => /^-[a-zA-Z]*r[a-zA-Z]*$|^--map-root-user$|^--map-user=0$/.test(a)));
    return inv ? { command: `unshare ${inv.args.join(' ')}`.slice(0, 160) } : undefined;
  },
};

/**
 * `kubectl apply -f https://.../badPods/.../hostpid/pod/...yaml`: a pod manifest fetched from the internet whose name
 * says it takes the host's namespaces, root or privileges (BishopFox's badPods, PayloadsAllTheThings' Kubernetes page).
 */
const hostPodFromUrl: Rule = {
  name: 'host-access-pod-from-url',
  category: 'privilege_escalation',
  severity: 'high',
  techniques: ['T1611', 'T1610'],
  match: (s): Evidence | undefined => {
    // The verb may follow global options (`kubectl -n ml apply -f ...`).
    const inv = invocationsOf(s, 'kubectl', 'k3s', 'oc').find((i) => i.args.some((a) => /^(?:apply|create|run|replace)$/.test(a)));
    const url = inv && urlsIn(inv.args.join(' ')).find((u) => /host-?(?:pid|network|ipc|path)|priv(?:ileged)?(?=[-_/.]|$)|everything-allowed|nothing-allowed|badpods|escape|node-?shell/i.test(u.url.replace(/^\w+:\/\/[^/]+/, '')));
    return url ? { manifest: url.url.slice(0, 160) } : undefined;
  },
};

export const CONTAINER_ESCAPE_RULES: readonly Rule[] = [
  hostPodFromUrl,
  rootMappedNamespace, hostNamespaceEntry, privilegedContainer, kernelHelperHijack, cgroupMount, containerSocket, blockDeviceMount,
];
