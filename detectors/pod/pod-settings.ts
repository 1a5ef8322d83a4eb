import { checkKnownKeys, numberSetting, PROMQL_DURATION, stringSetting, type Settings } from '../runtime/settings.js';

/** The `pod` section of detector.json, resolved. */
export interface PodSettings {
  /** kubeconfig file. @default - the service account in a cluster, else $KUBECONFIG or ~/.kube/config */
  readonly kubeconfig?: string;
  /** Window of the rate() and increase() queries. @default '5m' */
  readonly rateWindow: string;
  /** Step of the training range queries: 7 days × 2,000 pods at 15 s would be 80 million points. @default 1800 */
  readonly trainStepSec: number;
  /** How long an OOM kill in a container's last state stays reported. @default 3600 */
  readonly oomWindowSec: number;
  /** First reconnect wait after a Kubernetes API error, doubling up to `reconnectMaxMs`. @default 1000 */
  readonly reconnectInitialMs: number;
  /** @default 30000 */
  readonly reconnectMaxMs: number;
}

const KEYS = ['kubeconfig', 'rateWindow', 'trainStepSec', 'oomWindowSec', 'reconnectInitialMs', 'reconnectMaxMs'];

export function parsePodSettings(settings: Settings): PodSettings {
  checkKnownKeys(settings, 'pod', KEYS);
  return {
    kubeconfig: settings.kubeconfig === undefined ? undefined : stringSetting(settings, 'pod', 'kubeconfig', ''),
    rateWindow: stringSetting(settings, 'pod', 'rateWindow', '5m', PROMQL_DURATION),
    trainStepSec: numberSetting(settings, 'pod', 'trainStepSec', 1800),
    oomWindowSec: numberSetting(settings, 'pod', 'oomWindowSec', 3600),
    reconnectInitialMs: numberSetting(settings, 'pod', 'reconnectInitialMs', 1000),
    reconnectMaxMs: numberSetting(settings, 'pod', 'reconnectMaxMs', 30_000),
  };
}
