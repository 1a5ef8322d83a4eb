/** Target labels the cases share, written once as series labels and once as the alert labels they become. */
export const GPU_ALERT_LABELS = { instance: 'gpu-node:9402', gpu: '0', uuid: 'GPU-8f1c', name: 'NVIDIA H100 80GB HBM3' } as const;
export const GPU_SERIES = 'instance="gpu-node:9402", job="gpu-exporter", gpu="0", uuid="GPU-8f1c", name="NVIDIA H100 80GB HBM3"';

export const NODE_INSTANCE = 'node-1:9100';
export const NODE_SERIES = 'instance="node-1:9100", job="node-exporter"';

export const POD_SERIES = 'job="kube-state-metrics", namespace="shop", pod="api-7d9f", container="api"';

/** The alert labels a case expects, besides the rule's own severity and component. */
export const withRuleLabels = (
  severity: string, component: string, labels: Readonly<Record<string, string>>,
): Record<string, string> => ({ ...labels, severity, component });
