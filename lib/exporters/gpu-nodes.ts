import { DEFAULT_CONFIG } from '../config.js';
import { OdinWorkloadProps } from '../core/workload.js';

/** The RuntimeClass (and its handler) K3s defines when it finds the NVIDIA container runtime. */
export const NVIDIA_RUNTIME_CLASS = 'nvidia';

/** Where the GPU agents run: the GPU nodes, under the NVIDIA runtime. */
export interface GpuNodeOptions {
  /** Labels of the GPU nodes. @default { 'nvidia.com/gpu.present': 'true' } */
  readonly gpuNodeSelector?: Record<string, string>;
  /** @default 'nvidia' */
  readonly runtimeClassName?: string;
}

/** The workload fields that place a DaemonSet on every GPU node, tolerating the GPU taint. */
export function onGpuNodes(options: GpuNodeOptions): Pick<OdinWorkloadProps, 'runtimeClassName' | 'nodeSelector' | 'tolerations'> {
  return {
    runtimeClassName: options.runtimeClassName ?? NVIDIA_RUNTIME_CLASS,
    nodeSelector: options.gpuNodeSelector ?? { [DEFAULT_CONFIG.gpu.nodeLabelKey]: DEFAULT_CONFIG.gpu.nodeLabelValue },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  };
}
