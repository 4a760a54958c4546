/**
 * The Kubernetes transport: JSON over node:http(s) to one kube context's API server, with its
 * credentials (kube-auth.ts) and a keep-alive connection. No client library: @kubernetes/client-node
 * costs ~80 MB of memory to import and a few milliseconds of CPU per call to (de)serialise its models.
 *
 * Adding an operation is one call; the body is the API's JSON as documented for kubectl (typed with
 * `import type { V1Job } from '@kubernetes/client-node'` if wanted, which costs nothing at runtime):
 *
 *   // In the Cluster adapter: call(target, { verb: 'create', resource: 'jobs' }, (api) => api.request(…)).
 *   const api = kubeApi(connection, { timeoutMs: 30_000 });
 *   const job = await api.request<V1Job>({ method: 'POST', path: kubePath`/apis/batch/v1/namespaces/${ns}/jobs`, body });
 *   await api.request({ method: 'DELETE', path: kubePath`/api/v1/namespaces/${ns}/pods/${name}` });
 *   await api.request({ method: 'PATCH', path, body: { spec: { replicas: 3 } }, contentType: PATCH.merge });
 *   const text = await api.requestText({ path: `/api/v1/namespaces/${ns}/pods/${pod}/log`, query: { tailLines: 100 } });
 *
 * Path segments are put in by the caller: wrap names with encodeURIComponent (kubePath does). `query` values
 * that are undefined are left out. A non-2xx answer rejects with KubeApiError (`code` = HTTP status,
 * `body` = the Status object the server sent); no answer within timeoutMs rejects with an AbortError.
 * In the Cluster adapter, wrap each call so kube-errors.ts turns failures into OpsErrors (kube-cluster.ts: `call`;
 * add the resource's Kind to KINDS there for its 404 message). A request written into a kept-alive connection
 * the server had just closed is sent again once, except POST: a create must not happen twice.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConnection } from './kube-auth.js';

export const PATCH = {
  /** RFC 6902 list of operations (kubectl rollout undo). */
  json: 'application/json-patch+json',
  /** RFC 7386 (kubectl scale, kubectl patch --type merge). */
  merge: 'application/merge-patch+json',
  /** Kubernetes' own, merging lists by key (kubectl set image, rollout restart). */
  strategic: 'application/strategic-merge-patch+json',
} as const;

export interface KubeRequest {
  /** Default GET. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. /apis/apps/v1/namespaces/edge/deployments/api; see kubePath. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Default application/json; PATCH needs one of PATCH. */
  contentType?: string;
  /** Cancels the request (e.g. the run's signal); the timeout applies as well. */
  signal?: AbortSignal;
}

export interface KubeApi {
  readonly server: string;
  /** The parsed JSON answer. */
  request<T = unknown>(request: KubeRequest): Promise<T>;
  /** The answer as text (pod logs). */
  requestText(request: KubeRequest): Promise<string>;
}

/** A non-2xx answer. Same fields as client-node's ApiException, which kube-errors.ts also reads. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly request: string,
  ) {
    super(`HTTP ${code} from ${request}`);
    this.name = 'KubeApiError';
  }
}

/** `/apis/apps/v1/namespaces/{ns}/deployments/{name}` with every segment encoded. */
export function kubePath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}

function abortError(signal: AbortSignal): Error {
  const error = new Error(`The request was aborted: ${String(signal.reason ?? 'aborted')}`);
  error.name = 'AbortError';
  return error;
}

export function kubeApi(connection: KubeConnection, options: { timeoutMs: number }): KubeApi {
  // GETs of the same URL asked for before the first of them is sent share its answer (`status` reads the
  // deployment twice at once). Only while unsent: the answer is then read after every caller asked, so it
  // is as fresh as a request of their own would be; once sent, the next caller gets a request of its own.
  const unsent = new Map<string, Promise<string>>();

  function send(request: KubeRequest, accept: string): Promise<string> {
    const url = new URL(connection.server + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    if ((request.method ?? 'GET') !== 'GET' || request.signal) return dispatch(request, url, accept, () => {});
    const key = `${accept} ${url.href}`;
    const joined = unsent.get(key);
    if (joined) return joined;
    const sent: Promise<string> = dispatch(request, url, accept, () => {
      if (unsent.get(key) === sent) unsent.delete(key);
    });
    unsent.set(key, sent);
    return sent;
  }

  async function dispatch(request: KubeRequest, url: URL, accept: string, sending: () => void): Promise<string> {
    const { headers, agent } = await connection.credentials().finally(sending);
    const method = request.method ?? 'GET';
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    const transport = url.protocol === 'https:' ? https : http;
    const attempt = (retry: boolean): Promise<string> =>
      new Promise<string>((resolve, reject) => {
        const fail = (error: Error) => {
          if (signal.aborted) return reject(abortError(signal));
          // A kept-alive connection the server closed as we reused it: the request never reached it.
          // Sent again once, except POST (every write opsbot makes is idempotent; a create is not).
          const stale = outgoing.reusedSocket && (error as { code?: string }).code === 'ECONNRESET';
          if (retry && stale && !answered && method !== 'POST') return resolve(attempt(false));
          reject(error);
        };
        let answered = false;
        const outgoing = transport.request(
          url,
          {
            method,
            agent,
            signal,
            headers: {
              ...headers,
              Accept: accept,
              ...(payload === undefined
                ? {}
                : {
                    'Content-Type': request.contentType ?? 'application/json',
                    'Content-Length': Buffer.byteLength(payload),
                  }),
            },
          },
          (incoming) => {
            answered = true;
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('error', fail);
            incoming.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const status = incoming.statusCode ?? 0;
              if (status >= 200 && status < 300) return resolve(text);
              reject(new KubeApiError(status, text, `${method} ${request.path}`));
            });
          },
        );
        outgoing.on('error', fail);
        outgoing.end(payload);
      });
    return attempt(true);
  }

  return {
    server: connection.server,
    async request<T>(request: KubeRequest) {
      const text = await send(request, 'application/json');
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
    requestText: (request) => send(request, '*/*'),
  };
}
