/**
 * Counters the alert rules read with increase() exist at 0 before their first event: a series born at 1 has no
 * earlier sample, so increase() would never see that first training failure or error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createMode } from '../../../detectors/modes/index.js';
import { MODEL_REJECTIONS } from '../../../detectors/models/store.js';
import { MODE_NAMES, loadConfig } from '../../../detectors/runtime/config.js';
import { runtimeErrorKinds, startDetector } from '../../../detectors/runtime/lifecycle.js';
import { get, sampleValue } from '../helpers/detector-process.js';

const dir = mkdtempSync(join(tmpdir(), 'odin-counters-at-zero-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A kubeconfig whose API server does not answer: the pod mode starts and counts its failed requests. */
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, [
  'apiVersion: v1', 'kind: Config', 'current-context: c',
  'clusters:', '- name: c', '  cluster:', '    server: http://127.0.0.1:1',
  'users:', '- name: u', '  user:', '    token: t',
  'contexts:', '- name: c', '  context:', '    cluster: c', '    user: u',
].join('\n'));
const configFile = join(dir, 'detector.json');
writeFileSync(configFile, JSON.stringify({ pod: { kubeconfig } }));

/** Each mode as the image starts it, on any port, with nothing it talks to reachable (its first cycle fails). */
function configFor(mode: string) {
  return loadConfig(mode, {
    ODIN_PORT: '0', ODIN_LISTEN_HOST: '127.0.0.1', ODIN_PROMETHEUS_URL: 'http://127.0.0.1:1', ODIN_MODELS_DIR: join(dir, mode),
    ODIN_NVIDIA_SMI: join(dir, 'no-nvidia-smi'), ODIN_HOST_ROOT: dir, ODIN_CONFIG_FILE: configFile, ODIN_LOG_LEVEL: 'error',
  });
}

describe.each(MODE_NAMES.map((mode) => [mode]))('%s mode at start', (modeName) => {
  test('exports every error kind it can count, its training failures and model rejections, before the first event', async () => {
    const config = configFor(modeName);
    const mode = await createMode(config);
    const detector = await startDetector(config, mode, { logSink: { write: () => true } });
    try {
      const { body } = await get(detector.port, '/metrics');
      expect(sampleValue(body, 'odin_model_training_failures_total', `detector="${modeName}"`)).toBeGreaterThanOrEqual(0);
      const kinds = [...runtimeErrorKinds(mode), ...mode.errorKinds];
      expect(kinds).toContain('cycle');
      const missing = kinds.filter((kind) => sampleValue(body, 'odin_detector_errors_total', `detector="${modeName}",kind="${kind}"`) === undefined);
      expect(missing).toEqual([]);
      for (const reason of MODEL_REJECTIONS) {
        expect(sampleValue(body, 'odin_model_load_failures_total', `detector="${modeName}",reason="${reason}"`), reason).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await detector.stop();
    }
  });
});
