import { KubeConfig } from '@kubernetes/client-node';

/**
 * The Kubernetes client configuration: the given kubeconfig file when there is one (tests, running outside the
 * cluster), otherwise the pod's service account when running in a cluster, otherwise the usual
 * `$KUBECONFIG` / `~/.kube/config` lookup.
 */
export function loadKubeConfig(kubeconfigPath: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (kubeconfigPath !== undefined) {
    kubeConfig.loadFromFile(kubeconfigPath);
  } else if (process.env.KUBERNETES_SERVICE_HOST !== undefined) {
    kubeConfig.loadFromCluster();
  } else {
    kubeConfig.loadFromDefault();
  }
  return kubeConfig;
}
