/**
 * A small kube-apiserver in process: the test double for Kubernetes and the built-in sandbox cluster.
 * Plain node:http on 127.0.0.1, port 0. Real clients (client-node, kubectl) talk to it over HTTP.
 *
 * @example
 * const fake = await startFakeApiServer();
 * fake.cluster.createDeployment({ namespace: 'apps', name: 'api-gateway', image: 'registry.example.com/api-gateway:1.4.2', replicas: 3 });
 * // kc.loadFromOptions({ clusters: [{ name: 'fake', server: fake.url, skipTLSVerify: true }], … })
 * await fake.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RolloutBehaviour } from './controller.js';
import { FakeCluster } from './fake-cluster.js';
import {
  type ApiRequest,
  errorResponse,
  parseJsonBody,
  parseRequestInfo,
  readBody,
  send,
  verbOf,
} from './http-util.js';
import { route } from './routes.js';
import { forbiddenMessage, statusBody, statusError } from './status-error.js';

export type { RolloutBehaviour } from './controller.js';
export type { SeedDeployment } from './fake-cluster.js';
export { CHANGE_CAUSE, FakeCluster } from './fake-cluster.js';
export type { PodLogs, PodState } from './pods.js';
export type { Deployment, Pod, ReplicaSet, Status } from './types.js';

export interface FakeApiServerOptions {
  /** Base clock (default: the system clock); `cluster.advance(ms)` moves the fake's time on top of it. */
  clock?: () => Date;
  /** Seed of the PRNG behind pod names and uids, so runs are reproducible. */
  seed?: number;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401, as kube-apiserver). */
  token?: string;
  /** How rollouts proceed unless a deployment says otherwise (default: complete at once). */
  rollout?: RolloutBehaviour;
  /** The identity named in Forbidden messages. */
  user?: string;
}

/** Make a request fail the way kube-apiserver would (RBAC denial, outage…). */
export interface Fault {
  method?: string;
  /** Exact path, or a pattern tested against the path (no query). */
  path: string | RegExp;
  /** Answer with this error status; without it the request is served normally (after `delayMs`). */
  status?: number;
  /** Wait this long before answering (a slow or hung API server). */
  delayMs?: number;
  message?: string;
  reason?: string;
  /** Fail this many times, then answer normally (default: until removed). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  accept?: string;
  body?: unknown;
}

export interface FakeApiServer {
  url: string;
  cluster: FakeCluster;
  /** The last requests received (up to 2,000), in order, discovery included. */
  requests: RecordedRequest[];
  /** Returns a function that removes the fault. */
  injectFault(fault: Fault): () => void;
  close(): Promise<void>;
}

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const cluster = new FakeCluster(options.clock, options.seed ?? 1);
  if (options.rollout) cluster.controller.defaultBehaviour = options.rollout;
  const user = options.user ?? 'system:serviceaccount:opsbot:opsbot';
  const requests: RecordedRequest[] = [];
  const faults = new Set<Fault>();
  let host = '127.0.0.1:0';

  const failWith = (fault: Fault & { status: number }, req: ApiRequest) => {
    const info = parseRequestInfo(req.path);
    const message =
      fault.message ??
      (fault.status === 403 && info
        ? forbiddenMessage({ user, verb: verbOf(req.method, info, req.query), ...info })
        : `Internal error occurred: injected failure for ${req.method} ${req.path}`);
    return statusError(fault.status, message, fault.reason);
  };

  async function handle(incoming: IncomingMessage, res: ServerResponse) {
    const url = new URL(incoming.url ?? '/', 'http://fake');
    const method = incoming.method ?? 'GET';
    const contentType = incoming.headers['content-type'];
    const raw = await readBody(incoming);
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType,
      accept: incoming.headers.accept,
    };
    requests.push(recorded);
    // The sandbox runs as long as the bot does; keep the log bounded.
    if (requests.length > 2000) requests.splice(0, requests.length - 2000);
    try {
      if (options.token && incoming.headers.authorization !== `Bearer ${options.token}`) {
        throw statusError(401, 'Unauthorized', 'Unauthorized');
      }
      const body = parseJsonBody(raw, contentType);
      if (body !== undefined) recorded.body = body;
      const req: ApiRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        contentType,
        accept: incoming.headers.accept,
        body,
      };
      for (const fault of faults) {
        const pathMatches = typeof fault.path === 'string' ? fault.path === req.path : fault.path.test(req.path);
        if (!pathMatches || (fault.method && fault.method !== method)) continue;
        if (fault.times !== undefined && --fault.times <= 0) faults.delete(fault);
        if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault.status !== undefined) throw failWith({ ...fault, status: fault.status }, req);
        break;
      }
      const result = route(cluster, req, res, host);
      if (!('streaming' in result)) send(res, result);
    } catch (error) {
      if (res.headersSent) res.end();
      else send(res, errorResponse(error));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: statusBody(500, String(error)) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;

  return {
    url: `http://${host}`,
    cluster,
    requests,
    injectFault(fault) {
      const copy = { ...fault };
      faults.add(copy);
      return () => faults.delete(copy);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Watches are long-lived responses; end them or close() would wait for their timeouts.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
