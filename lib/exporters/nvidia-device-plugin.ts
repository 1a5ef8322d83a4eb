import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG, ResourceConfig } from '../config.js';
import { componentLabels } from '../core/labels.js';
import { SecurityProfile } from '../core/security.js';
import { hostPathVolume } from '../core/storage.js';
import { OdinWorkload, WorkloadKind } from '../core/workload.js';
import { GpuNodeOptions, NVIDIA_RUNTIME_CLASS, onGpuNodes } from './gpu-nodes.js';

/** Properties for `NvidiaDevicePlugin`. */
export interface NvidiaDevicePluginProps extends GpuNodeOptions {
  /** @default 'odin-system' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.nvidiaDevicePlugin */
  readonly image?: string;
  /** @default DEFAULT_CONFIG.resources.nvidiaDevicePlugin */
  readonly resources?: ResourceConfig;
}

/**
 * The RuntimeClass `nvidia`, handler `nvidia`, as K3s defines it when it finds the NVIDIA container runtime: only for
 * clusters that lack it (`components.runtimeClass`), since whoever applies it also deletes it with `kubectl delete`.
 */
export class NvidiaRuntimeClass extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Same name and handler as K3s's own, so applying it over K3s's is a no-op rather than a conflict.
    new kplus.k8s.KubeRuntimeClass(this, 'Resource', {
      metadata: { name: NVIDIA_RUNTIME_CLASS, labels: componentLabels('nvidia-runtime') }, handler: NVIDIA_RUNTIME_CLASS,
    });
  }
}

/**
 * NVIDIA's device plugin on GPU nodes, so pods can request `nvidia.com/gpu`. It serves no HTTP endpoint and
 * talks to the kubelet over a socket only, so it has no probes and no network flows (policy exception list).
 */
export class NvidiaDevicePlugin extends Construct {
  public readonly workload: OdinWorkload;

  constructor(scope: Construct, id: string, props: NvidiaDevicePluginProps = {}) {
    super(scope, id);
    this.workload = new OdinWorkload(this, 'Workload', {
      name: 'nvidia-device-plugin',
      namespace: props.namespace ?? DEFAULT_CONFIG.hostAgentNamespace,
      kind: WorkloadKind.DAEMON_SET,
      image: props.image ?? DEFAULT_CONFIG.images.nvidiaDevicePlugin,
      ports: [],
      noProbesReason: 'serves no HTTP endpoint; the kubelet notices a dead plugin through its socket',
      env: { FAIL_ON_INIT_ERROR: kplus.EnvValue.fromValue('false') },
      resources: props.resources ?? DEFAULT_CONFIG.resources.nvidiaDevicePlugin,
      // It writes its socket into the kubelet's root-owned device-plugins directory; all capabilities stay dropped.
      security: SecurityProfile.hostAgent({ reason: 'writes its socket into the root-owned kubelet device-plugins directory', runAsRoot: true }),
      ...onGpuNodes(props),
      priorityClassName: 'system-node-critical',
    });
    this.workload.container.mount('/var/lib/kubelet/device-plugins',
      hostPathVolume(this, 'Device-Plugins', '/var/lib/kubelet/device-plugins'));
  }
}
