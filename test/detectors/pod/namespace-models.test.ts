import { describe, expect, test } from 'vitest';
import { NamespaceModels } from '../../../detectors/pod/namespace-models.js';
import type { NamespaceSamples, PodValue } from '../../../detectors/pod/pod-queries.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';

const NOW_SEC = 1_795_000_000;
const MiB = 2 ** 20;

/** A day of 5-minute samples for `pods` pods whose memory varies by about 10% (roughly normal) around `center`. */
function history(center: number, pods: number): NamespaceSamples {
  const random = mulberry32(7);
  const timestampsSec: number[] = [];
  const values: number[] = [];
  for (let p = 0; p < pods; p++) {
    for (let t = NOW_SEC - 86_400; t < NOW_SEC; t += 300) {
      timestampsSec.push(t);
      values.push(center * (1 + 0.1 * (random() + random() + random() - 1.5) * 2));
    }
  }
  return { timestampsSec, values };
}

function scoreOf(scores: ReturnType<NamespaceModels['score']>, pod: string): number | undefined {
  return scores.find((s) => s.pod === pod)?.score;
}

describe('NamespaceModels', () => {
  const models = NamespaceModels.train(new Map([['shop', history(200 * MiB, 4)], ['ml', history(8000 * MiB, 2)]]), NOW_SEC, 0.05);

  test('each namespace is its own baseline: what is normal in one is anomalous in the other', () => {
    const scores = models.score([
      { namespace: 'shop', pod: 'api-normal', value: 205 * MiB },
      { namespace: 'shop', pod: 'api-leaking', value: 3000 * MiB },
      { namespace: 'ml', pod: 'trainer-normal', value: 7900 * MiB },
    ], NOW_SEC);
    expect(scoreOf(scores, 'api-normal')).toBeLessThan(90);
    expect(scoreOf(scores, 'api-leaking')).toBeGreaterThan(90);
    expect(scoreOf(scores, 'trainer-normal')).toBeLessThan(90);
    expect(models.namespaceCount).toBe(2);
  });

  test('a namespace unseen in training is scored against its current peers, when it has enough of them', () => {
    const newNamespace: PodValue[] = ['a', 'b', 'c', 'd'].map((pod, i) => ({ namespace: 'new', pod, value: (180 + 20 * i) * MiB }));
    const scores = models.score([...newNamespace, { namespace: 'new', pod: 'odd', value: 5000 * MiB }, { namespace: 'lonely', pod: 'x', value: 1 }], NOW_SEC);
    expect(scoreOf(scores, 'odd')).toBeGreaterThan(90);
    expect(scoreOf(scores, 'a')).toBeLessThan(90);
    expect(scoreOf(scores, 'x')).toBeUndefined();
  });

  test('survives a JSON round trip with identical scores, and refuses junk', () => {
    const values: PodValue[] = [{ namespace: 'shop', pod: 'p', value: 260 * MiB }, { namespace: 'ml', pod: 'q', value: 100 * MiB }];
    const restored = NamespaceModels.fromJSON(JSON.parse(JSON.stringify(models.toJSON())));
    expect(restored.score(values, NOW_SEC)).toEqual(models.score(values, NOW_SEC));
    expect(() => NamespaceModels.fromJSON({ kind: 'something-else' })).toThrow(/odin.pod-namespace-models/);
    expect(() => NamespaceModels.fromJSON({ kind: 'odin.pod-namespace-models', version: 2, baselines: { shop: {} } })).toThrow(/shop/);
    expect(() => NamespaceModels.fromJSON({ kind: 'odin.pod-namespace-models', version: 1, namespaces: {} })).toThrow(/version 2/);
  });

  test('a metric that is constant in training (no restarts ever) flags the first change', () => {
    const zeros = { timestampsSec: [1, 2, 3, 4, 5, 6].map((i) => NOW_SEC - i * 300), values: [0, 0, 0, 0, 0, 0] };
    const restarts = NamespaceModels.train(new Map([['shop', zeros]]), NOW_SEC, 0.05);
    const scores = restarts.score([{ namespace: 'shop', pod: 'calm', value: 0 }, { namespace: 'shop', pod: 'restarting', value: 3 }], NOW_SEC);
    expect(scoreOf(scores, 'calm')).toBeLessThan(90);
    expect(scoreOf(scores, 'restarting')).toBeGreaterThan(90);
  });
});
