/**
 * Our kubeconfig loading and credentials, against a real HTTPS API server (certificates made with
 * openssl for the test): bearer tokens, token files, client certificates, exec credential plugins,
 * the in-cluster service account, and errors that say what to fix.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { isOpsError, type OpsError } from '../../src/errors.js';
import type { Target } from '../../src/kubernetes/cluster.js';
import { createKubeCluster, loadKubeConfig } from '../../src/kubernetes/kube-cluster.js';
import { IN_CLUSTER_CONTEXT, KubeConfig } from '../../src/kubernetes/kubeconfig.js';

const PLUGIN = path.resolve('test/fixtures/kube-runtime/exec-credential.mjs');
const TOKEN = 'kube-token-7f3a';
const target: Target = { env: 'dev', service: 'api', kubeContext: 'dev-ctx', namespace: 'apps', deployment: 'api' };

let dir: string;
let server: https.Server;
let url: string;
let caPem: string;
/** Who each request authenticated as: "token" or "cert:<CN>". */
const seen: string[] = [];

async function openssl(...args: string[]) {
  await execa('openssl', args, { cwd: dir });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate for CN=opsbot, all signed by the CA. */
async function makeCertificates() {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=test-ca', '-days', '2');
  await writeFile(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, subject, extra] of [
    ['server', '/CN=127.0.0.1', ['-extfile', 'san.ext']],
    ['client', '/CN=opsbot', []],
  ] as const) {
    await openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      ...extra,
    );
  }
}

function kubeconfigFile(name: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}) {
  const file = path.join(dir, name);
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'dev',
        cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64'), ...cluster },
      },
    ],
    users: [{ name: 'opsbot', user }],
    contexts: [{ name: 'dev-ctx', context: { cluster: 'dev', user: 'opsbot', namespace: 'apps' } }],
    'current-context': 'dev-ctx',
  };
  return writeFile(file, stringify(doc)).then(() => file);
}

async function deploymentVia(file: string) {
  const kubeConfig = loadKubeConfig({ kubeconfig: file }) as KubeConfig;
  return createKubeCluster({ kubeConfig, sandbox: false }).getDeployment(target);
}

async function failure(promise: Promise<unknown>): Promise<OpsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isOpsError(error)) throw new Error(`expected an OpsError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-kubeconfig-tls-'));
  await makeCertificates();
  const read = (f: string) => readFile(path.join(dir, f), 'utf8');
  caPem = await read('ca.crt');
  server = https.createServer(
    {
      key: await read('server.key'),
      cert: await read('server.crt'),
      ca: caPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const who = socket.authorized
        ? `cert:${socket.getPeerCertificate().subject?.CN}`
        : req.headers.authorization === `Bearer ${TOKEN}`
          ? 'token'
          : undefined;
      res.setHeader('content-type', 'application/json');
      if (!who) {
        res.statusCode = 401;
        res.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 }));
        return;
      }
      seen.push(who);
      res.end(
        JSON.stringify({
          kind: 'Deployment',
          metadata: { name: 'api', namespace: 'apps', generation: 1 },
          spec: { replicas: 2, template: { spec: { containers: [{ name: 'api', image: 'api:1' }] } } },
          status: { observedGeneration: 1, replicas: 2, readyReplicas: 2 },
        }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('credentials from a kubeconfig, over TLS verified against its CA', () => {
  it('a bearer token', async () => {
    const d = await deploymentVia(await kubeconfigFile('token.yaml', { token: TOKEN }));
    expect([d.name, d.readyReplicas, seen.at(-1)]).toEqual(['api', 2, 'token']);
  });

  it('a token file, found relative to the kubeconfig', async () => {
    await mkdir(path.join(dir, 'sa'), { recursive: true });
    await writeFile(path.join(dir, 'sa', 'token'), `${TOKEN}\n`);
    const d = await deploymentVia(await kubeconfigFile('token-file.yaml', { 'token-file': 'sa/token' }));
    expect([d.name, seen.at(-1)]).toEqual(['api', 'token']);
  });

  it('a client certificate and key (files relative to the kubeconfig, or inline data)', async () => {
    const files = await kubeconfigFile('cert-files.yaml', {
      'client-certificate': 'client.crt',
      'client-key': 'client.key',
    });
    expect((await deploymentVia(files)).name).toBe('api');
    expect(seen.at(-1)).toBe('cert:opsbot');
    const b64 = async (f: string) => (await readFile(path.join(dir, f))).toString('base64');
    const inline = await kubeconfigFile('cert-data.yaml', {
      'client-certificate-data': await b64('client.crt'),
      'client-key-data': await b64('client.key'),
    });
    expect((await deploymentVia(inline)).name).toBe('api');
    expect(seen.at(-1)).toBe('cert:opsbot');
  });

  it('a server whose certificate the CA did not sign is refused, unless insecure-skip-tls-verify', async () => {
    const otherCa = await kubeconfigFile(
      'wrong-ca.yaml',
      { token: TOKEN },
      {
        'certificate-authority-data': Buffer.from((await readFile(path.join(dir, 'client.crt'))).toString()).toString(
          'base64',
        ),
      },
    );
    const error = await failure(deploymentVia(otherCa));
    expect(error.code).toBe('k8s_error');
    expect(error.userMessage).toContain('Kubernetes call failed (get deployments in namespace "apps" (context dev-ctx');
    const skip = await kubeconfigFile(
      'skip-verify.yaml',
      { token: TOKEN },
      { 'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true },
    );
    expect((await deploymentVia(skip)).name).toBe('api');
  });

  it('a wrong token is a 401 that names the context to fix', async () => {
    const error = await failure(deploymentVia(await kubeconfigFile('bad-token.yaml', { token: 'expired' })));
    expect(error.userMessage).toContain("Kubernetes rejected opsbot's credentials for context dev-ctx");
  });
});

describe('exec credential plugins', () => {
  it('runs the plugin without a shell, with its args and env, and reuses its token until it expires', async () => {
    const calls = path.join(dir, 'plugin-calls.jsonl');
    const marker = path.join(dir, 'shell-ran');
    const file = await kubeconfigFile('exec.yaml', {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: PLUGIN,
        args: ['get-token', `$(touch ${marker})`],
        env: [
          { name: 'PLUGIN_TOKEN', value: TOKEN },
          { name: 'PLUGIN_CALLS', value: calls },
        ],
      },
    });
    const cluster = createKubeCluster({
      kubeConfig: loadKubeConfig({ kubeconfig: file }) as KubeConfig,
      sandbox: false,
    });
    await cluster.getDeployment(target);
    await cluster.listPods(target).catch(() => undefined);
    await cluster.getDeployment(target);
    expect(seen.at(-1)).toBe('token');
    const lines = (await readFile(calls, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      args: ['get-token', `$(touch ${marker})`],
      info: {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        spec: { interactive: false, cluster: { server: url } },
      },
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('a plugin that answers with a client certificate: TLS uses it', async () => {
    const file = await kubeconfigFile('exec-cert.yaml', {
      exec: {
        command: PLUGIN,
        env: [
          { name: 'PLUGIN_CERT', value: path.join(dir, 'client.crt') },
          { name: 'PLUGIN_KEY', value: path.join(dir, 'client.key') },
        ],
      },
    });
    expect((await deploymentVia(file)).name).toBe('api');
    expect(seen.at(-1)).toBe('cert:opsbot');
  });

  it('a failing plugin: the error carries what it printed', async () => {
    const file = await kubeconfigFile('exec-fails.yaml', {
      exec: { command: PLUGIN, env: [{ name: 'PLUGIN_FAIL', value: 'error: not logged in, run: cloud auth login' }] },
    });
    const error = await failure(deploymentVia(file));
    expect(error.code).toBe('k8s_error');
    expect(error.userMessage).toContain(
      `the exec credential plugin ${PLUGIN} failed: error: not logged in, run: cloud auth login`,
    );
  });
});

describe('in-cluster service account', () => {
  it('reads the host and port from the environment, the CA, the token and the namespace from its folder', async () => {
    const sa = path.join(dir, 'serviceaccount');
    await mkdir(sa, { recursive: true });
    await writeFile(path.join(sa, 'token'), TOKEN);
    await writeFile(path.join(sa, 'ca.crt'), caPem);
    await writeFile(path.join(sa, 'namespace'), 'opsbot\n');
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(url).port };
    const kubeConfig = KubeConfig.inCluster(env, sa);
    expect(kubeConfig.getContexts()).toEqual([
      { name: IN_CLUSTER_CONTEXT, cluster: 'inCluster', user: 'inClusterUser', namespace: 'opsbot' },
    ]);
    // Every catalog environment means this one cluster, whatever kube context it names.
    const d = await createKubeCluster({ kubeConfig, sandbox: false }).getDeployment({ ...target, kubeContext: 'prod' });
    expect([d.name, seen.at(-1)]).toEqual(['api', 'token']);
  });

  it('outside a pod it says what is missing', () => {
    expect(() => KubeConfig.inCluster({}, dir)).toThrow(
      'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set',
    );
    expect(() => loadKubeConfig({ inCluster: true, variable: () => undefined })).toThrow(
      'Could not load Kubernetes credentials from the in-cluster service account: KUBERNETES_SERVICE_HOST',
    );
    expect(() => KubeConfig.inCluster({ KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443' }, dir)).toThrow(
      `${path.join(dir, 'token')} does not exist (no service account token mounted)`,
    );
  });
});

describe('kubeconfig mistakes say what to fix', () => {
  it('a context naming a cluster or user that is not defined', async () => {
    const file = path.join(dir, 'dangling.yaml');
    await writeFile(
      file,
      stringify({
        clusters: [{ name: 'dev', cluster: { server: url } }],
        users: [{ name: 'opsbot', user: { token: TOKEN } }],
        contexts: [
          { name: 'dev-ctx', context: { cluster: 'gone', user: 'opsbot' } },
          { name: 'stg-ctx', context: { cluster: 'dev', user: 'nobody' } },
        ],
      }),
    );
    const cluster = createKubeCluster({
      kubeConfig: loadKubeConfig({ kubeconfig: file }) as KubeConfig,
      sandbox: false,
    });
    const noCluster = await failure(cluster.getDeployment(target));
    expect(noCluster.code).toBe('config');
    expect(noCluster.userMessage).toBe(
      'Kube context "dev-ctx" (environment dev) cannot be used: context "dev-ctx" names cluster "gone", which is not defined.',
    );
    expect(noCluster.hint).toBe('Fix the context "dev-ctx" in KUBECONFIG (kubectl config view shows it).');
    const noUser = await failure(cluster.getDeployment({ ...target, env: 'staging', kubeContext: 'stg-ctx' }));
    expect(noUser.userMessage).toContain('context "stg-ctx" names user "nobody", which is not defined');
    const unknown = await failure(cluster.getDeployment({ ...target, kubeContext: 'prod-ctx' }));
    expect(unknown.userMessage).toBe(
      'Kube context "prod-ctx" (environment dev) is not in the kubeconfig; it has: dev-ctx, stg-ctx.',
    );
    expect(unknown.hint).toContain(
      'Fix environments.dev.kubeContext in the catalog, or add the context to KUBECONFIG.',
    );
  });

  it('a malformed file names the entry and KUBECONFIG', async () => {
    const file = path.join(dir, 'no-server.yaml');
    await writeFile(file, stringify({ clusters: [{ name: 'dev', cluster: { 'insecure-skip-tls-verify': true } }] }));
    expect(() => loadKubeConfig({ kubeconfig: file })).toThrow(
      `Could not load Kubernetes credentials from KUBECONFIG (${file}): clusters[0].cluster.server is missing`,
    );
  });
});
