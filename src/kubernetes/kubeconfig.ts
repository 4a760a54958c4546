/**
 * Kubeconfig loading without @kubernetes/client-node: importing client-node costs ~80 MB of memory
 * (its generated models all load with it), more than the rest of opsbot together.
 *
 * The entries have client-node's shapes (Cluster, User, Context), so a client-node KubeConfig can be
 * handed to createKubeCluster too. What a kubeconfig may say and how it is read follows kubectl:
 * several files joined by ":" with the first definition of a name winning, relative certificate and
 * key paths resolved against the file's folder, `token-file` read at request time (kube-auth.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export interface KubeClusterEntry {
  readonly name: string;
  readonly server: string;
  /** Base64 PEM, as certificate-authority-data. */
  readonly caData?: string | null;
  readonly caFile?: string | null;
  readonly skipTLSVerify?: boolean;
  readonly tlsServerName?: string | null;
  readonly proxyUrl?: string | null;
}

/** client.authentication.k8s.io ExecConfig: a credential plugin run without a shell. */
export interface ExecCredentialConfig {
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  apiVersion?: string;
}

export interface KubeUserEntry {
  readonly name: string;
  readonly token?: string | null;
  readonly tokenFile?: string | null;
  /** Base64 PEM, as client-certificate-data / client-key-data. */
  readonly certData?: string | null;
  readonly certFile?: string | null;
  readonly keyData?: string | null;
  readonly keyFile?: string | null;
  readonly username?: string | null;
  readonly password?: string | null;
  readonly impersonateUser?: string | null;
  readonly exec?: ExecCredentialConfig | null;
  /** Legacy auth-provider (gcp, azure, oidc…): handled by client-node, loaded only then. */
  // biome-ignore lint/suspicious/noExplicitAny: client-node types it as any too, so its KubeConfig fits here.
  readonly authProvider?: any;
}

export interface KubeContextEntry {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

/** What createKubeCluster needs; client-node's KubeConfig has the same methods and shapes. */
export interface KubeConfigSource {
  getClusters(): readonly KubeClusterEntry[];
  getUsers(): readonly KubeUserEntry[];
  getContexts(): readonly KubeContextEntry[];
  getCurrentContext(): string;
}

export interface KubeConfigOptions {
  clusters: KubeClusterEntry[];
  users: KubeUserEntry[];
  contexts: KubeContextEntry[];
  currentContext: string;
}

/** The in-cluster service account's files, as every pod has them. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The one context of an in-cluster config: every catalog environment then means this cluster. */
export const IN_CLUSTER_CONTEXT = 'inClusterContext';

type Raw = Record<string, unknown>;
const rawList = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]) : []);
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const absolute = (dir: string, file: string | undefined) => (file ? path.resolve(dir, file) : undefined);

function named(entry: Raw, list: string, i: number, field: string): Raw {
  if (!text(entry.name)) throw new Error(`${list}[${i}].name is missing`);
  const inner = entry[field];
  if (typeof inner !== 'object' || inner === null) throw new Error(`${list}[${i}].${field} is missing`);
  return inner as Raw;
}

/** One kubeconfig document (YAML or JSON) → entries; `dir` resolves relative file paths as kubectl does. */
export function parseKubeConfig(source: string, dir: string): KubeConfigOptions {
  const doc = (parse(source) ?? {}) as Raw;
  const clusters = rawList(doc.clusters).map((entry, i): KubeClusterEntry => {
    const c = named(entry, 'clusters', i, 'cluster');
    const server = text(c.server);
    if (!server) throw new Error(`clusters[${i}].cluster.server is missing`);
    return {
      name: String(entry.name),
      server: server.replace(/\/$/, ''),
      caData: text(c['certificate-authority-data']),
      caFile: absolute(dir, text(c['certificate-authority'])),
      skipTLSVerify: c['insecure-skip-tls-verify'] === true,
      tlsServerName: text(c['tls-server-name']),
      proxyUrl: text(c['proxy-url']),
    };
  });
  const users = rawList(doc.users).map((entry, i): KubeUserEntry => {
    if (!text(entry.name)) throw new Error(`users[${i}].name is missing`);
    const u = (entry.user ?? {}) as Raw;
    const exec = u.exec as ExecCredentialConfig | undefined;
    return {
      name: String(entry.name),
      token: text(u.token),
      tokenFile: absolute(dir, text(u['token-file'])),
      certData: text(u['client-certificate-data']),
      certFile: absolute(dir, text(u['client-certificate'])),
      keyData: text(u['client-key-data']),
      keyFile: absolute(dir, text(u['client-key'])),
      username: text(u.username),
      password: text(u.password),
      impersonateUser: text(u.as),
      // kubectl looks a relative exec command up next to the kubeconfig when it contains a slash.
      exec: exec?.command
        ? { ...exec, command: exec.command.includes('/') ? path.resolve(dir, exec.command) : exec.command }
        : undefined,
      authProvider: u['auth-provider'],
    };
  });
  const contexts = rawList(doc.contexts).map((entry, i): KubeContextEntry => {
    const c = named(entry, 'contexts', i, 'context');
    if (!text(c.cluster)) throw new Error(`contexts[${i}].context.cluster is missing`);
    return {
      name: String(entry.name),
      cluster: String(c.cluster),
      user: text(c.user) ?? '',
      ...(text(c.namespace) ? { namespace: String(c.namespace) } : {}),
    };
  });
  return { clusters, users, contexts, currentContext: text(doc['current-context']) ?? '' };
}

const drop = <T extends object>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== false));

export class KubeConfig implements KubeConfigSource {
  clusters: KubeClusterEntry[] = [];
  users: KubeUserEntry[] = [];
  contexts: KubeContextEntry[] = [];
  currentContext = '';

  static fromOptions(options: KubeConfigOptions): KubeConfig {
    return Object.assign(new KubeConfig(), structuredClone(options));
  }

  /** Several files (kubectl's KUBECONFIG list): the first definition of a name, and the first current-context, win. */
  static fromFiles(files: readonly string[]): KubeConfig {
    const kc = new KubeConfig();
    for (const file of files) {
      const next = parseKubeConfig(readFileSync(file, 'utf8'), path.dirname(path.resolve(file)));
      const add = <T extends { name: string }>(into: T[], from: T[]) => {
        for (const entry of from) if (!into.some((e) => e.name === entry.name)) into.push(entry);
      };
      add(kc.clusters, next.clusters);
      add(kc.users, next.users);
      add(kc.contexts, next.contexts);
      kc.currentContext ||= next.currentContext;
    }
    return kc;
  }

  /** The pod's service account: KUBERNETES_SERVICE_HOST/PORT (from Config), its CA, a token re-read as it rotates. */
  static inCluster(env: Record<string, string | undefined>, dir = SERVICE_ACCOUNT_DIR): KubeConfig {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    if (!host || !port)
      throw new Error('KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not in a pod)');
    const tokenFile = path.join(dir, 'token');
    if (!existsSync(tokenFile)) throw new Error(`${tokenFile} does not exist (no service account token mounted)`);
    const namespaceFile = path.join(dir, 'namespace');
    const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
    return KubeConfig.fromOptions({
      clusters: [
        {
          name: 'inCluster',
          server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
          caFile: path.join(dir, 'ca.crt'),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'inClusterUser', tokenFile }],
      contexts: [
        { name: IN_CLUSTER_CONTEXT, cluster: 'inCluster', user: 'inClusterUser', ...(namespace ? { namespace } : {}) },
      ],
      currentContext: IN_CLUSTER_CONTEXT,
    });
  }

  /** kubectl's default: ~/.kube/config. */
  static defaultFile(home: string | undefined): string {
    return path.join(home ?? homedir(), '.kube', 'config');
  }

  getClusters = () => this.clusters;
  getUsers = () => this.users;
  getContexts = () => this.contexts;
  getCurrentContext = () => this.currentContext;

  /** JSON, which is YAML: what kubectl (and client-node) read from a KUBECONFIG file. */
  exportConfig(): string {
    return JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: this.clusters.map((c) => ({
        name: c.name,
        cluster: drop({
          server: c.server,
          'certificate-authority-data': c.caData,
          'certificate-authority': c.caFile,
          'insecure-skip-tls-verify': c.skipTLSVerify,
          'tls-server-name': c.tlsServerName,
          'proxy-url': c.proxyUrl,
        }),
      })),
      users: this.users.map((u) => ({
        name: u.name,
        user: drop({
          token: u.token,
          'token-file': u.tokenFile,
          'client-certificate-data': u.certData,
          'client-certificate': u.certFile,
          'client-key-data': u.keyData,
          'client-key': u.keyFile,
          username: u.username,
          password: u.password,
          as: u.impersonateUser,
          exec: u.exec,
          'auth-provider': u.authProvider,
        }),
      })),
      contexts: this.contexts.map(({ name, ...context }) => ({ name, context: drop(context) })),
      'current-context': this.currentContext,
    });
  }
}
