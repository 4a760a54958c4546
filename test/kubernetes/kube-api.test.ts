/**
 * The transport on its own, against a bare HTTP server that records what it receives: paths, queries,
 * content types, bodies, errors, timeouts, and which GETs share one request.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type KubeApi, KubeApiError, kubeApi, kubePath, PATCH } from '../../src/kubernetes/kube-api.js';
import { connect } from '../../src/kubernetes/kube-auth.js';
import { KubeConfig } from '../../src/kubernetes/kubeconfig.js';

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  authorization?: string;
  body: string;
}
let seen: Seen[] = [];
let delayMs = 0;
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      body,
    });
    const answer = seen.length;
    setTimeout(() => {
      if (req.url?.includes('missing')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'deployments "missing" not found' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url?.endsWith('/log?container=api') ? 'line 1\nline 2\n' : JSON.stringify({ answer }));
    }, delayMs);
  });
});

let api: KubeApi;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kubeConfig = KubeConfig.fromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }],
    users: [{ name: 'u', token: 't0ken' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  api = kubeApi(connect(kubeConfig, 'ctx'), { timeoutMs: 300 });
});
beforeEach(() => {
  seen = [];
  delayMs = 0;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('requests', () => {
  it('sends JSON with the token, encoded path segments and query, and the patch content type', async () => {
    const path = kubePath`/apis/apps/v1/namespaces/${'a b'}/deployments/${'web/1'}`;
    expect(path).toBe('/apis/apps/v1/namespaces/a%20b/deployments/web%2F1');
    await api.request({ path, query: { labelSelector: 'app=web,tier in (a,b)', limit: undefined } });
    await api.request({ method: 'PATCH', path, body: { spec: { replicas: 3 } }, contentType: PATCH.merge });
    expect(seen).toEqual([
      {
        method: 'GET',
        url: `${path}?labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29`,
        authorization: 'Bearer t0ken',
        body: '',
      },
      {
        method: 'PATCH',
        url: path,
        contentType: 'application/merge-patch+json',
        authorization: 'Bearer t0ken',
        body: '{"spec":{"replicas":3}}',
      },
    ]);
  });

  it('reads text as text (pod logs)', async () => {
    expect(await api.requestText({ path: '/api/v1/namespaces/n/pods/p/log', query: { container: 'api' } })).toBe(
      'line 1\nline 2\n',
    );
  });

  it('a non-2xx answer rejects with its status code and the Status the server sent', async () => {
    const error = (await api
      .request({ path: '/apis/apps/v1/namespaces/n/deployments/missing' })
      .catch((e: unknown) => e)) as KubeApiError;
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.code).toBe(404);
    expect(JSON.parse(String(error.body))).toMatchObject({
      reason: 'NotFound',
      message: 'deployments "missing" not found',
    });
  });

  it('no answer in time rejects with an AbortError', async () => {
    delayMs = 1_000;
    const error = (await api.request({ path: '/slow' }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
  });
});

describe('GETs asked for together', () => {
  it('share one request while it is unsent; PATCHes never do', async () => {
    const [a, b] = await Promise.all([api.request({ path: '/x' }), api.request({ path: '/x' })]);
    expect([a, b, seen.length]).toEqual([{ answer: 1 }, { answer: 1 }, 1]);
    // Each caller gets an object of its own: one changing it cannot change the other's.
    expect(a).not.toBe(b);
    await Promise.all([
      api.request({ method: 'PATCH', path: '/x', body: [], contentType: PATCH.json }),
      api.request({ method: 'PATCH', path: '/x', body: [], contentType: PATCH.json }),
    ]);
    expect(seen.length).toBe(3);
  });

  it('a GET asked for once the first is on its way gets a request, and an answer, of its own', async () => {
    delayMs = 100;
    const first = api.request({ path: '/y' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = api.request({ path: '/y' });
    expect([await first, await second]).toEqual([{ answer: 1 }, { answer: 2 }]);
  });
});

describe('a kept-alive connection the server drops', () => {
  // Answers the first request on each connection and drops the connection on the second, as a server
  // closing an idle keep-alive connection just as the client reuses it.
  let requests = 0;
  const dropping = createServer((req, res) => {
    requests++;
    const socket = req.socket as typeof req.socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    if (socket.served > 1) return void socket.destroy();
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ served: requests }));
  });
  let dropApi: KubeApi;
  beforeAll(async () => {
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const kubeConfig = KubeConfig.fromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/drop` }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    dropApi = kubeApi(connect(kubeConfig, 'ctx'), { timeoutMs: 2_000 });
  });
  afterAll(() => {
    dropping.closeAllConnections();
    return new Promise<void>((resolve) => dropping.close(() => resolve()));
  });

  it('is retried once on a new connection for reads and idempotent writes, never for POST', async () => {
    requests = 0;
    expect(await dropApi.request({ path: '/a' })).toEqual({ served: 1 });
    expect(await dropApi.request({ path: '/a' })).toEqual({ served: 3 });
    expect(await dropApi.request({ method: 'PATCH', path: '/a', body: {}, contentType: PATCH.merge })).toEqual({
      served: 5,
    });
    const error = (await dropApi.request({ method: 'POST', path: '/a', body: {} }).catch((e: unknown) => e)) as {
      code?: string;
    };
    expect(error.code).toBe('ECONNRESET');
  });
});
