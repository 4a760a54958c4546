/**
 * The Cluster adapter over @kubernetes/client-node 1.4: one pair of API clients per kube context,
 * every call wrapped so that errors leave as OpsErrors (kube-errors.ts).
 */
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  type Middleware,
  ServerConfiguration,
  type V1Deployment,
} from '@kubernetes/client-node';
import { OpsError } from '../errors.js';
import type { Cluster, Target } from './cluster.js';
import { kubeChanges } from './kube-changes.js';
import { type KubeOperation, translateKubeError } from './kube-errors.js';
import { kubeMaintenance } from './kube-maintenance.js';
import { selectorString, toDeploymentStatus, toPodSummary, toRevisions } from './kube-mapping.js';
import { kubeObserve } from './kube-observe.js';
import { reuseConnections } from './reuse-connections.js';

export interface KubeClusterOptions {
  kubeConfig: KubeConfig;
  /** True for the built-in sandbox: everything produced from it is labelled SANDBOX. */
  sandbox: boolean;
  /** How long one API call may take before it is abandoned (default 30 s). */
  requestTimeoutMs?: number;
  /** How often waitForRollout looks at the deployment (default 1 s). */
  rolloutPollMs?: number;
}

interface Clients {
  apps: AppsV1Api;
  batch: BatchV1Api;
  core: CoreV1Api;
  server: string;
}

// client-node sets no timeout: a hung API server would hold the run, and its target lock, forever.
const abandonAfter = (ms: number): Middleware => ({
  pre: async (request) => {
    request.setSignal(AbortSignal.timeout(ms));
    return request;
  },
  post: async (response) => response,
});

// loadFromCluster() names its only context this; in-cluster, every environment is this one cluster.
const IN_CLUSTER_CONTEXT = 'inCluster';

export function createKubeCluster(options: KubeClusterOptions): Cluster {
  const { kubeConfig } = options;
  const clients = new Map<string, Clients>();

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

  // A KubeConfig authenticates with whatever context is current at request time, so each context gets its own.
  function clientsFor(target: Target): Clients {
    const context = contextFor(target);
    const cached = clients.get(context);
    if (cached) return cached;
    const scoped = new KubeConfig();
    scoped.loadFromOptions({
      clusters: kubeConfig.getClusters(),
      users: kubeConfig.getUsers(),
      contexts: kubeConfig.getContexts(),
      currentContext: context,
    });
    reuseConnections(scoped);
    const server = scoped.getCurrentCluster()?.server ?? '';
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: scoped },
      promiseMiddleware: [abandonAfter(options.requestTimeoutMs ?? 30_000)],
    });
    const made = {
      apps: new AppsV1Api(configuration),
      batch: new BatchV1Api(configuration),
      core: new CoreV1Api(configuration),
      server,
    };
    clients.set(context, made);
    return made;
  }

  async function call<T>(target: Target, op: Omit<KubeOperation, 'target' | 'server'>, fn: (c: Clients) => Promise<T>) {
    let server: string | undefined;
    try {
      const c = clientsFor(target);
      server = c.server;
      return await fn(c);
    } catch (error) {
      throw translateKubeError(error, { ...op, target, ...(server ? { server } : {}) });
    }
  }

  const readDeployment = (target: Target) =>
    call(target, { verb: 'get', resource: 'deployments' }, (c) =>
      c.apps.readNamespacedDeployment({ name: target.deployment, namespace: target.namespace }),
    );

  const listReplicaSets = async (target: Target, deployment: V1Deployment) => {
    const labelSelector = selectorString(deployment.spec?.selector);
    const list = await call(target, { verb: 'list', resource: 'replicasets' }, (c) =>
      c.apps.listNamespacedReplicaSet({ namespace: target.namespace, labelSelector }),
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
      const list = await call(target, { verb: 'list', resource: 'pods' }, (c) =>
        c.core.listNamespacedPod({ namespace: target.namespace, labelSelector }),
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

/**
 * Where the bot's Kubernetes access comes from: a KUBECONFIG value (one path, or several joined
 * with ":" as kubectl allows), else the in-cluster service account. Undefined when neither is
 * given (the caller then starts the sandbox). config.ts reads the environment and passes them in.
 */
export function loadKubeConfig(source: { kubeconfig?: string; inCluster?: boolean }): KubeConfig | undefined {
  const kc = new KubeConfig();
  const paths = (source.kubeconfig ?? '').split(':').filter(Boolean);
  try {
    if (paths.length > 0) {
      kc.loadFromFile(paths[0] as string);
      for (const path of paths.slice(1)) {
        const next = new KubeConfig();
        next.loadFromFile(path);
        // kubectl's rule for several files: the first definition of a name wins (client-node's merge throws).
        for (const cluster of next.getClusters()) if (!kc.getCluster(cluster.name)) kc.addCluster(cluster);
        for (const user of next.getUsers()) if (!kc.getUser(user.name)) kc.addUser(user);
        for (const context of next.getContexts()) if (!kc.getContextObject(context.name)) kc.addContext(context);
      }
      return kc;
    }
    if (source.inCluster) {
      kc.loadFromCluster();
      return kc;
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
