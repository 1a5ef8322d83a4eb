import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { PodDetector } from '../../../detectors/pod/pod-detector.js';
import { parsePodSettings } from '../../../detectors/pod/pod-settings.js';
import { createLogger } from '../../../detectors/runtime/logger.js';
import type { ModeContext } from '../../../detectors/runtime/mode.js';

function crashLooping(name: string): V1Pod {
  return {
    metadata: { namespace: 'shop', name },
    status: { containerStatuses: [{ name: 'api', image: 'api', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } } }] },
  };
}

const backOff: CoreV1Event = {
  metadata: { namespace: 'shop', name: 'api-0.1' }, involvedObject: { kind: 'Pod', namespace: 'shop', name: 'api-0' },
  type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container', count: 3,
};

describe('pod detector status anomalies', () => {
  test('logs a container state once when it appears, with its pod\'s Warning event, and again only after it cleared', async () => {
    // GIVEN a detector on a fixed pod source and a Prometheus with no series
    let pods: V1Pod[] = [crashLooping('api-0')];
    const lines: Array<Record<string, unknown>> = [];
    const ctx: ModeContext = {
      registry: new Registry(),
      log: createLogger({ sink: { write: (line: string) => lines.push(JSON.parse(line)) } }),
      prometheus: { query: async () => [], queryRange: async () => [] },
      models: { load: async () => undefined, save: async () => undefined },
      settings: {}, anomalyShare: 0.05, trainWindowSec: 86_400, scrapeStepSec: 15, now: () => 1_700_000_000,
    };
    const detector = new PodDetector(parsePodSettings({}), () => ({ pods: () => pods, warningEvents: () => [backOff], stop: async () => undefined }));
    await detector.start(ctx);
    const logged = () => lines.filter((l) => l.msg === 'pod status anomaly').map((l) => l.pod);
    const signal = new AbortController().signal;

    // WHEN the crash loop lasts two cycles, clears, and comes back
    await detector.cycle(ctx, signal);
    await detector.cycle(ctx, signal);
    expect(logged()).toEqual(['api-0']);
    expect(lines.find((l) => l.msg === 'pod status anomaly')).toMatchObject({ lastWarningEvent: { reason: 'BackOff', count: 3 } });
    pods = [];
    await detector.cycle(ctx, signal);
    pods = [crashLooping('api-0'), crashLooping('api-1')];
    await detector.cycle(ctx, signal);

    // THEN each appearance was logged once, the one without a Warning event without one
    expect(logged()).toEqual(['api-0', 'api-0', 'api-1']);
    expect(lines.filter((l) => l.pod === 'api-1')[0]).not.toHaveProperty('lastWarningEvent');
  });
});
