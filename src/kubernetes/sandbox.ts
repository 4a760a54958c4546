/**
 * The built-in sandbox cluster: one fake kube-apiserver per kube context of the catalog, seeded with
 * the neural-hive-mind services in every environment's namespace. Used when no KUBECONFIG is set
 * (console mode) and as the test double; everything it produces is labelled SANDBOX by the adapter.
 */
import type { Catalog } from '../catalog.js';
import { type FakeApiServer, startFakeApiServer } from './fake-apiserver/index.js';
import { KubeConfig } from './kubeconfig.js';
import { type EnvironmentKind, SANDBOX_SERVICES, seedService } from './sandbox-seed.js';

export interface SandboxEnvironment {
  /** Environment name from the catalog (dev, staging, prod…); decides versions and replica counts. */
  name?: string;
  kubeContext: string;
  namespace: string;
  production?: boolean;
  /** Deployment names to seed (default: the five sandbox services). */
  deployments?: readonly string[];
}

/** What a kubeconfig holds (kubectl reads it once exported); client-node's loadFromOptions takes it too. */
export interface KubeConfigOptions {
  clusters: Array<{ name: string; server: string; skipTLSVerify: boolean }>;
  users: Array<{ name: string; token: string }>;
  contexts: Array<{ name: string; cluster: string; user: string; namespace: string }>;
  currentContext: string;
}

export interface Sandbox {
  kubeConfigOptions: KubeConfigOptions;
  /** Those options as a KubeConfig, ready for createKubeCluster({ kubeConfig, sandbox: true }); exportConfig() for kubectl. */
  kubeConfig: KubeConfig;
  /** The fake API server behind each kube context, for tests to steer. */
  servers: Record<string, FakeApiServer>;
  close(): Promise<void>;
}

export const SANDBOX_DEPLOYMENTS = Object.keys(SANDBOX_SERVICES);
const SANDBOX_USER = 'opsbot-sandbox';
const SANDBOX_TOKEN = 'sandbox-token';

function kindOf(env: SandboxEnvironment): EnvironmentKind {
  const name = (env.name ?? env.kubeContext).toLowerCase();
  if (env.production ?? /prod/.test(name)) return 'prod';
  return /stag|stg|qa|uat/.test(name) ? 'staging' : 'dev';
}

export async function startSandbox(
  envs: readonly SandboxEnvironment[],
  options: { clock?: () => Date } = {},
): Promise<Sandbox> {
  const clock = options.clock ?? (() => new Date());
  const servers: Record<string, FakeApiServer> = {};
  const contexts: KubeConfigOptions['contexts'] = [];
  try {
    for (const env of envs) {
      let server = servers[env.kubeContext];
      if (!server) {
        // No token required: kubectl does not send a bearer token over plain http, and the sandbox should serve it.
        server = await startFakeApiServer({ clock, seed: Object.keys(servers).length + 1 });
        servers[env.kubeContext] = server;
        contexts.push({
          name: env.kubeContext,
          cluster: env.kubeContext,
          user: SANDBOX_USER,
          namespace: env.namespace,
        });
      }
      const now = clock();
      for (const name of env.deployments ?? SANDBOX_DEPLOYMENTS) {
        if (server.cluster.store.get('deployments', env.namespace, name)) continue;
        seedService(server.cluster, env.namespace, name, kindOf(env), now);
      }
    }
  } catch (error) {
    await Promise.all(Object.values(servers).map((s) => s.close()));
    throw error;
  }
  const kubeConfigOptions: KubeConfigOptions = {
    // The fake speaks plain http; client-node (which tests may point at it) refuses http unless skipTLSVerify is set.
    clusters: Object.entries(servers).map(([name, server]) => ({ name, server: server.url, skipTLSVerify: true })),
    users: [{ name: SANDBOX_USER, token: SANDBOX_TOKEN }],
    contexts,
    currentContext: contexts[0]?.name ?? '',
  };
  const kubeConfig = KubeConfig.fromOptions(kubeConfigOptions);
  return {
    kubeConfigOptions,
    kubeConfig,
    servers,
    close: async () => {
      await Promise.all(Object.values(servers).map((server) => server.close()));
    },
  };
}

/**
 * The sandbox environments a catalog implies: every environment's namespace, plus the namespaces of
 * per-environment service overrides, each seeded with the deployments the catalog's services name there.
 */
export function sandboxEnvironments(catalog: Pick<Catalog, 'environments' | 'services'>): SandboxEnvironment[] {
  const result: SandboxEnvironment[] = [];
  for (const [name, env] of Object.entries(catalog.environments)) {
    const byNamespace = new Map<string, string[]>([[env.namespace, []]]);
    for (const [service, settings] of Object.entries(catalog.services)) {
      const override = settings.env?.[name] ?? {};
      const namespace = override.namespace ?? env.namespace;
      byNamespace.set(namespace, [
        ...(byNamespace.get(namespace) ?? []),
        override.deployment ?? settings.deployment ?? service,
      ]);
    }
    for (const [namespace, deployments] of byNamespace) {
      result.push({ name, kubeContext: env.kubeContext, namespace, production: env.production, deployments });
    }
  }
  return result;
}
