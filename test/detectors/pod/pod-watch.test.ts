import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadKubeConfig } from '../../../detectors/pod/kube-config.js';
import { PodWatch } from '../../../detectors/pod/pod-watch.js';
import { KubeApiReplay, k8sFixture } from './kube-api-replay.js';
import { waitFor } from '../helpers/wait-for.js';

const tempDir = mkdtempSync(join(tmpdir(), 'odin-pod-watch-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** A cluster replayed from the hand-assembled API responses of test/fixtures/k8s. */
function replayedCluster(): KubeApiReplay {
  return new KubeApiReplay({
    '/api/v1/pods': {
      lists: [k8sFixture('pod-list.json'), k8sFixture('pod-list-relist.json')],
      watches: [k8sFixture('pod-watch-1.jsonl'), k8sFixture('pod-watch-gone.jsonl')],
    },
    '/api/v1/events': { lists: [k8sFixture('event-list.json')], watches: [k8sFixture('event-watch-1.jsonl')] },
  });
}

function podNames(watch: PodWatch): string[] {
  return watch.pods().map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort();
}

describe('PodWatch against hand-assembled API responses, replayed', () => {
  test('lists, resumes the watch from the last resourceVersion, and relists after 410 Gone', async () => {
    // GIVEN a replayed API server whose second watch answers 410 Gone
    const api = replayedCluster();
    const port = await api.listen();
    const errors: unknown[] = [];
    let connected = 0;
    const watch = new PodWatch(loadKubeConfig(api.writeKubeconfig(tempDir, port)), { onError: (err) => errors.push(err), onConnected: () => connected++ });
    try {
      // WHEN the watch runs until it has relisted and watches again
      watch.start();
      await waitFor(() => api.watchesOf('/api/v1/pods').length >= 3);
      // THEN each watch resumed where the previous left off, and the 410 made it list again
      expect(api.watchesOf('/api/v1/pods').map((r) => r.resourceVersion)).toEqual(['41250', '41290', '41400']);
      expect(api.listsOf('/api/v1/pods')).toHaveLength(2);
      expect(podNames(watch)).toEqual([
        'default/web-7d9c6b8f5-q8x2m', 'kube-system/coredns-ccb96694c-m4z9d', 'ml/etl-29123340-tz7wq',
        'ml/notebook-0', 'ml/trainer-0', 'shop/api-5f6d8c7b9-x2k4p',
      ]);
      // AND events are watched for pods' warnings only, the watched one included
      expect(api.watchesOf('/api/v1/events')[0]?.fieldSelector).toBe('involvedObject.kind=Pod,type=Warning');
      await waitFor(() => watch.warningEvents().some((e) => e.reason === 'Unhealthy'));
      // AND every list and opened watch said the API server answers: pods 2 lists + 3 watches, events 1 + 1 at least
      await waitFor(() => connected >= 7);
      expect(errors).toEqual([]);
    } finally {
      await watch.stop();
      await api.close();
    }
  });

  test('an unreachable API server is reported, retried with backoff, and picked up when it comes back', async () => {
    // GIVEN a kubeconfig pointing at a port where nothing listens yet
    const api = replayedCluster();
    const placeholder = new KubeApiReplay({});
    const port = await placeholder.listen();
    await placeholder.close();
    const retries: number[] = [];
    const errors: string[] = [];
    let connected = 0;
    const watch = new PodWatch(loadKubeConfig(api.writeKubeconfig(tempDir, port)), {
      onError: (err, retryInMs) => { retries.push(retryInMs); errors.push(String(err)); },
      onConnected: () => connected++,
      initialBackoffMs: 20, maxBackoffMs: 80,
    });
    try {
      // WHEN the watch starts
      watch.start();
      await waitFor(() => retries.length >= 6);
      // THEN it stays down without throwing, backing off up to the cap
      expect(connected).toBe(0);
      expect(errors.at(-1)).toMatch(/ECONNREFUSED/);
      expect(Math.max(...retries)).toBe(80);
      // AND WHEN the API server appears, it lists and watches
      await api.listen(port);
      await waitFor(() => connected > 0 && watch.pods().length > 0);
      expect(podNames(watch)).toContain('shop/api-5f6d8c7b9-x2k4p');
    } finally {
      await watch.stop();
      await api.close();
    }
  });

  test('after an outage mid-watch it resumes watching without a relist, and says the API server is back', async () => {
    // GIVEN a watch that has listed and is watching an idle cluster
    const api = new KubeApiReplay({ '/api/v1/pods': { lists: [k8sFixture('pod-list.json')], watches: [] }, '/api/v1/events': { lists: [k8sFixture('event-list.json')], watches: [] } });
    const port = await api.listen();
    const states: boolean[] = [];
    const watch = new PodWatch(loadKubeConfig(api.writeKubeconfig(tempDir, port)), {
      onError: () => states.push(false), onConnected: () => states.push(true), initialBackoffMs: 20, maxBackoffMs: 80,
    });
    try {
      watch.start();
      await waitFor(() => api.watchesOf('/api/v1/pods').length === 1);
      // WHEN the API server goes away for a while and comes back on the same address
      await api.close();
      await waitFor(() => states.filter((up) => !up).length >= 4);
      const restarted = new KubeApiReplay({ '/api/v1/pods': { lists: [k8sFixture('pod-list.json')], watches: [] }, '/api/v1/events': { lists: [k8sFixture('event-list.json')], watches: [] } });
      await restarted.listen(port);
      try {
        // THEN the pod watch resumes from where it was, without listing again, and that counts as connected
        await waitFor(() => restarted.watchesOf('/api/v1/pods').length >= 1 && states.at(-1) === true);
        expect(restarted.watchesOf('/api/v1/pods')[0]?.resourceVersion).toBe('41250');
        expect(restarted.listsOf('/api/v1/pods')).toHaveLength(0);
        expect(watch.pods()).toHaveLength(5);
      } finally {
        await watch.stop();
        await restarted.close();
      }
    } finally {
      await watch.stop();
    }
  });
});
