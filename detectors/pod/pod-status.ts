import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/** Container states the pod detector reports directly, without a model: they are anomalies by definition. */
export type PodStatusReason = 'CrashLoopBackOff' | 'OOMKilled';

/** One directly reported problem of one container of one pod. */
export interface PodStatusAnomaly {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly reason: PodStatusReason;
  readonly restartCount: number;
  /** The kubelet's message or the exit code, for the structured log. */
  readonly detail: string;
}

/**
 * The CrashLoopBackOff and OOMKilled containers of a pod (a container crash-looping because of OOM kills has both).
 * A container's `lastState` keeps an OOM kill until its next termination, so an OOM kill counts only while it
 * is recent (finished within `oomWindowSec` of `nowSec`) or the container is terminated by it right now.
 */
export function podStatusAnomalies(pod: V1Pod, nowSec: number, oomWindowSec: number): PodStatusAnomaly[] {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.flatMap((status) => containerReasons(status, nowSec, oomWindowSec).map((reason) => ({
    namespace, pod: name, container: status.name, restartCount: status.restartCount ?? 0, ...reason,
  })));
}

function containerReasons(
  status: V1ContainerStatus, nowSec: number, oomWindowSec: number,
): Array<{ reason: PodStatusReason; detail: string }> {
  const reasons: Array<{ reason: PodStatusReason; detail: string }> = [];
  const waiting = status.state?.waiting;
  if (waiting?.reason === 'CrashLoopBackOff') {
    reasons.push({ reason: 'CrashLoopBackOff', detail: waiting.message ?? '' });
  }
  const terminated = status.state?.terminated ?? status.lastState?.terminated;
  if (terminated?.reason === 'OOMKilled' && (status.state?.terminated !== undefined || isRecent(terminated.finishedAt, nowSec, oomWindowSec))) {
    reasons.push({ reason: 'OOMKilled', detail: `exit code ${terminated.exitCode}` });
  }
  return reasons;
}

/** A missing or unparsable finish time cannot be aged out: it counts as recent rather than hide an OOM kill. */
function isRecent(finishedAt: Date | undefined, nowSec: number, windowSec: number): boolean {
  const finishedSec = finishedAt === undefined ? NaN : new Date(finishedAt).getTime() / 1000;
  return !Number.isFinite(finishedSec) || nowSec - finishedSec <= windowSec;
}
