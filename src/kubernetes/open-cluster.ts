/**
 * Chooses the cluster opsbot acts on: the sandbox (console mode without a
 * KUBECONFIG, or OPSBOT_SANDBOX=true), else KUBECONFIG, the in-cluster service
 * account, or ~/.kube/config, as kubectl would.
 */
import type { Logger } from 'pino';
import type { Catalog } from '../catalog.js';
import type { Config } from '../config.js';
import type { Cluster } from './cluster.js';
import { createKubeCluster } from './kube-cluster.js';
import { loadDefaultKubeConfig, loadKubeConfig } from './load-kubeconfig.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from './sandbox.js';

export interface OpenCluster {
  cluster: Cluster;
  /** The sandbox's fake API servers, when it is the sandbox (tests steer them). */
  sandbox?: Sandbox;
  close(): Promise<void>;
}

export async function openCluster(
  config: Pick<Config, 'sandbox' | 'kubeconfig' | 'inCluster' | 'variable'>,
  catalog: Catalog,
  logger: Logger,
): Promise<OpenCluster> {
  if (config.sandbox) {
    const sandbox = await startSandbox(sandboxEnvironments(catalog));
    logger.info({ contexts: Object.keys(sandbox.servers) }, 'SANDBOX cluster started: nothing real is touched');
    return {
      cluster: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true }),
      sandbox,
      close: sandbox.close,
    };
  }
  const source = {
    ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
    inCluster: config.inCluster,
    variable: config.variable,
  };
  const kubeConfig = loadKubeConfig(source) ?? loadDefaultKubeConfig(config.variable('HOME'));
  logger.info({ contexts: kubeConfig.getContexts().map((c) => c.name) }, 'Kubernetes credentials loaded');
  return { cluster: createKubeCluster({ kubeConfig, sandbox: false }), close: async () => {} };
}
