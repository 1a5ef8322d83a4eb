/**
 * How the kubelet would start a container of the synthesized stack, in terms a container engine takes: user and
 * groups, read-only root filesystem, capabilities, seccomp, memory and CPU limits, host PID namespace, args, the
 * environment with downward-API and Secret references resolved, and every volume it mounts. `npm run image:check`
 * starts each detector mode from this, so whatever the manifests say (now or after a change) is what runs.
 * Pure: reading and writing files is the caller's.
 */
import type { Manifest } from '../../lib/synth.js';

/** What a mounted volume holds on the node. */
export type VolumeSource =
  /** ConfigMap or Secret contents (a Secret's values are placeholders: the user creates Secrets, dist/ has none). */
  | { readonly kind: 'files'; readonly files: Readonly<Record<string, string>> }
  /** emptyDir or a PersistentVolumeClaim: an empty directory the container may write. */
  | { readonly kind: 'scratch' }
  /** A hostPath volume. */
  | { readonly kind: 'host'; readonly path: string; readonly type: string };

export interface ContainerMount {
  readonly volume: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
  /** One file or directory of the volume instead of all of it. */
  readonly subPath?: string;
  readonly source: VolumeSource;
}

/** One container as its pod starts it. */
export interface ContainerRun {
  /** `DaemonSet odin/gpu-exporter`. */
  readonly workload: string;
  readonly container: string;
  readonly image: string;
  readonly imagePullPolicy?: string;
  readonly command?: readonly string[];
  readonly args: readonly string[];
  /** The first container port. */
  readonly port: number;
  readonly user?: number;
  readonly group?: number;
  /** fsGroup and supplementalGroups, which the kubelet adds to the container's processes. */
  readonly supplementalGroups: readonly number[];
  readonly privileged: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly noNewPrivileges: boolean;
  readonly capDrop: readonly string[];
  readonly capAdd: readonly string[];
  readonly seccomp?: string;
  readonly memoryLimitBytes?: number;
  readonly cpuLimit?: number;
  readonly hostPID: boolean;
  readonly hostNetwork: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly mounts: readonly ContainerMount[];
  readonly terminationGracePeriodSec: number;
}

/** What the kubelet and the cluster supply that the manifests only refer to. */
export interface NodeFacts {
  /** spec.nodeName. */
  readonly nodeName: string;
  /** Where the pod reaches the Kubernetes API (KUBERNETES_SERVICE_HOST/PORT). */
  readonly apiHost: string;
  readonly apiPort: number;
  /** The value given for each Secret key (the Secret itself is the user's). */
  readonly secretValue: (secret: string, key: string) => string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
type Obj = Record<string, any>;

/** Every container of a Deployment, DaemonSet or StatefulSet in `manifests` that runs `image`. */
export function containerRuns(manifests: readonly Manifest[], image: string, node: NodeFacts): ContainerRun[] {
  return manifests.filter((m) => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(m.kind)).flatMap((workload) => {
    const pod = (workload as Obj).spec.template.spec as Obj;
    return (pod.containers as Obj[]).filter((c) => c.image === image).map((c) => containerRun(manifests, workload, pod, c, node));
  });
}

function containerRun(manifests: readonly Manifest[], workload: Manifest, pod: Obj, c: Obj, node: NodeFacts): ContainerRun {
  const namespace = workload.metadata.namespace ?? 'default';
  const where = `${workload.kind} ${namespace}/${workload.metadata.name} container ${c.name}`;
  const podSecurity: Obj = pod.securityContext ?? {};
  const security: Obj = { ...podSecurity, ...(c.securityContext ?? {}) };
  const limits: Obj = c.resources?.limits ?? {};
  const serviceAccount = serviceAccountMount(manifests, pod, namespace, node);
  const ctx: RefContext = { manifests, namespace, where, node, podName: `${workload.metadata.name}-image-check`, serviceAccount: pod.serviceAccountName ?? 'default' };
  return {
    workload: `${workload.kind} ${namespace}/${workload.metadata.name}`,
    container: c.name,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: c.command,
    args: c.args ?? [],
    port: c.ports?.[0]?.containerPort,
    user: security.runAsUser,
    group: security.runAsGroup,
    supplementalGroups: [...(podSecurity.fsGroup !== undefined ? [podSecurity.fsGroup] : []), ...(podSecurity.supplementalGroups ?? [])],
    privileged: security.privileged === true,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem === true,
    noNewPrivileges: security.allowPrivilegeEscalation === false,
    capDrop: security.capabilities?.drop ?? [],
    capAdd: security.capabilities?.add ?? [],
    seccomp: security.seccompProfile?.type,
    memoryLimitBytes: limits.memory === undefined ? undefined : memoryBytes(limits.memory, `${where} limits.memory`),
    cpuLimit: limits.cpu === undefined ? undefined : cpuCores(limits.cpu, `${where} limits.cpu`),
    hostPID: pod.hostPID === true,
    hostNetwork: pod.hostNetwork === true,
    env: {
      ...(serviceAccount ? { KUBERNETES_SERVICE_HOST: node.apiHost, KUBERNETES_SERVICE_PORT: String(node.apiPort) } : {}),
      ...environment(c, ctx),
    },
    mounts: [...(c.volumeMounts ?? []).map((m: Obj) => containerMount(m, pod, ctx)), ...(serviceAccount ? [serviceAccount] : [])],
    terminationGracePeriodSec: pod.terminationGracePeriodSeconds ?? 30,
  };
}

interface RefContext {
  readonly manifests: readonly Manifest[];
  readonly namespace: string;
  readonly where: string;
  readonly node: NodeFacts;
  readonly podName: string;
  readonly serviceAccount: string;
}

/** The container's environment as the kubelet resolves it. */
function environment(c: Obj, ctx: RefContext): Record<string, string> {
  if (c.envFrom !== undefined) throw new Error(`${ctx.where}: envFrom is not supported here; list the variables under env`);
  return Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, envValue(e, ctx)]));
}

function envValue(e: Obj, ctx: RefContext): string {
  if (e.valueFrom === undefined) return e.value ?? '';
  const { fieldRef, configMapKeyRef, secretKeyRef } = e.valueFrom;
  if (fieldRef) return downwardValue(fieldRef.fieldPath, ctx, `env ${e.name}`);
  if (configMapKeyRef) return configMapData(ctx, configMapKeyRef.name)[configMapKeyRef.key] ?? missingKey(ctx, `ConfigMap ${configMapKeyRef.name}`, configMapKeyRef.key);
  if (secretKeyRef) return ctx.node.secretValue(secretKeyRef.name, secretKeyRef.key);
  throw new Error(`${ctx.where}: env ${e.name} takes its value from ${Object.keys(e.valueFrom).join(', ')}, which is not supported here`);
}

function downwardValue(fieldPath: string, ctx: RefContext, what: string): string {
  const values: Record<string, string> = {
    'spec.nodeName': ctx.node.nodeName, 'metadata.name': ctx.podName, 'metadata.namespace': ctx.namespace,
    'spec.serviceAccountName': ctx.serviceAccount, 'status.podIP': '127.0.0.1', 'status.hostIP': '127.0.0.1',
  };
  const value = values[fieldPath];
  if (value === undefined) throw new Error(`${ctx.where}: ${what} reads ${fieldPath}, which is not supported here`);
  return value;
}

function containerMount(m: Obj, pod: Obj, ctx: RefContext): ContainerMount {
  const volume = (pod.volumes ?? []).find((v: Obj) => v.name === m.name);
  if (!volume) throw new Error(`${ctx.where}: mounts volume ${m.name}, which the pod does not define`);
  return { volume: m.name, mountPath: m.mountPath, readOnly: m.readOnly === true, ...(m.subPath ? { subPath: m.subPath } : {}), source: volumeSource(volume, ctx) };
}

function volumeSource(v: Obj, ctx: RefContext): VolumeSource {
  if (v.configMap) return { kind: 'files', files: projectItems(configMapData(ctx, v.configMap.name), v.configMap.items) };
  if (v.secret) {
    // The keys of a Secret the user creates are known only where the volume lists them.
    const keys = Object.fromEntries((v.secret.items ?? []).map((i: Obj) => [i.key, ctx.node.secretValue(v.secret.secretName, i.key)]));
    return { kind: 'files', files: projectItems(keys, v.secret.items) };
  }
  if (v.emptyDir || v.persistentVolumeClaim) return { kind: 'scratch' };
  if (v.hostPath) return { kind: 'host', path: v.hostPath.path, type: v.hostPath.type ?? '' };
  throw new Error(`${ctx.where}: volume ${v.name} (${Object.keys(v).filter((k) => k !== 'name').join(', ')}) is not supported here`);
}

/** The files a ConfigMap or Secret volume shows: every key, or only `items` at their paths. */
function projectItems(data: Readonly<Record<string, string>>, items: Obj[] | undefined): Record<string, string> {
  if (!items) return { ...data };
  return Object.fromEntries(items.map((i) => [i.path, data[i.key]]));
}

function configMapData(ctx: RefContext, name: string): Record<string, string> {
  const configMap = ctx.manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name && (m.metadata.namespace ?? 'default') === ctx.namespace);
  if (!configMap) throw new Error(`${ctx.where}: ConfigMap ${ctx.namespace}/${name} is not in the manifests`);
  return (configMap as Obj).data ?? {};
}

function missingKey(ctx: RefContext, what: string, key: string): never {
  throw new Error(`${ctx.where}: ${what} has no key ${key}`);
}

/** The service-account token the kubelet mounts unless the pod or its ServiceAccount opts out. */
function serviceAccountMount(manifests: readonly Manifest[], pod: Obj, namespace: string, node: NodeFacts): ContainerMount | undefined {
  const name = pod.serviceAccountName ?? 'default';
  const account = manifests.find((m) => m.kind === 'ServiceAccount' && m.metadata.name === name && m.metadata.namespace === namespace) as Obj | undefined;
  if ((pod.automountServiceAccountToken ?? account?.automountServiceAccountToken ?? true) !== true) return undefined;
  const files = { token: node.secretValue(`${name}-token`, 'token'), 'ca.crt': '', namespace };
  return { volume: 'kube-api-access', mountPath: SERVICE_ACCOUNT_DIR, readOnly: true, source: { kind: 'files', files } };
}

const BINARY_SUFFIXES: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL_SUFFIXES: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };

/** A Kubernetes memory quantity (`128Mi`, `1G`, `500000`) in bytes. */
export function memoryBytes(quantity: string | number, what = 'memory'): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(String(quantity));
  if (!match) throw new Error(`${what}: '${quantity}' is not a memory quantity this check reads (e.g. 128Mi, 1Gi, 500M)`);
  const factor = BINARY_SUFFIXES[match[2] ?? ''] ?? DECIMAL_SUFFIXES[match[2] ?? ''];
  return Math.ceil(Number(match[1]) * factor);
}

/** A Kubernetes CPU quantity (`200m`, `1`, `0.5`) in cores. */
export function cpuCores(quantity: string | number, what = 'cpu'): number {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(String(quantity));
  if (!match) throw new Error(`${what}: '${quantity}' is not a CPU quantity (e.g. 200m, 1, 0.5)`);
  return Number(match[1]) / (match[2] ? 1000 : 1);
}

/**
 * `podman run` flags that start `run` as its pod would (docker takes the same). `hostPathOf` says where on this
 * machine each mount's content lies; the caller prepares it. Ports are published on 127.0.0.1 only.
 */
export function podmanRunFlags(run: ContainerRun, hostPathOf: (mount: ContainerMount) => string): string[] {
  const flags: string[] = [];
  if (run.user !== undefined) flags.push(`--user=${run.user}${run.group !== undefined ? `:${run.group}` : ''}`);
  for (const group of run.supplementalGroups) flags.push(`--group-add=${group}`);
  if (run.privileged) flags.push('--privileged');
  // podman mounts tmpfs on /tmp, /run and /var/tmp of a read-only container unless told not to; the kubelet does not.
  if (run.readOnlyRootFilesystem) flags.push('--read-only', '--read-only-tmpfs=false');
  if (run.noNewPrivileges) flags.push('--security-opt=no-new-privileges');
  flags.push(...run.capDrop.map((c) => `--cap-drop=${c}`), ...run.capAdd.map((c) => `--cap-add=${c}`));
  if (run.seccomp === 'Unconfined') flags.push('--security-opt=seccomp=unconfined');
  if (run.memoryLimitBytes !== undefined) flags.push(`--memory=${run.memoryLimitBytes}b`);
  if (run.cpuLimit !== undefined) flags.push(`--cpus=${run.cpuLimit}`);
  if (run.hostPID) flags.push('--pid=host');
  flags.push(run.hostNetwork ? '--network=host' : `--publish=127.0.0.1::${run.port}`);
  for (const [name, value] of Object.entries(run.env)) flags.push(`--env=${name}=${value}`);
  for (const mount of run.mounts) flags.push(`--volume=${hostPathOf(mount)}:${mount.mountPath}${mount.readOnly ? ':ro' : ''}`);
  if (run.command) flags.push(`--entrypoint=${JSON.stringify(run.command)}`);
  return flags;
}
