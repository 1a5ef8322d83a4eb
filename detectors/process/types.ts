/** The vocabulary shared by the /proc reader, the rule engine, the process mode and the classify command. */

export type Category =
  | 'crypto_miner'
  | 'reverse_shell'
  | 'privilege_escalation'
  | 'suspicious_network'
  | 'data_exfiltration'
  | 'system_modification'
  | 'persistence';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Ranks severities so the engine can report the worst finding first. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The facts that made a rule match (a pool URL, an executable path, a remote address, ...). */
export type Evidence = Readonly<Record<string, string>>;

/** What is known about one process. From a command line alone, only `argv`/`cmdline` (and maybe exe, parent) are set. */
export interface ProcessFacts {
  readonly pid?: number;
  /** The arguments as the kernel holds them (NUL-separated in /proc/<pid>/cmdline). */
  readonly argv: readonly string[];
  /** True when argv is a shell command line to lex (classify input, a process that rewrote its argv). */
  readonly argvIsShellText?: boolean;
  /** The process name from /proc/<pid>/comm (15 characters at most). */
  readonly comm?: string;
  /** The target of /proc/<pid>/exe, without the kernel's " (deleted)" suffix. */
  readonly exe?: string;
  /** The executable was deleted (or replaced) after the process started. */
  readonly exeDeleted?: boolean;
  /**
   * For a memfd-backed executable: true when its image is byte for byte the parent's executable (a program
   * re-executing a sealed copy of itself, as runc does against CVE-2019-5736), false when it differs; absent when not
   * compared (no memfd, or either image unreadable).
   */
  readonly exeCopyOfParent?: boolean;
  /** Seconds since the process started (from its start time in /proc/<pid>/stat and /proc/uptime). */
  readonly ageSec?: number;
  readonly ppid?: number;
  /** Names of the ancestors, parent first. */
  readonly parentChain?: readonly string[];
  readonly uid?: number;
  /** One-letter state from /proc/<pid>/stat (R, S, D, Z, ...). */
  readonly state?: string;
  /** utime + stime in seconds. */
  readonly cpuSeconds?: number;
  /** CPU cores used since the previous cycle; set by the scan when it has seen the process before. */
  readonly cpuCores?: number;
  readonly rssBytes?: number;
  /** Container id from /proc/<pid>/cgroup; absent for host processes. */
  readonly containerId?: string;
  /** The LD_PRELOAD value from /proc/<pid>/environ, when readable and set. */
  readonly ldPreload?: string;
  /** `addr:port` of the remote peer when fd 0, 1 or 2 is a connected TCP socket. */
  readonly stdioRemote?: string;
  /** Remote ports of the TCP connections the process holds. */
  readonly remotePorts?: readonly number[];
  /** The command line was longer than the reader's cap and was cut. */
  readonly cmdlineTruncated?: boolean;
}

/** One rule's verdict on one process. */
export interface Finding {
  readonly category: Category;
  readonly severity: Severity;
  readonly rule: string;
  readonly evidence: Evidence;
}
