import { createHash } from 'node:crypto';
import { ApiObject, Duration, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResourceConfig } from '../config.js';
import { INetworkEndpoint, PolicyPeer, PolicyPort } from '../network/peer.js';
import { PodPolicy } from '../network/pod-policy.js';
import { componentLabels, selectorLabels } from './labels.js';
import { SecurityProfile, containerResources } from './security.js';

/** How a workload's pods are placed. */
export enum WorkloadKind {
  /** One replica somewhere in the cluster. */
  DEPLOYMENT = 'Deployment',
  /** One pod per (matching) node: host agents. */
  DAEMON_SET = 'DaemonSet',
}

/**
 * Tolerates every taint: node agents must run on every node, the tainted ones (control plane, GPU nodes, nodes under
 * pressure) most of all, or their metrics, logs and findings would be missing exactly there.
 */
export const EVERY_NODE: readonly Record<string, unknown>[] = [{ operator: 'Exists' }];

/** A named container port. */
export interface NamedPort {
  readonly name: string;
  readonly number: number;
}

/** Properties for `OdinWorkload`. */
export interface OdinWorkloadProps {
  /** Name of the workload, its pods' `app.kubernetes.io/name` and its NetworkPolicy. */
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly resources: ResourceConfig;
  /** Ports the container listens on; the first one is probed. */
  readonly ports: readonly NamedPort[];
  /** @default WorkloadKind.DEPLOYMENT */
  readonly kind?: WorkloadKind;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default [] */
  readonly args?: readonly string[];
  /** @default {} */
  readonly env?: Record<string, kplus.EnvValue>;
  /** HTTP path of the liveness probe. @default '/healthz' */
  readonly livenessPath?: string;
  /** HTTP path of the readiness probe. @default - the liveness path */
  readonly readinessPath?: string;
  /**
   * Seconds the startup probe (on the liveness path: the process is up, whatever its dependencies do) waits for a
   * slow start (WAL replay, model load) before liveness takes over. @default 300
   */
  readonly startupGraceSec?: number;
  /**
   * Why the probes only open the port instead of an HTTP GET: a server whose every path needs credentials, which an
   * HTTP probe could only carry as clear text in the manifest. @default - HTTP probes on the liveness and readiness paths
   */
  readonly tcpProbesReason?: string;
  /** @default SecurityProfile.restricted() */
  readonly security?: SecurityProfile;
  /** The account whose token is mounted: only for workloads that call the API. @default - no token mounted */
  readonly serviceAccount?: kplus.IServiceAccount;
  /** Run in the host's network namespace. @default false */
  readonly hostNetwork?: boolean;
  /** See the host's processes. @default false */
  readonly hostPID?: boolean;
  /** @default - the cluster's default runtime */
  readonly runtimeClassName?: string;
  /** @default - any node */
  readonly nodeSelector?: Record<string, string>;
  /** @default [] */
  readonly tolerations?: readonly Record<string, unknown>[];
  /** Replace pods before starting new ones (for RWO volumes). @default false */
  readonly recreate?: boolean;
  /** How other NetworkPolicies reach these pods. @default - by pod labels */
  readonly peer?: PolicyPeer;
  /** @default - none */
  readonly priorityClassName?: string;
  /**
   * Why this workload has no HTTP endpoint to probe; set it to leave out the probes (and allow no ports).
   * The policy tests list such workloads explicitly.
   * @default - probes on the first port
   */
  readonly noProbesReason?: string;
}

/**
 * A Deployment or DaemonSet with ODIN's defaults instead of cdk8s-plus's: small configured resources, HTTP probes,
 * the given security profile, no token unless a service account is given, and one NetworkPolicy of its own.
 */
export class OdinWorkload extends Construct implements INetworkEndpoint {
  public readonly name: string;
  public readonly namespace: string;
  public readonly podLabels: Record<string, string>;
  public readonly workload: kplus.Deployment | kplus.DaemonSet;
  public readonly container: kplus.Container;
  public readonly policy: PodPolicy;
  public readonly peer: PolicyPeer;

  constructor(scope: Construct, id: string, props: OdinWorkloadProps) {
    super(scope, id);
    if (props.ports.length === 0 && !props.noProbesReason) throw new Error(`workload '${props.name}' needs at least one port to probe, got none`);
    this.name = props.name;
    this.namespace = props.namespace;
    this.podLabels = selectorLabels(props.name);
    const security = props.security ?? SecurityProfile.restricted();
    this.workload = this.defineWorkload(props);
    this.container = this.workload.addContainer(this.containerProps(props));
    this.applyPodFields(props, security);
    this.policy = new PodPolicy(this, 'Policy', { name: props.name, namespace: props.namespace, podLabels: this.podLabels, peer: props.peer });
    this.peer = this.policy.peer;
  }

  public allowIngress(peer: PolicyPeer, ports: readonly PolicyPort[]): void {
    this.policy.allowIngress(peer, ports);
  }

  /**
   * Restarts the pods when `content` changes: its hash goes into a pod-template annotation. The programs here
   * read their configuration once at start, so an updated ConfigMap alone would not take effect.
   */
  public restartOnChange(name: string, content: () => string): void {
    this.workload.podMetadata.addAnnotation(`odin.io/checksum-${name}`,
      Lazy.any({ produce: () => createHash('sha256').update(content()).digest('hex').slice(0, 16) }) as unknown as string);
  }

  public allowEgress(peer: PolicyPeer, ports: readonly PolicyPort[]): void {
    this.policy.allowEgress(peer, ports);
  }

  private defineWorkload(props: OdinWorkloadProps): kplus.Deployment | kplus.DaemonSet {
    const common = {
      metadata: { name: props.name, namespace: props.namespace, labels: componentLabels(props.name) },
      podMetadata: { labels: componentLabels(props.name) },
      select: false,
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: props.serviceAccount !== undefined,
      hostNetwork: props.hostNetwork ?? false,
      // Host-network pods must still resolve cluster names (e.g. node agents that talk to Loki).
      dns: props.hostNetwork ? { policy: kplus.DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET } : undefined,
    };
    const workload = (props.kind ?? WorkloadKind.DEPLOYMENT) === WorkloadKind.DAEMON_SET
      ? new kplus.DaemonSet(this, 'Resource', common)
      : new kplus.Deployment(this, 'Resource', {
        ...common,
        replicas: 1,
        strategy: props.recreate ? kplus.DeploymentStrategy.recreate() : kplus.DeploymentStrategy.rollingUpdate(),
      });
    workload.select(kplus.LabelSelector.of({ labels: this.podLabels }));
    return workload;
  }

  private containerProps(props: OdinWorkloadProps): kplus.ContainerProps {
    const base = {
      name: props.name,
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: props.command ? [...props.command] : undefined,
      args: props.args ? [...props.args] : undefined,
      ports: props.ports.map((p) => ({ name: p.name, number: p.number })),
      envVariables: props.env,
      resources: containerResources(props.resources),
    };
    if (props.noProbesReason) return base;
    const livenessPath = props.livenessPath ?? '/healthz';
    const readinessPath = props.readinessPath ?? livenessPath;
    const options = (failureThreshold: number) => ({
      port: props.ports[0].number, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5), failureThreshold,
    });
    const probe = (path: string, failureThreshold: number) => (props.tcpProbesReason
      ? kplus.Probe.fromTcpSocket(options(failureThreshold))
      : kplus.Probe.fromHttpGet(path, options(failureThreshold)));
    // Start-up waits for the process, not for what it depends on: a detector whose readiness needs Prometheus must
    // not be killed while Prometheus replays its WAL.
    return {
      ...base,
      liveness: probe(livenessPath, 3),
      readiness: probe(readinessPath, 3),
      startup: probe(livenessPath, Math.ceil((props.startupGraceSec ?? 300) / 10)),
    };
  }

  /** Fields cdk8s-plus does not model, or models in a way Pod Security rejects (see SecurityProfile). */
  private applyPodFields(props: OdinWorkloadProps, security: SecurityProfile): void {
    const spec = '/spec/template/spec';
    const patches: JsonPatch[] = [
      JsonPatch.add(`${spec}/securityContext`, security.podSecurityContext()),
      JsonPatch.add(`${spec}/containers/0/securityContext`, security.containerSecurityContext()),
    ];
    // The L1 object maps its patched output through its TypeScript field names once more, so `hostPID` is
    // written as its TypeScript name `hostPid` (a literal `hostPID` would be dropped silently).
    if (props.hostPID) patches.push(JsonPatch.add(`${spec}/hostPid`, true));
    if (props.runtimeClassName) patches.push(JsonPatch.add(`${spec}/runtimeClassName`, props.runtimeClassName));
    if (props.nodeSelector) patches.push(JsonPatch.add(`${spec}/nodeSelector`, props.nodeSelector));
    if (props.priorityClassName) patches.push(JsonPatch.add(`${spec}/priorityClassName`, props.priorityClassName));
    if (props.tolerations?.length) patches.push(JsonPatch.add(`${spec}/tolerations`, props.tolerations));
    ApiObject.of(this.workload).addJsonPatch(...patches);
  }
}
