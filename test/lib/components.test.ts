import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DatasourceUid } from '../../dashboards/datasources.js';
import { Alertmanager } from '../../lib/alertmanager/alertmanager.js';
import { INHIBIT_EQUAL_LABELS } from '../../lib/alertmanager/alertmanager-config.js';
import { DEFAULT_CONFIG } from '../../lib/config.js';
import { Grafana } from '../../lib/grafana/grafana.js';
import { Loki } from '../../lib/loki/loki.js';
import { Manifest } from '../../lib/synth.js';
import { WATCHED } from '../../detectors/process/file-watcher.js';
import { REAL_EMAIL, findObject, podSpec, synthStack } from '../helpers.js';

describe('Alertmanager', () => {
  test('a critical alert inhibits its warning twin when alertname, component and identity labels match', () => {
    const chart = Testing.chart();
    new Alertmanager(chart, 'Alertmanager');
    const config = parse((findObject(Testing.synth(chart) as Manifest[], 'ConfigMap', 'alertmanager-config') as any).data['alertmanager.yml']);
    expect(config.inhibit_rules[0]).toEqual({ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: INHIBIT_EQUAL_LABELS });
    expect(INHIBIT_EQUAL_LABELS).toEqual(expect.arrayContaining(['alertname', 'component', 'instance', 'gpu', 'namespace', 'pod', 'mountpoint']));
  });

  test('mounts the SMTP password Secret and opens egress to the SMTP and webhook ports only', () => {
    const manifests = synthStack({
      alerting: { email: { ...REAL_EMAIL, smtpPort: 465 }, webhooks: [{ url: 'https://chat.example.com:8443/hook' }] },
    });
    const spec = podSpec(findObject(manifests, 'Deployment', 'alertmanager'));
    expect(spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'odin-smtp', items: [{ key: 'password', path: 'password' }] }) }));
    const egressPorts = (findObject(manifests, 'NetworkPolicy', 'alertmanager') as any).spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port));
    expect(egressPorts.sort()).toEqual([465, 8443]);
  });

  test('fails when email is enabled without recipients', () => {
    const chart = Testing.chart();
    expect(() => new Alertmanager(chart, 'A', { email: { ...DEFAULT_CONFIG.alerting.email, ...REAL_EMAIL, to: [] } })).toThrow("'email.to' needs at least one address");
  });

  test('fails when email is enabled with a placeholder server, naming the field', () => {
    expect(() => new Alertmanager(Testing.chart(), 'A', { email: { ...DEFAULT_CONFIG.alerting.email, enabled: true } }))
      .toThrow("email.smtpHost: 'smtp.example.com' is a placeholder");
  });

  test('with email off by default, every receiver is valid and sends nothing, and no SMTP flow is opened', () => {
    const manifests = synthStack();
    const config = parse((findObject(manifests, 'ConfigMap', 'alertmanager-config') as any).data['alertmanager.yml']);
    expect(config.route.receiver).toBe('default');
    expect(config.receivers.find((r: any) => r.name === 'default')).toEqual({ name: 'default' });
    expect(JSON.stringify(config)).not.toMatch(/example\.com|smtp_/);
    expect((findObject(manifests, 'NetworkPolicy', 'alertmanager') as any).spec.egress ?? []).toEqual([]);
  });
});

describe('Grafana', () => {
  test('provisions exactly the dashboards datasource uids, Loki by its full cluster DNS name', () => {
    const manifests = synthStack();
    const provisioning = parse((findObject(manifests, 'ConfigMap', 'grafana-provisioning') as any).data['datasources.yaml']);
    expect(provisioning.datasources.map((d: any) => d.uid).sort()).toEqual(Object.values(DatasourceUid).sort());
    expect(provisioning.datasources.find((d: any) => d.uid === DatasourceUid.LOKI).url).toBe('http://loki.odin.svc.cluster.local:3100');
  });

  test("gives the Prometheus datasource Prometheus's scrape interval, so $__rate_interval spans four scrapes", () => {
    const manifests = synthStack({ prometheus: { scrapeIntervalSec: 60 } });
    const provisioning = parse((findObject(manifests, 'ConfigMap', 'grafana-provisioning') as any).data['datasources.yaml']);
    expect(provisioning.datasources.find((d: any) => d.uid === DatasourceUid.PROMETHEUS).jsonData.timeInterval).toBe('60s');
  });

  test('takes admin credentials from a Secret and provisions each dashboard in its own ConfigMap', () => {
    const chart = Testing.chart();
    new Grafana(chart, 'Grafana', { dashboards: [{ uid: 'odin-a', title: 'A' } as any, { uid: 'odin-b', title: 'B' } as any] });
    const manifests = Testing.synth(chart) as Manifest[];
    const env = podSpec(findObject(manifests, 'Deployment', 'grafana')).containers[0].env;
    expect(env.find((e: any) => e.name === 'GF_SECURITY_ADMIN_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'odin-grafana-admin', key: 'admin-password' });
    expect(JSON.parse((findObject(manifests, 'ConfigMap', 'grafana-dashboard-odin-b') as any).data['odin-b.json']).title).toBe('B');
  });

  test('fails on a dashboard without a fixed uid, or a uid used twice', () => {
    expect(() => new Grafana(Testing.chart(), 'G', { dashboards: [{ title: 'No uid' } as any] })).toThrow("dashboard 'No uid' needs a fixed uid");
    expect(() => new Grafana(Testing.chart(), 'G', { dashboards: [{ uid: 'x', title: 'A' } as any, { uid: 'x', title: 'B' } as any] })).toThrow("dashboard uid 'x' is used twice");
  });
});

describe('Loki', () => {
  test('fails when its HTTP port is its gRPC port (both listeners would bind 9095)', () => {
    expect(() => new Loki(Testing.chart(), 'Loki', { port: 9095 })).toThrow("'port' must differ from Loki's gRPC port 9095, got 9095");
  });
});

describe('detector image workloads', () => {
  const manifests = synthStack();
  const env = (m: Manifest) => Object.fromEntries(podSpec(m).containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

  test('each detector runs its mode on its contract port with the contract environment', () => {
    for (const [mode, port] of [['gpu', 9405], ['pod', 9406], ['disk', 9408]] as const) {
      const container = podSpec(findObject(manifests, 'Deployment', `${mode}-detector`)).containers[0];
      expect(container.args).toEqual([mode]);
      expect(container.ports).toEqual([{ containerPort: port, name: 'metrics' }]);
      expect(env(findObject(manifests, 'Deployment', `${mode}-detector`))).toMatchObject({
        ODIN_PORT: String(port), ODIN_PROMETHEUS_URL: 'http://prometheus.odin.svc.cluster.local:9090', ODIN_MODELS_DIR: '/models',
        ODIN_CONFIG_FILE: '/etc/odin/detector.json', NODE_NAME: { fieldRef: { fieldPath: 'spec.nodeName' } },
      });
    }
  });

  test('the process detector is a hostPID DaemonSet with /proc and the parents of every watched host file read-only', () => {
    const ds = findObject(manifests, 'DaemonSet', 'process-detector', 'odin-system');
    const spec = podSpec(ds);
    expect(spec.hostPID).toBe(true);
    const mounts = Object.fromEntries(spec.containers[0].volumeMounts.map((m: any) => [m.mountPath, m.readOnly ?? false]));
    expect(mounts).toMatchObject({ '/host/proc': true, '/host/etc': true, '/host/root': true, '/host/home': true, '/host/var/spool': true, '/models': false });
    expect(env(ds)).toMatchObject({ ODIN_PROC_DIR: '/host/proc', ODIN_HOST_ROOT: '/host', ODIN_PORT: '9407' });
    // Every path the file watcher reads (relative to ODIN_HOST_ROOT) lies under one of those mounts.
    const unseen = WATCHED.map((w) => `/host/${w.path}`).filter((path) => !Object.keys(mounts).some((m) => m !== '/host/proc' && path.startsWith(`${m}/`)));
    expect(unseen).toEqual([]);
  });

  test('only the pod detector reads the API: pods, namespaces, nodes, events', () => {
    expect((findObject(manifests, 'ClusterRole', 'odin-pod-detector') as any).rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes', 'events'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(podSpec(findObject(manifests, 'Deployment', 'pod-detector')).serviceAccountName).toBe('pod-detector');
  });

  test('the GPU exporter runs on GPU nodes with the nvidia runtime and every device visible', () => {
    const ds = findObject(manifests, 'DaemonSet', 'gpu-exporter');
    expect(podSpec(ds)).toMatchObject({ runtimeClassName: 'nvidia', nodeSelector: { 'nvidia.com/gpu.present': 'true' } });
    expect(podSpec(ds).containers[0].args).toEqual(['gpu-exporter']);
    expect(env(ds)).toMatchObject({ NVIDIA_VISIBLE_DEVICES: 'all', ODIN_PORT: '9402' });
  });

  test("K3s's RuntimeClass nvidia is used, not owned; a cluster without one can have it defined", () => {
    expect(manifests.filter((m) => m.kind === 'RuntimeClass')).toEqual([]);
    expect((findObject(synthStack({ components: { runtimeClass: true } }), 'RuntimeClass', 'nvidia') as any).handler).toBe('nvidia');
  });
});
