import type { V1Pod, V1PodList } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { podStatusAnomalies } from '../../../detectors/pod/pod-status.js';
import { k8sFixture } from './kube-api-replay.js';

const NOW_SEC = Date.parse('2026-11-22T22:30:00Z') / 1000;
const HOUR_SEC = 3600;

function fixturePod(file: string, name: string): V1Pod {
  const list = JSON.parse(k8sFixture(file)) as V1PodList;
  const pod = list.items.find((p) => p.metadata?.name === name);
  if (pod === undefined) throw new Error(`no pod ${name} in ${file}`);
  return pod;
}

function watchedPod(name: string): V1Pod {
  const events = k8sFixture('pod-watch-1.jsonl').trim().split('\n').map((line) => JSON.parse(line) as { object: V1Pod });
  const event = events.find((e) => e.object.metadata?.name === name);
  if (event === undefined) throw new Error(`no watch event for ${name}`);
  return event.object;
}

describe('podStatusAnomalies', () => {
  test('reports a container in CrashLoopBackOff with its restart count', () => {
    const anomalies = podStatusAnomalies(fixturePod('pod-list.json', 'api-5f6d8c7b9-x2k4p'), NOW_SEC, HOUR_SEC);
    expect(anomalies).toEqual([expect.objectContaining({
      namespace: 'shop', pod: 'api-5f6d8c7b9-x2k4p', container: 'api', reason: 'CrashLoopBackOff', restartCount: 7,
    })]);
  });

  test('reports a recent OOM kill of a container that has restarted since', () => {
    const anomalies = podStatusAnomalies(watchedPod('trainer-0'), NOW_SEC, HOUR_SEC);
    expect(anomalies).toEqual([expect.objectContaining({ namespace: 'ml', pod: 'trainer-0', reason: 'OOMKilled', detail: 'exit code 137' })]);
  });

  test('an OOM kill older than the window is no longer reported', () => {
    expect(podStatusAnomalies(fixturePod('pod-list.json', 'notebook-0'), NOW_SEC, HOUR_SEC)).toEqual([]);
    expect(podStatusAnomalies(fixturePod('pod-list.json', 'notebook-0'), NOW_SEC, 2 * 24 * HOUR_SEC)).toHaveLength(1);
  });

  test('healthy pods and pods without status report nothing', () => {
    expect(podStatusAnomalies(fixturePod('pod-list.json', 'web-7d9c6b8f5-q8x2m'), NOW_SEC, HOUR_SEC)).toEqual([]);
    expect(podStatusAnomalies({ metadata: { name: 'pending', namespace: 'x' } }, NOW_SEC, HOUR_SEC)).toEqual([]);
  });

  test('a container crash-looping because of OOM kills has both reasons', () => {
    const pod = fixturePod('pod-list.json', 'api-5f6d8c7b9-x2k4p');
    const status = pod.status!.containerStatuses![0]!;
    status.lastState = { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: new Date('2026-11-22T22:18:42Z') } };
    expect(podStatusAnomalies(pod, NOW_SEC, HOUR_SEC).map((a) => a.reason)).toEqual(['CrashLoopBackOff', 'OOMKilled']);
  });
});
