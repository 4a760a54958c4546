/**
 * The Cluster adapter over our own Kubernetes transport (kube-api.ts): one connection per kube
 * context, every call wrapped so that errors leave as OpsErrors (kube-errors.ts).
 */
import type { V1Deployment, V1PodList, V1ReplicaSetList } from '@kubernetes/client-node';
import { OpsError } from '../errors.js';
import type { Cluster, Target } from './cluster.js';
import { type KubeApi, kubeApi, kubePath } from './kube-api.js';
import { connect } from './kube-auth.js';
import { kubeChanges } from './kube-changes.js';
import { type KubeOperation, translateKubeError } from './kube-errors.js';
import { kubeMaintenance } from './kube-maintenance.js';
import { deploymentPath, selectorString, toDeploymentStatus, toPodSummary, toRevisions } from './kube-mapping.js';
import { kubeObserve } from './kube-observe.js';
import { IN_CLUSTER_CONTEXT, type KubeConfigSource } from './kubeconfig.js';

export { loadKubeConfig } from './load-kubeconfig.js';

export interface KubeClusterOptions {
  /** Our KubeConfig (kubeconfig.ts) or client-node's: the same shapes. */
  kubeConfig: KubeConfigSource;
  /** True for the built-in sandbox: everything produced from it is labelled SANDBOX. */
  sandbox: boolean;
  /** How long one API call may take before it is abandoned (default 30 s). */
  requestTimeoutMs?: number;
  /** How often waitForRollout looks at the deployment (default 1 s). */
  rolloutPollMs?: number;
}

export type Call = <T>(
  target: Target,
  op: Omit<KubeOperation, 'target' | 'server'>,
  fn: (api: KubeApi) => Promise<T>,
) => Promise<T>;

export function createKubeCluster(options: KubeClusterOptions): Cluster {
  const { kubeConfig } = options;
  const apis = new Map<string, KubeApi>();

  function contextFor(target: Target): string {
    const names = kubeConfig.getContexts().map((c) => c.name);
    if (names.includes(target.kubeContext)) return target.kubeContext;
    if (names.length === 1 && names[0] === IN_CLUSTER_CONTEXT) return IN_CLUSTER_CONTEXT;
    throw new OpsError(
      'config',
      `Kube context "${target.kubeContext}" (environment ${target.env}) is not in the kubeconfig; it has: ${names.join(', ') || 'no contexts'}.`,
      { hint: `Fix environments.${target.env}.kubeContext in the catalog, or add the context to KUBECONFIG.` },
    );
  }

  function apiFor(target: Target): KubeApi {
    const context = contextFor(target);
    const cached = apis.get(context);
    if (cached) return cached;
    let api: KubeApi;
    try {
      api = kubeApi(connect(kubeConfig, context), { timeoutMs: options.requestTimeoutMs ?? 30_000 });
    } catch (error) {
      throw new OpsError(
        'config',
        `Kube context "${context}" (environment ${target.env}) cannot be used: ${(error as Error).message}.`,
        { hint: `Fix the context "${context}" in KUBECONFIG (kubectl config view shows it).`, cause: error },
      );
    }
    apis.set(context, api);
    return api;
  }

  const call: Call = async (target, op, fn) => {
    let server: string | undefined;
    try {
      const api = apiFor(target);
      server = api.server;
      return await fn(api);
    } catch (error) {
      throw translateKubeError(error, { ...op, target, ...(server ? { server } : {}) });
    }
  };

  const readDeployment = (target: Target) =>
    call(target, { verb: 'get', resource: 'deployments' }, (api) =>
      api.request<V1Deployment>({ path: deploymentPath(target) }),
    );

  const listReplicaSets = async (target: Target, deployment: V1Deployment) => {
    const labelSelector = selectorString(deployment.spec?.selector);
    const list = await call(target, { verb: 'list', resource: 'replicasets' }, (api) =>
      api.request<V1ReplicaSetList>({
        path: kubePath`/apis/apps/v1/namespaces/${target.namespace}/replicasets`,
        query: { labelSelector },
      }),
    );
    return list.items;
  };

  const reads: Pick<Cluster, 'sandbox' | 'getDeployment' | 'rolloutHistory' | 'listPods'> = {
    sandbox: options.sandbox,

    async getDeployment(target) {
      return toDeploymentStatus(await readDeployment(target));
    },

    async rolloutHistory(target) {
      const deployment = await readDeployment(target);
      return toRevisions(deployment, await listReplicaSets(target, deployment));
    },

    async listPods(target) {
      const deployment = await readDeployment(target);
      const labelSelector = selectorString(deployment.spec?.selector);
      const list = await call(target, { verb: 'list', resource: 'pods' }, (api) =>
        api.request<V1PodList>({
          path: kubePath`/api/v1/namespaces/${target.namespace}/pods`,
          query: { labelSelector },
        }),
      );
      return list.items
        .map(toPodSummary)
        .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.name.localeCompare(b.name));
    },
  };
  return {
    ...reads,
    ...kubeChanges(call, readDeployment, listReplicaSets),
    ...kubeObserve(call, readDeployment, reads.listPods, options.rolloutPollMs ?? 1_000),
    ...kubeMaintenance(call),
  };
}
