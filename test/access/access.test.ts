import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../detectors/runtime/config.js';
import { HttpPrometheusClient, PrometheusError } from '../../detectors/runtime/prometheus-client.js';
import { synthesizeManifests } from '../../lib/synth.js';
import { userSecrets } from '../../lib/user-secrets.js';
import { AlertmanagerServer } from '../alertmanager/alertmanager-server.js';
import { writeSynthesizedConfig } from '../alertmanager/synthesized-config.js';
import { fileDiscovery, TestPrometheus } from '../detectors/helpers/prometheus.js';
import { eventually } from '../detectors/helpers/wait-for.js';
import { findObject, podSpec, testConfig } from '../helpers.js';
import { tempDir } from '../validate/tools.js';
import { mountedFiles } from './mounts.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from './remote-write.js';

/**
 * Nothing is writable from the LAN: Debian's Prometheus and Alertmanager run with the web configuration and flags the
 * manifests give them, filled from the Secret `npm run secrets` creates (with a known password here), and Prometheus's
 * own jobs and the detector's client use the credentials the manifests name.
 *
 * Version skew: the manifests run Prometheus 3.5 with `--web.enable-otlp-receiver`; Debian's 2.42 has no OTLP
 * receiver (it came in 2.47) but has the remote-write receiver (`--web.enable-remote-write-receiver`, here only). Basic
 * auth sits in front of every path in both (exporter-toolkit), so an OTLP write is refused the same way; the accepted
 * write is shown with remote write.
 */
const PASSWORD = 'test-only-password';
const config = testConfig();
const manifests = synthesizeManifests(config);
const secrets = userSecrets(config, { web: PASSWORD, grafanaAdmin: 'unused' });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const AUTHORIZED = basic(config.access.username, PASSWORD);
const WRONG = basic(config.access.username, 'guess');

/** The synthesized flag `--name=...` of a workload's first container, its path made local. */
function webConfigFlag(kind: string, name: string, namespace?: string): string[] {
  const workload = findObject(manifests, kind, name, namespace);
  const args: string[] = podSpec(workload).containers[0].args;
  return mountedFiles(manifests, workload, secrets).localArgs(args.filter((a) => a.startsWith('--web.config.file=')));
}

let alertmanager: AlertmanagerServer;
let prometheus: TestPrometheus;

beforeAll(async () => {
  alertmanager = await AlertmanagerServer.start(writeSynthesizedConfig(manifests), webConfigFlag('Deployment', 'alertmanager'), AUTHORIZED);
  const deployment = findObject(manifests, 'Deployment', 'prometheus');
  const files = mountedFiles(manifests, deployment, secrets);
  const synthesized = parse((findObject(manifests, 'ConfigMap', 'prometheus-config') as any).data['prometheus.yml']);
  prometheus = await TestPrometheus.startWithConfig((dir) => {
    // The synthesized self-scrape job and alerting section, aimed at this test's ports and files. (Debian's Prometheus
    // has no Kubernetes discovery, so the other jobs stay out.)
    writeFileSync(join(dir, 'rules.yml'), stringify({ groups: [{ name: 'test', rules: [{ alert: 'AlwaysFiring', expr: 'vector(1)' }] }] }));
    const auth = (job: { basic_auth: { password_file: string } }) => ({ ...job, basic_auth: { ...job.basic_auth, password_file: files.local(job.basic_auth.password_file) } });
    const self = synthesized.scrape_configs.find((j: { job_name: string }) => j.job_name === 'prometheus');
    return stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yml')],
      alerting: { alertmanagers: synthesized.alerting.alertmanagers.map((am: any) => ({ ...auth(am), static_configs: [{ targets: [new URL(alertmanager.url).host] }] })) },
      scrape_configs: [{ ...auth(self), static_configs: undefined, ...fileDiscovery(dir, 'prometheus') }],
    });
  }, {
    // Test-only flags: the remote-write receiver (see above), and a resend every second, since the first notification
    // goes out before Prometheus has discovered the Alertmanager and the default resend waits a minute.
    args: [...webConfigFlag('Deployment', 'prometheus'), '--web.enable-remote-write-receiver', '--rules.alert.resend-delay=1s'], authorization: AUTHORIZED,
  });
  prometheus.setTargets('prometheus', [new URL(prometheus.url).host]);
}, 60_000);

afterAll(async () => {
  alertmanager?.stop();
  await prometheus?.stop();
});

async function query(expr: string, authorization = AUTHORIZED): Promise<Response> {
  return fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`, { headers: { authorization } });
}

describe('Prometheus with the synthesized web configuration', () => {
  test('refuses an unauthenticated or wrongly authenticated remote write (401), accepts the authenticated one', async () => {
    const write = (headers: Record<string, string>) => fetch(`${prometheus.url}/api/v1/write`, {
      method: 'POST', headers: { ...REMOTE_WRITE_HEADERS, ...headers }, body: remoteWriteBody({ __name__: 'nvidia_gpu_temperature_celsius', gpu: '0' }, 99, Date.now()),
    });
    expect((await write({})).status).toBe(401);
    expect((await write({ authorization: WRONG })).status).toBe(401);
    expect((await write({ authorization: AUTHORIZED })).status).toBe(204);
    const body = await (await query('nvidia_gpu_temperature_celsius')).json() as { data: { result: Array<{ value: [number, string] }> } };
    expect(body.data.result.map((r) => r.value[1])).toEqual(['99']);
  });

  test('refuses an unauthenticated OTLP write (401); authenticated it passes the auth layer (404: 2.42 has no receiver)', async () => {
    const otlp = (headers: Record<string, string>) => fetch(`${prometheus.url}/api/v1/otlp/v1/metrics`, {
      method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...headers }, body: new Uint8Array(0),
    });
    expect((await otlp({})).status).toBe(401);
    expect((await otlp({ authorization: AUTHORIZED })).status).toBe(404);
  });

  test('guards queries and even /-/healthy, so the probes only open the port', async () => {
    expect((await query('up', '')).status).toBe(401);
    expect((await fetch(`${prometheus.url}/-/healthy`)).status).toBe(401);
    const container = podSpec(findObject(manifests, 'Deployment', 'prometheus')).containers[0];
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) expect(probe).toMatchObject({ tcpSocket: { port: 9090 } });
    const { port, hostname } = new URL(prometheus.url);
    await new Promise<void>((resolve, reject) => connect(Number(port), hostname, resolve).on('error', reject).unref());
  });

  test('scrapes itself with the credentials of its synthesized self-scrape job', async () => {
    await eventually('up{job="prometheus"} == 1', 20_000, async () => {
      const body = await (await query('up{job="prometheus"} == 1')).json() as { data: { result: unknown[] } };
      return body.data.result.length === 1 ? true : undefined;
    });
  });
});

describe('Alertmanager with the synthesized web configuration', () => {
  const silence = {
    matchers: [{ name: 'alertname', value: '.+', isRegex: true, isEqual: true }],
    startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: 'lan', comment: 'mute everything',
  };
  const postSilence = (headers: Record<string, string>) => fetch(`${alertmanager.url}/api/v2/silences`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(silence),
  });

  test('refuses an unauthenticated or wrongly authenticated silence (401), accepts the authenticated one', async () => {
    expect((await postSilence({})).status).toBe(401);
    expect((await postSilence({ authorization: WRONG })).status).toBe(401);
    const accepted = await postSilence({ authorization: AUTHORIZED });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toHaveProperty('silenceID');
  });

  test('receives the alerts Prometheus sends with the credentials of its synthesized alerting section', async () => {
    await eventually('the alert in Alertmanager', 20_000, async () =>
      ((await alertmanager.alerts()).some((a) => a.labels.alertname === 'AlwaysFiring') ? true : undefined));
  });
});

describe("the detectors' Prometheus client with the synthesized environment", () => {
  const workload = findObject(manifests, 'Deployment', 'gpu-detector');
  const container = podSpec(workload).containers[0];
  const env = Object.fromEntries(container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
  const detectorConfig = () => loadConfig(container.args[0], {
    ...env, ODIN_CONFIG_FILE: '', ODIN_PROMETHEUS_URL: prometheus.url,
    ODIN_PROMETHEUS_PASSWORD_FILE: mountedFiles(manifests, workload, secrets).local(env.ODIN_PROMETHEUS_PASSWORD_FILE),
  });

  test('queries and pings with the user and the mounted password file', async () => {
    const client = new HttpPrometheusClient({ url: prometheus.url, auth: detectorConfig().prometheusAuth });
    expect(await client.ping()).toBe(true);
    expect((await client.query('vector(7)'))[0].points[0][1]).toBe(7);
  });

  test('reports a refused password as an HTTP error that says what to check, and reads a rotated password file at once', async () => {
    const passwordFile = join(tempDir('password'), 'password');
    writeFileSync(passwordFile, 'guess\n');
    const errors: PrometheusError[] = [];
    const client = new HttpPrometheusClient({ url: prometheus.url, auth: { username: 'odin', passwordFile }, onError: (e) => errors.push(e) });
    await expect(client.query('vector(1)')).rejects.toThrow(/HTTP 401 \(unauthorized: check ODIN_PROMETHEUS_USERNAME/);
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    expect(await client.query('vector(1)')).toHaveLength(1);
    rmSync(passwordFile);
    await expect(client.query('vector(1)')).rejects.toThrow(/password file .* cannot be read: ENOENT/);
    expect(errors.map((e) => e.kind)).toEqual(['http', 'credentials']);
    expect(await new HttpPrometheusClient({ url: prometheus.url }).ping()).toBe(false);
  });
});
