/**
 * The synthesized scrape jobs, run on Debian's Prometheus 2.42, which has no Kubernetes service discovery: each
 * discovery block becomes a static target carrying the `__meta_kubernetes_*` labels discovery would attach to that
 * Service's endpoint, so the job's own relabel rules, honor_labels and metric relabelings produce the target labels
 * (job, namespace, pod, node) as they would in the cluster.
 */
type Job = Record<string, any>;

/** Where the check feeds a job from: a real exporter's address, or the recording server with the recording's path. */
export interface JobTarget {
  readonly address: string;
  /** @default - the job's own metrics_path */
  readonly metricsPath?: string;
}

/** The Service and port an endpointslice job keeps, from its keep rule (`<service>;<port name>`). */
function keptEndpoint(job: Job): { service: string; portName: string } {
  const keep = (job.relabel_configs as Job[]).find((r) => r.action === 'keep');
  const [service, portName] = String(keep?.regex ?? '').split(';');
  if (!service || !portName) throw new Error(`job '${job.job_name}' has no <service>;<port> keep rule`);
  return { service, portName };
}

/** Discovery labels of the endpoint of `service` on `node`, as EndpointSlice discovery attaches them. */
function endpointLabels(job: Job, node: string): Record<string, string> {
  const { service, portName } = keptEndpoint(job);
  return {
    __meta_kubernetes_service_name: service,
    __meta_kubernetes_endpointslice_port_name: portName,
    __meta_kubernetes_namespace: job.kubernetes_sd_configs[0].namespaces.names[0],
    __meta_kubernetes_pod_name: `${service}-0`,
    __meta_kubernetes_pod_node_name: node,
  };
}

/**
 * One synthesized job as the check runs it against `target`, on a node named `node`. Every target here speaks plain
 * HTTP without credentials (the recordings, the exporters on loopback, a Prometheus without web authentication), so
 * the job's scheme, TLS settings and credentials go; what it does with the series (relabeling, honor_labels, metric
 * relabelings) stays.
 */
export function staticJob(job: Job, target: JobTarget, node: string): Job {
  const { kubernetes_sd_configs: sd, static_configs: _static, scheme: _scheme, authorization: _auth, basic_auth: _basic, tls_config: _tls, ...rest } = job;
  const path = target.metricsPath ? { metrics_path: target.metricsPath } : {};
  const role = sd?.[0]?.role;
  if (role === undefined) return { ...rest, ...path, static_configs: [{ targets: [target.address] }] };
  const labels = role === 'node' ? { __meta_kubernetes_node_name: node } : endpointLabels(job, node);
  return { ...rest, ...path, static_configs: [{ targets: [target.address], labels }] };
}

/** Every synthesized job as the check runs it; a job without a target is an error (every job must be fed). */
export function staticJobs(jobs: readonly Job[], targets: Readonly<Record<string, JobTarget>>, node: string): Job[] {
  const unfed = jobs.map((j) => j.job_name as string).filter((name) => !(name in targets));
  if (unfed.length > 0) throw new Error(`no exporter or recording feeds the scrape jobs ${unfed.join(', ')}`);
  return jobs.map((job) => staticJob(job, targets[job.job_name], node));
}
