import { describe, expect, test } from 'vitest';
import { Manifest, manifestFiles } from '../../lib/synth.js';
import { WORKLOAD_KINDS, objectId, podSpec, synthStack } from '../helpers.js';
import { SECURITY_EXCEPTIONS } from './exceptions.js';
import { DEFAULT_CONFIG } from '../../lib/config.js';

/** What the code synthesizes with the default configuration, as `npm run synth` writes it into dist/. */
const manifests = synthStack();
const workloads = manifests.filter((m) => WORKLOAD_KINDS.includes(m.kind));
const key = (m: Manifest) => `${m.metadata.namespace}/${m.metadata.name}`;

/** The departures from the restricted profile a workload makes. */
function departures(m: Manifest): string[] {
  const spec = podSpec(m);
  const found = new Set<string>();
  if (spec.hostNetwork) found.add('hostNetwork');
  if (spec.hostPID) found.add('hostPID');
  if ((spec.volumes ?? []).some((v: any) => v.hostPath)) found.add('hostPath');
  for (const c of spec.containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) found.add('privileged');
    if (sc.runAsUser === 0 || sc.runAsNonRoot !== true) found.add('root');
    if (sc.capabilities?.add?.length) found.add('capabilities');
    if (!c.livenessProbe || !c.readinessProbe) found.add('noProbes');
  }
  return [...found].sort();
}

/** Volume sources Pod Security `restricted` admits. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** What Pod Security admission at level `restricted` would reject in a pod spec (the checks of the v1.3x standard). */
function restrictedViolations(spec: Record<string, any>): string[] {
  const problems: string[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field]) problems.push(field);
  for (const v of spec.volumes ?? []) {
    const source = Object.keys(v).find((k) => k !== 'name');
    if (!source || !RESTRICTED_VOLUMES.includes(source)) problems.push(`volume ${v.name}: ${source}`);
  }
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) problems.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation`);
    if (!(sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot)) problems.push(`${c.name}: runAsNonRoot`);
    if ((sc.runAsUser ?? spec.securityContext?.runAsUser) === 0) problems.push(`${c.name}: runAsUser 0`);
    if ((sc.seccompProfile ?? spec.securityContext?.seccompProfile)?.type !== 'RuntimeDefault') problems.push(`${c.name}: seccomp`);
    if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${c.name}: capabilities not dropped`);
    if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE')) problems.push(`${c.name}: capabilities added`);
    if ((c.ports ?? []).some((p: any) => p.hostPort)) problems.push(`${c.name}: hostPort`);
  }
  return problems;
}

describe('policy over the synthesized stack', () => {
  test('every pod in a restricted namespace passes the Pod Security restricted checks', () => {
    const restricted = new Set(manifests.filter((m) => m.kind === 'Namespace'
      && (m.metadata as any).labels['pod-security.kubernetes.io/enforce'] === 'restricted').map((m) => m.metadata.name));
    const inRestricted = workloads.filter((m) => restricted.has(m.metadata.namespace!));
    expect(inRestricted.length).toBeGreaterThanOrEqual(8);
    expect(inRestricted.flatMap((m) => restrictedViolations(podSpec(m)).map((p) => `${objectId(m)} ${p}`))).toEqual([]);
  });

  test('the restricted checks catch a host agent (the checker is real)', () => {
    const agent = workloads.find((m) => m.metadata.name === 'process-detector')!;
    expect(restrictedViolations(podSpec(agent))).toEqual(expect.arrayContaining(['hostPID', 'process-detector: runAsNonRoot', 'process-detector: capabilities added']));
  });

  test('the synthesis holds the stack', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(13);
  });

  test('every container has requests and limits for CPU and memory', () => {
    const missing = workloads.flatMap((m) => podSpec(m).containers
      .filter((c: any) => !c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.cpu || !c.resources?.limits?.memory)
      .map((c: any) => `${objectId(m)}:${c.name}`));
    expect(missing).toEqual([]);
  });

  test('every container not on the exception list has liveness and readiness probes', () => {
    const missing = workloads.filter((m) => departures(m).includes('noProbes') && !SECURITY_EXCEPTIONS[key(m)]?.allows.includes('noProbes'));
    expect(missing.map(objectId)).toEqual([]);
  });

  test('every container is read-only, drops all capabilities, escalates nothing, uses RuntimeDefault seccomp', () => {
    const bad = workloads.flatMap((m) => podSpec(m).containers.filter((c: any) => {
      const sc = c.securityContext ?? {};
      return sc.readOnlyRootFilesystem !== true || !sc.capabilities?.drop?.includes('ALL') || sc.seccompProfile?.type !== 'RuntimeDefault'
        || (sc.allowPrivilegeEscalation !== false && !sc.privileged);
    }).map((c: any) => `${objectId(m)}:${c.name}`));
    expect(bad).toEqual([]);
  });

  test('departures from the restricted profile are exactly those on the commented exception list', () => {
    const actual = Object.fromEntries(workloads.filter((m) => departures(m).length > 0).map((m) => [key(m), departures(m)]));
    const allowed = Object.fromEntries(Object.entries(SECURITY_EXCEPTIONS).map(([k, v]) => [k, [...v.allows].sort()]));
    expect(actual).toEqual(allowed);
  });

  test('only host agents run in the privileged namespace, and that namespace is labelled so', () => {
    const privileged = manifests.filter((m) => m.kind === 'Namespace' && (m.metadata as any).labels['pod-security.kubernetes.io/enforce'] === 'privileged');
    expect(privileged.map((m) => m.metadata.name)).toEqual(['odin-system']);
    const restricted = manifests.filter((m) => m.kind === 'Namespace' && (m.metadata as any).labels['pod-security.kubernetes.io/enforce'] === 'restricted');
    expect(restricted.map((m) => m.metadata.name)).toEqual(['odin']);
    expect(workloads.filter((m) => m.metadata.namespace === 'odin' && departures(m).length > 0).map(objectId)).toEqual([]);
  });

  test('only workloads that call the API mount a service-account token', () => {
    const withToken = workloads.filter((m) => podSpec(m).automountServiceAccountToken !== false).map(key).sort();
    expect(withToken).toEqual(['odin-system/promtail', 'odin/kube-state-metrics', 'odin/pod-detector', 'odin/prometheus']);
    const serviceAccounts = manifests.filter((m) => m.kind === 'ServiceAccount');
    expect(serviceAccounts.every((sa) => (sa as any).automountServiceAccountToken === false)).toBe(true);
  });

  test('no RBAC rule uses a wildcard or reads Secrets, and every verb is read-only', () => {
    const rules = manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role')
      .flatMap((m) => ((m as any).rules ?? []).map((r: any) => ({ id: objectId(m), ...r })));
    expect(rules.length).toBeGreaterThan(0);
    const bad = rules.filter((r: any) => [...r.apiGroups, ...r.resources, ...r.verbs].includes('*')
      || r.resources.some((res: string) => res === 'secrets' || res.startsWith('secrets/'))
      || r.verbs.some((v: string) => !['get', 'list', 'watch'].includes(v)));
    expect(bad).toEqual([]);
  });

  test('every workload is selected by its own NetworkPolicy besides the namespace default-deny', () => {
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const unselected = workloads.filter((w) => {
      const labels = (w as any).spec.template.metadata.labels;
      return !policies.some((p) => p.metadata.namespace === w.metadata.namespace && Object.keys((p as any).spec.podSelector.matchLabels ?? {}).length > 0
        && Object.entries((p as any).spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v));
    });
    expect(unselected.map(objectId)).toEqual([]);
    for (const ns of ['odin', 'odin-system']) {
      const deny = policies.find((p) => p.metadata.namespace === ns && p.metadata.name === 'default-deny') as any;
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });

  test("a monitor never changes the host: every host path is checked to exist, and only ODIN's data directory may be created", () => {
    const volumes = workloads.flatMap((m) => (podSpec(m).volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => ({ id: `${objectId(m)}:${v.name}`, ...v.hostPath })));
    expect(volumes.length).toBeGreaterThan(10);
    const creating = volumes.filter((v: any) => !v.type || v.type.endsWith('OrCreate'));
    expect(creating.filter((v: any) => !v.path.startsWith(`${DEFAULT_CONFIG.storage.hostPathRoot}/`)).map((v: any) => `${v.id} ${v.path} ${v.type ?? '(unchecked)'}`)).toEqual([]);
  });

  test('no password, token or private key text anywhere in the files of dist/', () => {
    const text = [...manifestFiles(manifests).values()].join('\n');
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(text).not.toMatch(/^\s*(password|passwd|smtp_auth_password|admin_password|client_secret|token|bearer_token|api_key|apikey)\s*:/im);
    expect(text).not.toMatch(/GF_SECURITY_ADMIN_PASSWORD\s*\n\s*value:/);
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
  });
});
