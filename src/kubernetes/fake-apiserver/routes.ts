/** Request dispatch: discovery, then resources (list, get, watch, writes, subresources). */
import type { ServerResponse } from 'node:http';
import {
  createDeployment,
  deleteDeployment,
  patchDeployment,
  replaceDeployment,
  scaleRoute,
} from './deployment-routes.js';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  findResource,
  type ResourceInfo,
  versionInfo,
} from './discovery.js';
import type { FakeCluster } from './fake-cluster.js';
import { type ApiRequest, type ApiResponse, parseRequestInfo, type RequestInfo } from './http-util.js';
import { deleteJob } from './job-routes.js';
import { deletePod, podLog } from './pod-routes.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { notFound, statusError } from './status-error.js';
import type { KubeObject } from './types.js';
import { serveWatch } from './watch.js';

export type RouteResult = ApiResponse | { streaming: true };

const notServed = () => statusError(404, 'the server could not find the requested resource', 'NotFound');
const methodNotAllowed = () =>
  statusError(405, 'the server does not allow this method on the requested resource', 'MethodNotAllowed');

/** kubectl asks for aggregated discovery first; answering only with it refused makes client-go fall back. */
function wantsOnlyAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept
    .split(',')
    .map((part) => part.trim())
    .every((part) => part.includes('as=APIGroupDiscoveryList'));
}

function discovery(req: ApiRequest, host: string): ApiResponse | undefined {
  const path = req.path.replace(/\/$/, '') || '/';
  if (path === '/version') return { status: 200, body: versionInfo() };
  if (['/healthz', '/readyz', '/livez'].includes(path)) return { status: 200, body: 'ok', contentType: 'text/plain' };
  const documents: Record<string, () => unknown> = {
    '/api': () => apiVersions(host),
    '/apis': () => apiGroupList(),
    '/apis/apps': () => apiGroup('apps'),
    '/api/v1': () => apiResourceList('v1'),
    '/apis/apps/v1': () => apiResourceList('apps/v1'),
    '/apis/batch': () => apiGroup('batch'),
    '/apis/batch/v1': () => apiResourceList('batch/v1'),
  };
  const document = documents[path];
  if (!document) return undefined;
  if (wantsOnlyAggregated(req.accept))
    throw statusError(406, 'only application/json discovery is served', 'NotAcceptable');
  return { status: 200, body: document() };
}

function listOf(info: ResourceInfo, version: string, items: KubeObject[]) {
  return {
    kind: `${info.kind}List`,
    apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
    metadata: { resourceVersion: version },
    // Items of a typed list carry no kind/apiVersion, as kube-apiserver serves them.
    items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
  };
}

function namespaces(cluster: FakeCluster, info: RequestInfo): ApiResponse {
  const names = [...new Set(['default', 'kube-system', ...cluster.store.namespaces()])].sort();
  const toNamespace = (name: string) => ({
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
  if (!info.name) {
    return {
      status: 200,
      body: {
        kind: 'NamespaceList',
        apiVersion: 'v1',
        metadata: { resourceVersion: cluster.store.resourceVersion },
        items: names.map(toNamespace),
      },
    };
  }
  if (!names.includes(info.name)) throw notFound('namespaces', '', info.name);
  return { status: 200, body: { kind: 'Namespace', apiVersion: 'v1', ...toNamespace(info.name) } };
}

export function route(cluster: FakeCluster, req: ApiRequest, res: ServerResponse, host: string): RouteResult {
  const served = discovery(req, host);
  if (served) return served;
  let path = req.path;
  let watch = req.query.get('watch') === 'true' || req.query.get('watch') === '1';
  const legacyWatch = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/watch\//.exec(path);
  if (legacyWatch) {
    path = path.replace('/watch/', '/');
    watch = true;
  }
  const info = parseRequestInfo(path);
  const resource = info && findResource(info.group, info.resource);
  if (!info || !resource || resource.version !== info.version) throw notServed();
  req.info = info;
  if (info.resource === 'namespaces') {
    if (req.method !== 'GET') throw methodNotAllowed();
    return namespaces(cluster, info);
  }
  if (req.method === 'GET' && !info.subresource) {
    if (watch) {
      const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
      serveWatch(
        cluster.store,
        res,
        { resource: info.resource, kind: resource.kind, apiVersion, namespace: info.namespace, name: info.name },
        req.query,
      );
      return { streaming: true };
    }
    if (!info.name) {
      const labels = parseLabelSelector(req.query.get('labelSelector') ?? undefined);
      const fields = parseFieldSelector(req.query.get('fieldSelector') ?? undefined);
      const version = cluster.store.resourceVersion;
      const items = cluster.store
        .list(info.resource, info.namespace)
        .filter((o) => labels(o.metadata.labels) && fields(o));
      return { status: 200, body: listOf(resource, version, items) };
    }
    const object = cluster.store.get(info.resource, info.namespace, info.name);
    if (!object) throw notFound(info.resource, info.group, info.name);
    return { status: 200, body: object };
  }
  return write(cluster, req, info);
}

function write(cluster: FakeCluster, req: ApiRequest, info: RequestInfo): ApiResponse {
  const { method } = req;
  const sub = info.subresource;
  if (info.resource === 'pods') {
    if (sub === 'log' && method === 'GET') return podLog(cluster, req, info);
    if (!sub && info.name && method === 'DELETE') return deletePod(cluster, info);
  }
  if (info.resource === 'jobs' && info.name && !sub && method === 'DELETE') return deleteJob(cluster, req, info);
  if (info.resource === 'deployments' && info.namespace) {
    if (!info.name && method === 'POST') return createDeployment(cluster, req, info);
    if (info.name && !sub) {
      if (method === 'PUT') return replaceDeployment(cluster, req, info, false);
      if (method === 'PATCH') return patchDeployment(cluster, req, info, false);
      if (method === 'DELETE') return deleteDeployment(cluster, info);
    }
    if (info.name && sub === 'scale') return scaleRoute(cluster, req, info);
    if (info.name && sub === 'status') {
      if (method === 'GET') return { status: 200, body: cluster.deployment(info.namespace, info.name) };
      if (method === 'PUT') return replaceDeployment(cluster, req, info, true);
      if (method === 'PATCH') return patchDeployment(cluster, req, info, true);
    }
  }
  if (sub) throw notServed();
  throw methodNotAllowed();
}
