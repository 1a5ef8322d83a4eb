import { Manifest } from '../../lib/synth.js';

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; keyword: string; params: unknown }[] | null };

/** The kubernetes-models schema validator of each kind the stack emits (apiVersion/kind -> compiled schema). */
const SCHEMAS: Record<string, () => Promise<{ validate: Validator }>> = {
  'v1/Namespace': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1Namespace'),
  'v1/ConfigMap': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap'),
  'v1/Secret': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1Secret'),
  'v1/Service': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1Service'),
  'v1/ServiceAccount': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount'),
  'v1/PersistentVolume': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolume'),
  'v1/PersistentVolumeClaim': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolumeClaim'),
  'apps/v1/Deployment': () => import('kubernetes-models/_schemas/IoK8sApiAppsV1Deployment'),
  'apps/v1/DaemonSet': () => import('kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet'),
  'networking.k8s.io/v1/NetworkPolicy': () => import('kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy'),
  'rbac.authorization.k8s.io/v1/ClusterRole': () => import('kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRole'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': () => import('kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRoleBinding'),
  'node.k8s.io/v1/RuntimeClass': () => import('kubernetes-models/_schemas/IoK8sApiNodeV1RuntimeClass'),
  // What the Kubernetes API answers the pod detector (the replayed fixtures of test/fixtures/k8s).
  'v1/Pod': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1Pod'),
  'v1/PodList': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1PodList'),
  'v1/Event': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1Event'),
  'v1/EventList': () => import('kubernetes-models/_schemas/IoK8sApiCoreV1EventList'),
};

/**
 * Wraps `value` so every property the validator reads is recorded. The compiled schema reads exactly the
 * properties the schema defines (and every key of free-form maps), so a key it never read is not in the schema:
 * kubernetes-models itself lets such keys (`replica:`) through.
 */
function tracked<T>(value: T, read: WeakMap<object, Set<string>>, proxies: WeakMap<object, object>): T {
  if (typeof value !== 'object' || value === null) return value;
  const existing = proxies.get(value);
  if (existing) return existing as T;
  const keys = new Set<string>();
  read.set(value, keys);
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === 'string') keys.add(key);
      return tracked(Reflect.get(target, key, receiver), read, proxies);
    },
  });
  proxies.set(value, proxy);
  return proxy as T;
}

/** Paths of keys the validator never read. */
function unreadKeys(value: unknown, read: WeakMap<object, Set<string>>, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => unreadKeys(item, read, `${path}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  const keys = read.get(value) ?? new Set<string>();
  return Object.entries(value).flatMap(([k, v]) => (keys.has(k) ? unreadKeys(v, read, `${path}/${k}`) : [`${path}/${k}: not in the schema`]));
}

/** Every schema problem of one object: type errors from kubernetes-models plus keys the schema does not define. */
export async function schemaProblems(manifest: Manifest): Promise<string[]> {
  const key = `${manifest.apiVersion as string}/${manifest.kind}`;
  const load = SCHEMAS[key];
  if (!load) return [`no schema registered for ${key}`];
  const { validate } = await load();
  const read = new WeakMap<object, Set<string>>();
  const valid = validate(tracked(manifest, read, new WeakMap()));
  const typeErrors = valid ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.keyword} ${JSON.stringify(e.params)}`);
  return [...typeErrors, ...unreadKeys(manifest, read, '')];
}
