import { describe, expect, test } from 'vitest';
import { findObject, objectId, synthStack } from '../helpers.js';
import { schemaProblems } from './k8s-schema.js';

describe('Kubernetes schema (kubernetes-models, unknown keys rejected)', () => {
  test('every object of the default synthesis validates and uses only keys the schema defines', async () => {
    // GIVEN what the code synthesizes into dist/
    const manifests = synthStack();
    expect(manifests.length).toBeGreaterThan(50);
    // WHEN each object is checked THEN no object has a problem (the failure names the object)
    const problems = (await Promise.all(manifests.map(async (m) => (await schemaProblems(m)).map((p) => `${objectId(m)} ${p}`)))).flat();
    expect(problems).toEqual([]);
  });

  test('every object of a non-default synthesis validates too', async () => {
    const manifests = synthStack({ storage: { mode: 'hostPath' }, alerting: { webhooks: [{ url: 'https://chat.example.com/hook' }] } });
    const problems = (await Promise.all(manifests.map(async (m) => (await schemaProblems(m)).map((p) => `${objectId(m)} ${p}`)))).flat();
    expect(problems).toEqual([]);
  });

  test('fails on a misspelled field that kubernetes-models alone accepts', async () => {
    const deployment = structuredClone(findObject(synthStack(), 'Deployment', 'prometheus'));
    (deployment as any).spec.replica = 2;
    (deployment as any).spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect((await schemaProblems(deployment)).sort()).toEqual([
      '/spec/replica: not in the schema',
      '/spec/template/spec/containers/0/imagePullPolicyy: not in the schema',
    ]);
  });

  test('fails on a wrong type', async () => {
    const service = structuredClone(findObject(synthStack(), 'Service', 'grafana'));
    (service as any).spec.ports[0].port = 'three thousand';
    expect((await schemaProblems(service)).join('\n')).toMatch(/\/spec\/ports\/0\/port/);
  });
});
