import { loadKubeConfig } from '../pod/kube-config.js';
import { PodDetector } from '../pod/pod-detector.js';
import { parsePodSettings } from '../pod/pod-settings.js';
import { PodWatch } from '../pod/pod-watch.js';
import type { DetectorConfig } from '../runtime/config.js';
import type { Mode } from '../runtime/mode.js';

/** The pod mode (port 9406) on the Kubernetes API: list + watch of pods and their Warning events. */
export function createPodMode(config: DetectorConfig): Mode {
  const settings = parsePodSettings(config.settings);
  return new PodDetector(settings, (ctx) => {
    const watch = new PodWatch(loadKubeConfig(settings.kubeconfig), {
      initialBackoffMs: settings.reconnectInitialMs,
      maxBackoffMs: settings.reconnectMaxMs,
      onError: (err, retryInMs) => {
        const message = err instanceof Error ? err.message : String(err);
        ctx.countError?.('kubernetes');
        ctx.reportKubernetes?.(false, message);
        ctx.log.warn('kubernetes API request failed; retrying', { error: message, retryInMs });
      },
      onConnected: () => ctx.reportKubernetes?.(true),
    });
    watch.start();
    return watch;
  });
}
