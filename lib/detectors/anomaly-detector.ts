import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG, DetectorConfig, ResourceConfig, StorageConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { componentLabels } from '../core/labels.js';
import { ReadOnlyClusterAccess } from '../core/rbac.js';
import { SecurityProfile } from '../core/security.js';
import { DataVolume, hostPathVolume } from '../core/storage.js';
import { EVERY_NODE, OdinWorkloadProps, WorkloadKind } from '../core/workload.js';
import { API_SERVER_PORTS, PolicyPeer } from '../network/peer.js';
import { PASSWORD_KEY, WebAuth, mountWebAuthKey } from '../core/web-auth.js';
import {
  DETECTOR_CONFIG_DIR, DETECTOR_PORTS, DetectorMode, MODELS_DIR, PROMETHEUS_AUTH_DIR, PROMETHEUS_MODES, baseDetectorEnv,
} from './detector-image.js';

/** The anomaly-detection modes (the GPU exporter is a mode of the same image, see `GpuExporter`). */
export type AnomalyMode = DetectorMode.GPU | DetectorMode.POD | DetectorMode.PROCESS | DetectorMode.DISK;

/**
 * Host directories mounted read-only under /host (ODIN_HOST_ROOT) for the files the process detector watches (cron,
 * SSH keys, systemd units, start-up files): their parents that every Ubuntu/Debian host has, checked to exist, so a
 * watched path the host lacks (/root/.ssh, /var/spool/cron) is simply absent instead of being created on the host.
 */
export const WATCHED_HOST_DIRS = ['/etc', '/root', '/home', '/var/spool'];

/** Properties for `AnomalyDetector`. */
export interface AnomalyDetectorProps {
  readonly mode: AnomalyMode;
  /** URL of the Prometheus it queries (the modes in `PROMETHEUS_MODES`). */
  readonly prometheusUrl: string;
  /** The basic auth Prometheus needs: the user, and the password mounted from the Secret. @default - none */
  readonly prometheusAuth?: WebAuth;
  /** @default - 'odin', or 'odin-system' for the process detector (a host agent) */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.detector */
  readonly image?: string;
  /** Written to detector.json. @default DEFAULT_CONFIG.detector */
  readonly settings?: DetectorConfig;
  /** @default DEFAULT_CONFIG.storage */
  readonly storage?: StorageConfig;
  /** Size of the models volume. @default 1 */
  readonly modelsSizeGiB?: number;
  /** @default DEFAULT_CONFIG.resources.detector */
  readonly resources?: ResourceConfig;
  /** Prometheus's scrape interval, the finest step worth querying (`scrapeStepSec` in detector.json). @default 15 */
  readonly scrapeStepSec?: number;
  /** Node addresses, where the API server lives (pod detector). @default ['0.0.0.0/0'] */
  readonly nodeCidrs?: readonly string[];
}

/**
 * One mode of the detector image: a Deployment (gpu, pod, disk) or a hostPID DaemonSet (process), with its
 * detector.json ConfigMap and a models volume. Each Deployment gets its own RWO claim; the process detector keeps
 * its per-node models in a host directory, since one RWO claim cannot follow a DaemonSet across nodes.
 */
export class AnomalyDetector extends Exporter {
  public readonly mode: AnomalyMode;

  constructor(scope: Construct, id: string, props: AnomalyDetectorProps) {
    const isProcess = props.mode === DetectorMode.PROCESS;
    const name = `${props.mode}-detector`;
    const namespace = props.namespace ?? (isProcess ? DEFAULT_CONFIG.hostAgentNamespace : DEFAULT_CONFIG.namespace);
    const access = props.mode === DetectorMode.POD
      ? new ReadOnlyClusterAccess(scope, `${id}Access`, {
        name, namespace, rules: [{ apiGroup: '', resources: ['pods', 'namespaces', 'nodes', 'events'] }],
      })
      : undefined;
    super(scope, id, {
      name,
      namespace,
      image: props.image ?? DEFAULT_CONFIG.images.detector,
      args: [props.mode],
      port: DETECTOR_PORTS[props.mode],
      readinessPath: '/ready',
      resources: props.resources ?? DEFAULT_CONFIG.resources.detector,
      serviceAccount: access?.serviceAccount,
      recreate: true,
      env: {
        ...baseDetectorEnv(props.mode),
        ...(PROMETHEUS_MODES.has(props.mode) ? prometheusEnv(props) : {}),
        ODIN_MODELS_DIR: kplus.EnvValue.fromValue(MODELS_DIR),
        ODIN_CONFIG_FILE: kplus.EnvValue.fromValue(`${DETECTOR_CONFIG_DIR}/detector.json`),
        ...(isProcess ? { ODIN_PROC_DIR: kplus.EnvValue.fromValue('/host/proc'), ODIN_HOST_ROOT: kplus.EnvValue.fromValue('/host') } : {}),
      },
      ...(isProcess ? PROCESS_HOST_ACCESS : {}),
    });
    this.mode = props.mode;
    this.mountVolumes(props, name, namespace);
    if (props.prometheusAuth && PROMETHEUS_MODES.has(props.mode)) {
      mountWebAuthKey(this, this.workload.container, props.prometheusAuth, PASSWORD_KEY, PROMETHEUS_AUTH_DIR);
    }
    if (access) this.workload.allowEgress(PolicyPeer.cidrs(props.nodeCidrs ?? DEFAULT_CONFIG.network.nodeCidrs), API_SERVER_PORTS);
  }

  private mountVolumes(props: AnomalyDetectorProps, name: string, namespace: string): void {
    const container = this.workload.container;
    const settings = props.settings ?? DEFAULT_CONFIG.detector;
    const detectorJson = `${JSON.stringify({ ...settings, scrapeStepSec: props.scrapeStepSec ?? DEFAULT_CONFIG.prometheus.scrapeIntervalSec }, null, 2)}\n`;
    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${name}-config`, namespace, labels: componentLabels(name) },
      data: { 'detector.json': detectorJson },
    });
    this.workload.restartOnChange('config', () => detectorJson);
    container.mount(DETECTOR_CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config), { readOnly: true });
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));
    if (props.mode === DetectorMode.PROCESS) {
      this.mountHostPaths(props.storage ?? DEFAULT_CONFIG.storage);
      return;
    }
    const models = new DataVolume(this, 'Models', {
      name: `${name}-models`, namespace, sizeGiB: props.modelsSizeGiB ?? DEFAULT_CONFIG.storage.sizesGiB.models, storage: props.storage ?? DEFAULT_CONFIG.storage,
    });
    container.mount(MODELS_DIR, models.volume);
  }

  private mountHostPaths(storage: StorageConfig): void {
    const container = this.workload.container;
    const host = (id: string, path: string, type?: kplus.HostPathVolumeType) => hostPathVolume(this, id, path, type);
    container.mount('/host/proc', host('Proc', '/proc'), { readOnly: true });
    WATCHED_HOST_DIRS.forEach((path, i) => container.mount(`/host${path}`, host(`Watched${i}`, path), { readOnly: true }));
    // ODIN's own data directory, the one place on the host it may create.
    container.mount(MODELS_DIR, host('Models', `${storage.hostPathRoot}/models/process-detector`, kplus.HostPathVolumeType.DIRECTORY_OR_CREATE));
  }
}

/** Where Prometheus is and how to log in: the password file is mounted from the web-auth Secret. */
function prometheusEnv(props: AnomalyDetectorProps): Record<string, kplus.EnvValue> {
  return {
    ODIN_PROMETHEUS_URL: kplus.EnvValue.fromValue(props.prometheusUrl),
    ...(props.prometheusAuth ? {
      ODIN_PROMETHEUS_USERNAME: kplus.EnvValue.fromValue(props.prometheusAuth.username),
      ODIN_PROMETHEUS_PASSWORD_FILE: kplus.EnvValue.fromValue(`${PROMETHEUS_AUTH_DIR}/${PASSWORD_KEY}`),
    } : {}),
  };
}

/**
 * The process detector reads every process's /proc entries (exe link, fds, environ), which the kernel only shows
 * to root with CAP_SYS_PTRACE, and host files readable by root only (authorized_keys): hence hostPID, root,
 * SYS_PTRACE and DAC_READ_SEARCH, all mounts read-only, no privilege escalation.
 */
const PROCESS_HOST_ACCESS: Partial<OdinWorkloadProps> = {
  kind: WorkloadKind.DAEMON_SET,
  hostPID: true,
  security: SecurityProfile.hostAgent({
    reason: 'reads all processes under /proc (hostPID) and root-only host files', runAsRoot: true, addCapabilities: ['SYS_PTRACE', 'DAC_READ_SEARCH'],
  }),
  tolerations: EVERY_NODE,
};
