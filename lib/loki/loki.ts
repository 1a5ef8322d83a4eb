import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG, ResourceConfig, StorageConfig } from '../config.js';
import { Exporter } from '../core/exporter.js';
import { componentLabels } from '../core/labels.js';
import { SecurityProfile } from '../core/security.js';
import { DataVolume } from '../core/storage.js';
import { INetworkEndpoint } from '../network/peer.js';

const DATA_DIR = '/loki';
/** Loki's gRPC listener, bound even in single-binary mode. */
const GRPC_PORT = 9095;
/** The loki user of the official image. */
const LOKI_UID = 10001;

/** Properties for `Loki`. */
export interface LokiProps {
  /** @default 'odin' */
  readonly namespace?: string;
  /** @default DEFAULT_CONFIG.images.loki */
  readonly image?: string;
  /** @default 3100 */
  readonly port?: number;
  /** How long logs are kept. @default 31 */
  readonly retentionDays?: number;
  /** @default DEFAULT_CONFIG.storage */
  readonly storage?: StorageConfig;
  /** @default 20 */
  readonly storageSizeGiB?: number;
  /** @default DEFAULT_CONFIG.resources.loki */
  readonly resources?: ResourceConfig;
}

/** The Loki configuration: single binary, filesystem storage, TSDB index, compactor-driven retention. */
export function lokiConfig(port: number, retentionDays: number): Record<string, unknown> {
  return {
    auth_enabled: false,
    server: { http_listen_port: port, grpc_listen_port: GRPC_PORT, log_level: 'info' },
    common: {
      path_prefix: DATA_DIR,
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: `${DATA_DIR}/chunks`, rules_directory: `${DATA_DIR}/rules` } },
    },
    schema_config: { configs: [{ from: '2024-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }] },
    limits_config: { retention_period: `${retentionDays * 24}h`, allow_structured_metadata: true },
    compactor: { working_directory: `${DATA_DIR}/compactor`, retention_enabled: true, delete_request_store: 'filesystem' },
    analytics: { reporting_enabled: false },
  };
}

/** Loki, the log store, reached at `loki.<ns>.svc.cluster.local`. */
export class Loki extends Construct {
  public readonly server: Exporter;
  public readonly port: number;

  constructor(scope: Construct, id: string, props: LokiProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? DEFAULT_CONFIG.namespace;
    this.port = props.port ?? DEFAULT_CONFIG.ports.loki;
    if (this.port === GRPC_PORT) throw new Error(`'port' must differ from Loki's gRPC port ${GRPC_PORT}, got ${this.port}`);
    this.server = new Exporter(this, 'Server', {
      name: 'loki',
      namespace,
      image: props.image ?? DEFAULT_CONFIG.images.loki,
      port: this.port,
      portName: 'http',
      resources: props.resources ?? DEFAULT_CONFIG.resources.loki,
      security: SecurityProfile.restricted(LOKI_UID),
      recreate: true,
      livenessPath: '/loki/api/v1/status/buildinfo',
      readinessPath: '/ready',
      args: ['-config.file=/etc/loki/loki.yaml'],
    });
    const configYaml = stringify(lokiConfig(this.port, props.retentionDays ?? 31), { lineWidth: 0 });
    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: 'loki-config', namespace, labels: componentLabels('loki') },
      data: { 'loki.yaml': configYaml },
    });
    this.server.workload.restartOnChange('config', () => configYaml);
    const data = new DataVolume(this, 'Data', {
      name: 'loki-data', namespace, sizeGiB: props.storageSizeGiB ?? DEFAULT_CONFIG.storage.sizesGiB.loki, storage: props.storage ?? DEFAULT_CONFIG.storage,
    });
    const container = this.server.workload.container;
    container.mount('/etc/loki', kplus.Volume.fromConfigMap(this, 'ConfigVolume', config), { readOnly: true });
    container.mount(DATA_DIR, data.volume);
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));
  }

  public get network(): INetworkEndpoint {
    return this.server.network;
  }

  /** The URL Promtail and Grafana use. */
  public get url(): string {
    return this.server.url;
  }
}
