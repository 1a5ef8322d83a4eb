/**
 * The Kubernetes API answers the pod detector's tests replay are hand-assembled (test/fixtures/k8s/README.md), not
 * recorded from a cluster. This keeps them honest to the wire: every object validates against the Kubernetes schema
 * with no key the schema lacks, list items carry no kind or apiVersion (the API server omits them,
 * kubernetes/kubernetes#3030) while watch-event objects do, and each watch stream moves forward from its list.
 */
import { describe, expect, test } from 'vitest';
import type { Manifest } from '../../../lib/synth.js';
import { schemaProblems } from '../../validate/k8s-schema.js';
import { k8sFixture } from './kube-api-replay.js';

type ApiObject = Manifest & { metadata: { resourceVersion?: string } };

const LISTS = [['pod-list.json', 'PodList'], ['pod-list-relist.json', 'PodList'], ['event-list.json', 'EventList']] as const;
/** Each watch stream and the list it continues from. */
const WATCHES = [['pod-watch-1.jsonl', 'pod-list.json', 'Pod'], ['pod-watch-gone.jsonl', 'pod-list.json', 'Pod'], ['event-watch-1.jsonl', 'event-list.json', 'Event']] as const;

const list = (name: string) => JSON.parse(k8sFixture(name)) as ApiObject & { items: Array<Record<string, unknown>> };
/** A list with its items' kind and apiVersion filled in, as a client decoding it does (the schema requires them). */
const typed = (answer: ReturnType<typeof list>, listKind: string) =>
  ({ ...answer, items: answer.items.map((item) => ({ apiVersion: 'v1', kind: listKind.replace(/List$/, ''), ...item })) });
const events = (name: string) => k8sFixture(name).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string; object: ApiObject });

describe('hand-assembled Kubernetes API answers (test/fixtures/k8s)', () => {
  test.each(LISTS)('%s is a %s as the API server sends it', async (name, kind) => {
    const answer = list(name);
    expect(answer).toMatchObject({ kind, apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(answer.items.length).toBeGreaterThan(0);
    expect(answer.items.filter((item) => 'kind' in item || 'apiVersion' in item)).toEqual([]);
    expect(await schemaProblems(typed(answer, kind))).toEqual([]);
  });

  test.each(WATCHES)('%s holds watch events on %s, each object a whole %s', async (name, listName, kind) => {
    let previous = Number(list(listName).metadata.resourceVersion);
    for (const { type, object } of events(name)) {
      expect(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']).toContain(type);
      if (type === 'ERROR') {
        // The API server ends a watch whose resourceVersion is too old with a Status event, 410 Expired.
        expect(object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
        continue;
      }
      expect(object).toMatchObject({ kind, apiVersion: 'v1' });
      expect(await schemaProblems(object), `${name} ${type}`).toEqual([]);
      const version = Number(object.metadata.resourceVersion);
      expect(version, `${name} ${type}`).toBeGreaterThan(previous);
      previous = version;
    }
  });

  test('the shape checks notice a list item with its kind, as kubectl -o json prints it, and a key the schema lacks', async () => {
    const printed = list('pod-list.json');
    printed.items[0] = { apiVersion: 'v1', kind: 'Pod', ...printed.items[0] };
    expect(printed.items.filter((item) => 'kind' in item)).toHaveLength(1);
    (printed.items[1].status as Record<string, unknown>).podIPz = '10.42.0.9';
    expect(await schemaProblems(typed(printed, 'PodList'))).toEqual(['/items/1/status/podIPz: not in the schema']);
  });
});
