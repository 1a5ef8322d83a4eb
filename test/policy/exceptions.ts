/**
 * Workloads that may depart from the restricted profile, and why. The policy tests fail for any departure not
 * listed here, and for any entry here that no longer departs (so the list cannot go stale).
 */
export const SECURITY_EXCEPTIONS: Readonly<Record<string, { readonly reason: string; readonly allows: readonly string[] }>> = {
  'odin-system/node-exporter': { reason: 'measures the host: host network and PID namespaces, / read-only', allows: ['hostNetwork', 'hostPID', 'hostPath'] },
  'odin-system/cadvisor': { reason: 'OOM events from /dev/kmsg, every cgroup, the containerd socket', allows: ['privileged', 'root', 'hostPath'] },
  'odin-system/promtail': { reason: 'reads host logs: root-owned pod logs, adm-group system logs', allows: ['root', 'hostPath'] },
  'odin-system/process-detector': { reason: 'reads every process under /proc and root-only host files', allows: ['hostPID', 'root', 'capabilities', 'hostPath'] },
  'odin-system/nvidia-device-plugin': { reason: 'writes its socket into the kubelet device-plugins directory', allows: ['root', 'hostPath', 'noProbes'] },
};
