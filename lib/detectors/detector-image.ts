import * as kplus from 'cdk8s-plus-27';

/** The modes of the detector image and their fixed ports (docs/DEVELOPING.md, "Contract"). */
export enum DetectorMode {
  GPU_EXPORTER = 'gpu-exporter',
  GPU = 'gpu',
  POD = 'pod',
  PROCESS = 'process',
  DISK = 'disk',
}

/** The port each mode serves /metrics, /healthz, /ready and /health on. */
export const DETECTOR_PORTS: Readonly<Record<DetectorMode, number>> = {
  [DetectorMode.GPU_EXPORTER]: 9402,
  [DetectorMode.GPU]: 9405,
  [DetectorMode.POD]: 9406,
  [DetectorMode.PROCESS]: 9407,
  [DetectorMode.DISK]: 9408,
};

/** The modes that query Prometheus (their `Mode.needsPrometheus`): only they get its URL, its credentials and the flow. */
export const PROMETHEUS_MODES: ReadonlySet<DetectorMode> = new Set([DetectorMode.GPU, DetectorMode.POD, DetectorMode.DISK]);

/** Where the image reads its settings and keeps its models. */
export const DETECTOR_CONFIG_DIR = '/etc/odin';
export const MODELS_DIR = '/models';
/** Where a detector reads the password it presents to Prometheus. */
export const PROMETHEUS_AUTH_DIR = '/etc/odin-prometheus-auth';

/** The environment every mode reads: its port and the node it runs on. */
export function baseDetectorEnv(mode: DetectorMode): Record<string, kplus.EnvValue> {
  return {
    ODIN_PORT: kplus.EnvValue.fromValue(String(DETECTOR_PORTS[mode])),
    NODE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME),
  };
}
