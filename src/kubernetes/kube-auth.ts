/**
 * How opsbot proves who it is to one kube context's API server: TLS (CA, client certificate, skip-verify,
 * server name) in a keep-alive agent kept for the process, and per request the Authorization header
 * from a token, a token file (re-read every minute: projected service account tokens rotate), an exec
 * credential plugin (run without a shell; its answer kept until its expirationTimestamp) or basic auth.
 *
 * Legacy `auth-provider` entries (gcp, azure, oidc) and `proxy-url` are left to @kubernetes/client-node,
 * imported only then, so the usual path never pays its ~80 MB.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type { ExecCredentialConfig, KubeClusterEntry, KubeConfigSource, KubeUserEntry } from './kubeconfig.js';
import { keepAliveAgent } from './reuse-connections.js';

export interface KubeCredentials {
  headers: Record<string, string>;
  agent: http.Agent;
}

export interface KubeConnection {
  /** Base URL of the API server, without a trailing slash. */
  server: string;
  /** What to send with the next request; cheap when nothing has expired. */
  credentials(): Promise<KubeCredentials>;
}

const TOKEN_FILE_TTL_MS = 60_000;

const pem = (file: string | null | undefined, base64: string | null | undefined) =>
  base64 ? Buffer.from(base64, 'base64') : file ? readFileSync(file) : undefined;

function tlsOptions(cluster: KubeClusterEntry, user: KubeUserEntry | undefined): https.AgentOptions {
  const ca = pem(cluster.caFile, cluster.caData);
  const cert = pem(user?.certFile, user?.certData);
  const key = pem(user?.keyFile, user?.keyData);
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
  };
}

interface ExecStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/** Runs the plugin as kubectl does (argv, no shell, its env entries added) and reads its ExecCredential. */
async function runExecPlugin(exec: ExecCredentialConfig, cluster: KubeClusterEntry): Promise<ExecStatus> {
  const { execa } = await import('execa');
  const env = Object.fromEntries((exec.env ?? []).map(({ name, value }) => [name, value]));
  const info = {
    apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: { interactive: false, cluster: { server: cluster.server } },
  };
  // The plugin inherits opsbot's environment plus its own entries, as kubectl runs it: cloud CLIs need
  // PATH, HOME and their own variables.
  const result = await execa(exec.command, exec.args ?? [], {
    env: { ...env, KUBERNETES_EXEC_INFO: JSON.stringify(info) },
    stdin: 'ignore',
    timeout: 60_000,
    reject: false,
  });
  if (result.failed) {
    const why = result.stderr?.toString().trim() || result.shortMessage;
    throw new Error(`the exec credential plugin ${exec.command} failed: ${why}`);
  }
  try {
    return (JSON.parse(String(result.stdout)) as { status?: ExecStatus }).status ?? {};
  } catch {
    throw new Error(`the exec credential plugin ${exec.command} did not print an ExecCredential as JSON`);
  }
}

function cached<T>(load: () => Promise<T> | T, validUntil: (value: T) => number): () => Promise<T> {
  let value: T | undefined;
  let until = 0;
  let pending: Promise<T> | undefined;
  return async () => {
    if (value !== undefined && Date.now() < until) return value;
    pending ??= Promise.resolve()
      .then(load)
      .then((loaded) => {
        value = loaded;
        until = validUntil(loaded);
        return loaded;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

function nativeConnection(cluster: KubeClusterEntry, user: KubeUserEntry | undefined): KubeConnection {
  const tls = tlsOptions(cluster, user);
  const fixed: Record<string, string> = {};
  if (user?.impersonateUser) fixed['Impersonate-User'] = user.impersonateUser;
  if (user?.username) {
    fixed.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  }
  const agent = keepAliveAgent(cluster.server, tls);
  if (user?.token) {
    const headers = { ...fixed, Authorization: `Bearer ${user.token}` };
    return { server: cluster.server, credentials: async () => ({ headers, agent }) };
  }
  if (user?.tokenFile) {
    const file = user.tokenFile;
    const token = cached(
      () => readFileSync(file, 'utf8').trim(),
      () => Date.now() + TOKEN_FILE_TTL_MS,
    );
    return {
      server: cluster.server,
      credentials: async () => ({ headers: { ...fixed, Authorization: `Bearer ${await token()}` }, agent }),
    };
  }
  if (user?.exec) {
    const exec = user.exec;
    let certAgent: { cert: string; agent: https.Agent } | undefined;
    const status = cached(
      () => runExecPlugin(exec, cluster),
      (s) => (s.expirationTimestamp ? Date.parse(s.expirationTimestamp) : Number.POSITIVE_INFINITY),
    );
    return {
      server: cluster.server,
      async credentials() {
        const s = await status();
        const headers = s.token ? { ...fixed, Authorization: `Bearer ${s.token}` } : fixed;
        if (!s.clientCertificateData || !s.clientKeyData) return { headers, agent };
        // A plugin that answers with a certificate: a new agent when it changes, so rotation takes effect.
        // The previous one is let go (not destroyed: requests in flight on it finish; its idle connections close).
        if (certAgent?.cert !== s.clientCertificateData) {
          const withCert = { ...tls, cert: s.clientCertificateData, key: s.clientKeyData };
          certAgent = { cert: s.clientCertificateData, agent: new https.Agent({ keepAlive: true, ...withCert }) };
        }
        return { headers, agent: certAgent.agent };
      },
    };
  }
  return { server: cluster.server, credentials: async () => ({ headers: fixed, agent }) };
}

/** auth-provider and proxy-url: client-node's own handling, loaded on first use. */
function clientNodeConnection(source: KubeConfigSource, context: string, cluster: KubeClusterEntry): KubeConnection {
  const load = cached(
    async () => {
      const { KubeConfig } = await import('@kubernetes/client-node');
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: source.getClusters(),
        users: source.getUsers(),
        contexts: source.getContexts(),
        currentContext: context,
      } as Parameters<typeof kc.loadFromOptions>[0]);
      return kc;
    },
    () => Number.POSITIVE_INFINITY,
  );
  let agent: http.Agent | undefined;
  return {
    server: cluster.server,
    async credentials() {
      const options = await (await load()).applyToFetchOptions({});
      // client-node builds a new agent per call; the first one is kept so connections are reused.
      agent ??= options.agent as http.Agent;
      const headers = Object.fromEntries((options.headers as unknown as Headers).entries());
      return { headers, agent };
    },
  };
}

/** The connection of one kube context of `source`. */
export function connect(source: KubeConfigSource, context: string): KubeConnection {
  const entry = source.getContexts().find((c) => c.name === context);
  const cluster = source.getClusters().find((c) => c.name === entry?.cluster);
  if (!entry || !cluster)
    throw new Error(`context "${context}" names cluster "${entry?.cluster}", which is not defined`);
  const user = source.getUsers().find((u) => u.name === entry.user);
  if (entry.user && !user) throw new Error(`context "${context}" names user "${entry.user}", which is not defined`);
  if (user?.authProvider || cluster.proxyUrl) return clientNodeConnection(source, context, cluster);
  return nativeConnection(cluster, user);
}
