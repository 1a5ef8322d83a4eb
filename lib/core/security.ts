import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/** The user and group restricted workloads run as when their image does not pick one (nobody). */
export const NOBODY = 65534;

/** Options for a host agent that cannot run under the restricted profile. */
export interface HostAgentSecurityOptions {
  /** Why the agent needs more than the restricted profile: written next to the object it relaxes (a comment in code). */
  readonly reason: string;
  /**
   * Run as root (user 0) to read files other users own.
   * @default false
   */
  readonly runAsRoot?: boolean;
  /**
   * Linux capabilities added back after dropping all (names without CAP_, e.g. 'SYS_PTRACE').
   * @default []
   */
  readonly addCapabilities?: readonly string[];
  /**
   * Run privileged (full device access). Only for agents that cannot work otherwise.
   * @default false
   */
  readonly privileged?: boolean;
  /** Extra groups of the containers' processes, to read group-readable host files without a capability. @default [] */
  readonly supplementalGroups?: readonly number[];
}

/**
 * The security context of a workload. cdk8s-plus sets no user ID and no seccomp profile, and its Capability enum
 * has no `ALL` and writes `CAP_` prefixes Pod Security does not accept, so every profile renders its own contexts.
 */
export class SecurityProfile {
  /** Non-root, read-only root filesystem, all capabilities dropped, RuntimeDefault seccomp: Pod Security `restricted`. */
  public static restricted(user: number = NOBODY): SecurityProfile {
    return new SecurityProfile(user, [], false, 'restricted', []);
  }

  /** A host agent with only the relaxations it names. */
  public static hostAgent(options: HostAgentSecurityOptions): SecurityProfile {
    if (options.reason.trim().length === 0) throw new Error('a host agent security profile needs a reason, got an empty string');
    return new SecurityProfile(options.runAsRoot ? 0 : NOBODY, options.addCapabilities ?? [], options.privileged ?? false, options.reason,
      options.supplementalGroups ?? []);
  }

  private constructor(
    /** The user ID (and group ID) the containers run as. */
    public readonly user: number,
    /** Capabilities added back. */
    public readonly addCapabilities: readonly string[],
    /** Whether the container is privileged. */
    public readonly privileged: boolean,
    /** 'restricted', or why this profile is relaxed. */
    public readonly reason: string,
    /** Extra groups of the pod's processes. */
    public readonly supplementalGroups: readonly number[],
  ) {}

  /** The pod-level security context. */
  public podSecurityContext(): Record<string, unknown> {
    return {
      runAsNonRoot: this.user !== 0,
      runAsUser: this.user,
      runAsGroup: this.user,
      fsGroup: this.user,
      ...(this.supplementalGroups.length > 0 ? { supplementalGroups: [...this.supplementalGroups] } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }

  /** The container-level security context. */
  public containerSecurityContext(): Record<string, unknown> {
    return {
      runAsNonRoot: this.user !== 0,
      runAsUser: this.user,
      runAsGroup: this.user,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: this.privileged,
      privileged: this.privileged,
      capabilities: { drop: ['ALL'], ...(this.addCapabilities.length > 0 ? { add: [...this.addCapabilities] } : {}) },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }
}

/** cdk8s-plus resources from millicores and MiB (cdk8s-plus would otherwise request 1 CPU / 512 MiB per container). */
export function containerResources(r: {
  readonly cpuRequestMillis: number; readonly cpuLimitMillis: number; readonly memoryRequestMiB: number; readonly memoryLimitMiB: number;
}): kplus.ContainerResources {
  return {
    cpu: { request: kplus.Cpu.millis(r.cpuRequestMillis), limit: kplus.Cpu.millis(r.cpuLimitMillis) },
    memory: { request: Size.mebibytes(r.memoryRequestMiB), limit: Size.mebibytes(r.memoryLimitMiB) },
  };
}
