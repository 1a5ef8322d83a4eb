/** Target labels the cases share, written once as series labels and once as the alert labels they become. */
export const GPU_ALERT_LABELS = { node: 'gpu-node', instance: '10.42.0.7:9402', gpu: '0', uuid: 'GPU-8f1c', name: 'NVIDIA H100 80GB HBM3' } as const;
export const GPU_SERIES = 'node="gpu-node", instance="10.42.0.7:9402", job="gpu-exporter", gpu="0", uuid="GPU-8f1c", name="NVIDIA H100 80GB HBM3"';

/** The Kubernetes node every scrape job labels its series with (`node`), and node-exporter's address on it. */
export const NODE_LABELS = { node: 'node-1', instance: '192.168.1.10:9100', job: 'node-exporter' } as const;
export const NODE_SERIES = 'node="node-1", instance="192.168.1.10:9100", job="node-exporter"';

export const POD_SERIES = 'job="kube-state-metrics", namespace="shop", pod="api-7d9f", container="api"';

/** The alert labels a case expects, besides the rule's own severity and component. */
export const withRuleLabels = (
  severity: string, component: string, labels: Readonly<Record<string, string>>,
): Record<string, string> => ({ ...labels, severity, component });
