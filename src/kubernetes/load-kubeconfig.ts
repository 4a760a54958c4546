/**
 * Where the bot's Kubernetes access comes from, as kubectl decides it: a KUBECONFIG value (one path,
 * or several joined with ":"), else the in-cluster service account, else ~/.kube/config.
 * config.ts reads the environment and passes the values in.
 */
import { existsSync } from 'node:fs';
import { OpsError } from '../errors.js';
import { KubeConfig } from './kubeconfig.js';

export interface KubeConfigSources {
  kubeconfig?: string;
  inCluster?: boolean;
  /** Config.variable: KUBERNETES_SERVICE_HOST/PORT in-cluster, HOME for ~/.kube/config. */
  variable?: (name: string) => string | undefined;
}

/** KUBECONFIG or the in-cluster account; undefined when neither is given (the caller then starts the sandbox). */
export function loadKubeConfig(source: KubeConfigSources): KubeConfig | undefined {
  const paths = (source.kubeconfig ?? '').split(':').filter(Boolean);
  try {
    if (paths.length > 0) return KubeConfig.fromFiles(paths);
    if (source.inCluster) {
      const variable = source.variable ?? (() => undefined);
      return KubeConfig.inCluster({
        KUBERNETES_SERVICE_HOST: variable('KUBERNETES_SERVICE_HOST'),
        KUBERNETES_SERVICE_PORT: variable('KUBERNETES_SERVICE_PORT'),
      });
    }
  } catch (error) {
    const what = paths.length > 0 ? `KUBECONFIG (${paths.join(':')})` : 'the in-cluster service account';
    throw new OpsError('config', `Could not load Kubernetes credentials from ${what}: ${(error as Error).message}`, {
      hint: 'Set KUBECONFIG to a readable kubeconfig file, e.g. KUBECONFIG=$HOME/.kube/config, or unset it to use the sandbox.',
      cause: error,
    });
  }
  return undefined;
}

/** Neither KUBECONFIG nor in-cluster: ~/.kube/config, as kubectl reads it. */
export function loadDefaultKubeConfig(home: string | undefined): KubeConfig {
  const file = KubeConfig.defaultFile(home);
  if (!existsSync(file)) {
    throw new OpsError(
      'config',
      `No Kubernetes credentials: KUBECONFIG is unset, not in a pod, and ${file} does not exist.`,
      {
        hint: 'Set KUBECONFIG to a kubeconfig file (KUBECONFIG=$HOME/.kube/config), run in-cluster with the Helm chart, or set OPSBOT_SANDBOX=true to try the sandbox.',
      },
    );
  }
  return loadKubeConfig({ kubeconfig: file }) as KubeConfig;
}
