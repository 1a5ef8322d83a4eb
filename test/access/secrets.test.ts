import bcrypt from 'bcryptjs';
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { BCRYPT_COST, newPassword, userSecrets } from '../../lib/user-secrets.js';
import { Manifest } from '../../lib/synth.js';
import { schemaProblems } from '../validate/k8s-schema.js';
import { REAL_EMAIL, WORKLOAD_KINDS, findObject, podSpec, synthStack, testConfig } from '../helpers.js';

/** Every Secret key a workload of `manifests` reads (volumes and env), as `namespace/secret:key`. */
function secretKeysRead(manifests: readonly Manifest[]): string[] {
  return manifests.filter((m) => WORKLOAD_KINDS.includes(m.kind)).flatMap((m) => {
    const spec = podSpec(m);
    const volumes = (spec.volumes ?? []).filter((v: any) => v.secret)
      .flatMap((v: any) => v.secret.items.map((i: any) => `${m.metadata.namespace}/${v.secret.secretName}:${i.key}`));
    const env = spec.containers.flatMap((c: any) => (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef)
      .map((e: any) => `${m.metadata.namespace}/${e.valueFrom.secretKeyRef.name}:${e.valueFrom.secretKeyRef.key}`));
    return [...volumes, ...env];
  }).sort();
}

/** What `userSecrets` creates, as `namespace/secret:key`. */
function secretKeysCreated(secrets: readonly Manifest[]): string[] {
  return secrets.flatMap((s) => Object.keys((s as any).stringData).map((k) => `${s.metadata.namespace}/${s.metadata.name}:${k}`)).sort();
}

describe('the Secrets `npm run secrets` creates', () => {
  test.each([
    ['the default stack', {}],
    ['a renamed stack without Grafana', { namespace: 'mon', hostAgentNamespace: 'mon-host', components: { grafana: false }, access: { secretName: 'web', username: 'prom' } }],
    ['a stack without basic auth', { access: { basicAuth: false } }],
  ])('are exactly those %s reads (each key, in its namespace)', (_, overrides) => {
    const secrets = userSecrets(testConfig(overrides), { web: 'w', grafanaAdmin: 'g' });
    expect(new Set(secretKeysCreated(secrets))).toEqual(new Set(secretKeysRead(synthStack(overrides))));
  });

  test('leave out only the SMTP password, which is the user\'s own', () => {
    const overrides = { alerting: { email: REAL_EMAIL } };
    const missing = secretKeysRead(synthStack(overrides)).filter((k) => !secretKeysCreated(userSecrets(testConfig(overrides), { web: 'w', grafanaAdmin: 'g' })).includes(k));
    expect(missing).toEqual(['odin/odin-smtp:password']);
  });

  test('hold a bcrypt hash of the password in web.yml, and the password itself only where a client reads it', async () => {
    const password = newPassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const secrets = userSecrets(testConfig(), { web: password, grafanaAdmin: 'g' });
    const web = (findObject(secrets, 'Secret', 'odin-web-auth', 'odin') as any).stringData;
    const hash = parse(web['web.yml']).basic_auth_users.odin as string;
    expect(hash).toMatch(new RegExp(`^\\$2[aby]\\$${BCRYPT_COST}\\$`));
    expect(bcrypt.compareSync(password, hash)).toBe(true);
    expect(web.password).toBe(password);
    expect(Object.keys((findObject(secrets, 'Secret', 'odin-web-auth', 'odin-system') as any).stringData)).toEqual(['web.yml']);
    expect((await Promise.all(secrets.map(schemaProblems))).flat()).toEqual([]);
  });
});

describe('npm run secrets', () => {
  test('prints the Secrets as YAML for kubectl create, with new passwords, and says on stderr how to read them back', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'scripts', 'secrets.ts')], { encoding: 'utf8', env: { ...process.env, ODIN_CONFIG: '' } });
    expect(run.status, run.stderr).toBe(0);
    const printed = parseAllDocuments(run.stdout).map((d) => d.toJS() as Manifest);
    expect(printed.map((m) => `${m.metadata.namespace}/${m.metadata.name}`)).toEqual(['odin/odin-grafana-admin', 'odin/odin-web-auth', 'odin-system/odin-web-auth']);
    const password = (printed[1] as any).stringData.password;
    expect(bcrypt.compareSync(password, parse((printed[1] as any).stringData['web.yml']).basic_auth_users.odin)).toBe(true);
    expect(password).not.toBe((printed[0] as any).stringData['admin-password']);
    expect(run.stderr).toContain("kubectl -n odin get secret odin-web-auth -o jsonpath='{.data.password}' | base64 -d");
  });
});

describe('basic auth in the manifests', () => {
  const servers = [['Deployment', 'prometheus'], ['Deployment', 'alertmanager'], ['DaemonSet', 'node-exporter']] as const;

  test('is on by default for every server reachable from outside, and off only when asked', () => {
    const flags = (overrides: unknown) => servers.map(([kind, name]) => {
      const container = podSpec(findObject(synthStack(overrides), kind, name)).containers[0];
      return [name, container.args.includes('--web.config.file=/etc/web-auth/web.yml'), container.livenessProbe.tcpSocket !== undefined];
    });
    expect(flags({})).toEqual(servers.map(([, name]) => [name, true, true]));
    expect(flags({ access: { basicAuth: false } })).toEqual(servers.map(([, name]) => [name, false, false]));
    const opened = synthStack({ access: { basicAuth: false } });
    expect((findObject(opened, 'ConfigMap', 'prometheus-config') as any).data['prometheus.yml']).not.toMatch(/basic_auth/);
    expect(secretKeysRead(opened).filter((k) => k.includes('web-auth'))).toEqual([]);
  });

  test("Grafana's Prometheus and Alertmanager datasources log in with the Secret's password, which no ConfigMap holds", () => {
    const manifests = synthStack();
    const grafana = podSpec(findObject(manifests, 'Deployment', 'grafana')).containers[0];
    const env = grafana.env.find((e: any) => e.name === 'ODIN_DATASOURCE_PASSWORD');
    expect(env.valueFrom.secretKeyRef).toEqual({ name: 'odin-web-auth', key: 'password' });
    const datasources = parse((findObject(manifests, 'ConfigMap', 'grafana-provisioning') as any).data['datasources.yaml']).datasources;
    const auth = Object.fromEntries(datasources.map((d: any) => [d.uid, [d.basicAuth ?? false, d.basicAuthUser, d.secureJsonData?.basicAuthPassword]]));
    expect(auth).toEqual({
      prometheus: [true, 'odin', '${ODIN_DATASOURCE_PASSWORD}'], alertmanager: [true, 'odin', '${ODIN_DATASOURCE_PASSWORD}'], loki: [false, undefined, undefined],
    });
  });

  test('every scrape of a server behind basic auth, and every alert sent to one, carries the credentials', () => {
    const manifests = synthStack();
    const config = parse((findObject(manifests, 'ConfigMap', 'prometheus-config') as any).data['prometheus.yml']);
    const withAuth = config.scrape_configs.filter((j: any) => j.basic_auth).map((j: any) => j.job_name).sort();
    expect(withAuth).toEqual(['alertmanager', 'node-exporter', 'prometheus']);
    expect(config.alerting.alertmanagers[0].basic_auth).toEqual({ username: 'odin', password_file: '/etc/prometheus-client-auth/password' });
  });
});
