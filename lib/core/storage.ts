import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { StorageConfig } from '../config.js';
import { componentLabels } from './labels.js';

/** Properties for `DataVolume`. */
export interface DataVolumeProps {
  /** Name of the claim, and of the host directory under `storage.hostPathRoot` in hostPath mode. */
  readonly name: string;
  readonly namespace: string;
  readonly sizeGiB: number;
  /** Where the data lives (PVC on a storage class, or a host directory). */
  readonly storage: StorageConfig;
}

/**
 * A PersistentVolumeClaim for a component's data. In hostPath mode a PersistentVolume on the host directory backs
 * it, so the pod itself mounts a claim and its namespace can stay Pod Security `restricted`.
 */
export class DataVolume extends Construct {
  public readonly volume: kplus.Volume;

  constructor(scope: Construct, id: string, props: DataVolumeProps) {
    super(scope, id);
    if (props.sizeGiB <= 0) throw new Error(`data volume '${props.name}' needs a positive size, got ${props.sizeGiB} GiB`);
    const hostPath = props.storage.mode === 'hostPath';
    const storage = { storage: kplus.k8s.Quantity.fromString(`${props.sizeGiB}Gi`) };
    const pvName = `${props.namespace}-${props.name}`;
    if (hostPath) {
      new kplus.k8s.KubePersistentVolume(this, 'HostVolume', {
        metadata: { name: pvName, labels: componentLabels(props.name) },
        spec: {
          capacity: storage,
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: '',
          claimRef: { namespace: props.namespace, name: props.name },
          hostPath: { path: `${props.storage.hostPathRoot}/${props.name}`, type: 'DirectoryOrCreate' },
        },
      });
    }
    new kplus.k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: componentLabels(props.name) },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: storage },
        // '' stops the default class from provisioning a second volume for a claim bound to our host volume.
        storageClassName: hostPath ? '' : props.storage.storageClass,
        volumeName: hostPath ? pvName : undefined,
      },
    });
    this.volume = kplus.Volume.fromPersistentVolumeClaim(this, 'Volume',
      kplus.PersistentVolumeClaim.fromClaimName(this, 'Claim', props.name));
  }
}

/**
 * A volume on the host directory (or file, socket, device: `type`) `path`, named after `id` in lower case. Only host
 * agents mount one. The type is always checked: an unchecked path that is missing would be created on the host by
 * the container runtime, and a monitor never changes the host it watches (only `...OrCreate` under ODIN's own data
 * directory does).
 */
export function hostPathVolume(scope: Construct, id: string, path: string, type = kplus.HostPathVolumeType.DIRECTORY): kplus.Volume {
  return kplus.Volume.fromHostPath(scope, id, id.toLowerCase(), { path, type });
}
