import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { DEFAULT_CONFIG, ResourceConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { WorkloadKind } from '../core/workload.js';
import { DETECTOR_PORTS, DetectorMode, baseDetectorEnv } from '../detectors/detector-image.js';
import { GpuNodeOptions, onGpuNodes } from './gpu-nodes.js';

/** Properties for `GpuExporter`. */
export interface GpuExporterProps extends GpuNodeOptions {
  /** @default 'odin' (it needs no host access, so it stays in the restricted namespace) */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.detector */
  readonly image?: string;
  /** @default DEFAULT_CONFIG.resources.gpuExporter */
  readonly resources?: ResourceConfig;
}

/** The "power exporter": the detector image in gpu-exporter mode on every GPU node, reading nvidia-smi (port 9402). */
export class GpuExporter extends Exporter {
  constructor(scope: Construct, id: string, props: GpuExporterProps = {}) {
    super(scope, id, {
      name: 'gpu-exporter',
      namespace: props.namespace ?? DEFAULT_CONFIG.namespace,
      kind: WorkloadKind.DAEMON_SET,
      image: props.image ?? DEFAULT_CONFIG.images.detector,
      args: [DetectorMode.GPU_EXPORTER],
      port: DETECTOR_PORTS[DetectorMode.GPU_EXPORTER],
      readinessPath: '/ready',
      resources: props.resources ?? DEFAULT_CONFIG.resources.gpuExporter,
      env: {
        ...baseDetectorEnv(DetectorMode.GPU_EXPORTER),
        // The nvidia runtime injects the driver and nvidia-smi for these devices; no GPU is requested, so the
        // exporter does not take a GPU away from workloads.
        NVIDIA_VISIBLE_DEVICES: kplus.EnvValue.fromValue('all'),
        NVIDIA_DRIVER_CAPABILITIES: kplus.EnvValue.fromValue('utility'),
      },
      ...onGpuNodes(props),
    });
  }
}
