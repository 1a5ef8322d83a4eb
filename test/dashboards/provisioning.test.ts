import { describe, expect, test } from 'vitest';
import { ALL_DASHBOARDS } from '../../dashboards/index.js';
import { findObject, synthStack } from '../helpers.js';

type ConfigMap = { metadata: { name: string }; data: Record<string, string> };

/** What Grafana actually receives: the dashboards as the stack synthesizes them. */
describe('dashboards in the synthesized stack', () => {
  const manifests = synthStack();

  test.each(ALL_DASHBOARDS.map((d) => [d.uid!, d] as const))('%s is provisioned in its own ConfigMap under 1 MiB', (uid, dashboard) => {
    const configMap = findObject(manifests, 'ConfigMap', `grafana-dashboard-${uid}`) as unknown as ConfigMap;
    expect(Object.keys(configMap.data)).toEqual([`${uid}.json`]);
    expect(JSON.parse(configMap.data[`${uid}.json`])).toEqual(JSON.parse(JSON.stringify(dashboard)));
    // Client-side `kubectl apply` copies the whole object into an annotation, and annotations hold at most 256 KiB.
    expect(Buffer.byteLength(JSON.stringify(configMap))).toBeLessThan(256 * 1024);
  });
});
