/** Deployment writes and the /scale and /status subresources, as kube-apiserver's apps/v1 handlers answer them. */
import { clone } from './canonical.js';
import type { FakeCluster } from './fake-cluster.js';
import type { ApiRequest, ApiResponse, RequestInfo } from './http-util.js';
import { applyPatch } from './patch.js';
import { selectorToString } from './selectors.js';
import { alreadyExists, badRequest, conflict, invalid, statusError } from './status-error.js';
import { type Deployment, isPlainObject } from './types.js';

const isDryRun = (req: ApiRequest) => req.query.getAll('dryRun').includes('All');

function checkResourceVersion(name: string, current: Deployment, sent: unknown) {
  if (sent !== undefined && sent !== '' && sent !== current.metadata.resourceVersion) {
    throw conflict('deployments', 'apps', name);
  }
}

export function toScale(deployment: Deployment) {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = deployment.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: deployment.spec.replicas ?? 1 },
    status: { replicas: deployment.status?.replicas ?? 0, selector: selectorToString(deployment.spec.selector) },
  };
}

export function createDeployment(cluster: FakeCluster, req: ApiRequest, info: RequestInfo): ApiResponse {
  const body = req.body as Deployment;
  if (!isPlainObject(body) || !isPlainObject(body.metadata)) throw badRequest("Object 'metadata' is missing in '{}'");
  const namespace = info.namespace ?? '';
  if (body.metadata.namespace && body.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const name = body.metadata.name;
  if (cluster.store.get('deployments', namespace, name)) throw alreadyExists('deployments', 'apps', name);
  const input = { ...clone(body), metadata: { ...clone(body.metadata), namespace } };
  if (isDryRun(req)) return { status: 201, body: input };
  return { status: 201, body: cluster.create(input) };
}

export function replaceDeployment(
  cluster: FakeCluster,
  req: ApiRequest,
  info: RequestInfo,
  statusOnly: boolean,
): ApiResponse {
  const name = info.name ?? '';
  const current = cluster.deployment(info.namespace ?? '', name);
  const body = req.body as Deployment;
  if (!isPlainObject(body) || !isPlainObject(body.metadata)) throw badRequest("Object 'metadata' is missing");
  if (body.metadata.name && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  checkResourceVersion(name, current, body.metadata.resourceVersion);
  return { status: 200, body: cluster.write(current, body, { dryRun: isDryRun(req), statusOnly }) };
}

export function patchDeployment(
  cluster: FakeCluster,
  req: ApiRequest,
  info: RequestInfo,
  statusOnly: boolean,
): ApiResponse {
  const name = info.name ?? '';
  const current = cluster.deployment(info.namespace ?? '', name);
  const patched = applyPatch(current, req.contentType, req.body);
  if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) {
    throw invalid('Deployment', 'apps', name, 'metadata', 'Required value');
  }
  // A resourceVersion inside a patch is a precondition, as with kube-apiserver.
  checkResourceVersion(name, current, patched.metadata.resourceVersion);
  return { status: 200, body: cluster.write(current, patched as Deployment, { dryRun: isDryRun(req), statusOnly }) };
}

export function deleteDeployment(cluster: FakeCluster, info: RequestInfo): ApiResponse {
  const name = info.name ?? '';
  const current = cluster.deployment(info.namespace ?? '', name);
  cluster.store.delete('deployments', info.namespace, name);
  cluster.controller.deleteOwned(current);
  return {
    status: 200,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: 'apps', kind: 'deployments', uid: current.metadata.uid },
    },
  };
}

export function scaleRoute(cluster: FakeCluster, req: ApiRequest, info: RequestInfo): ApiResponse {
  const name = info.name ?? '';
  const current = cluster.deployment(info.namespace ?? '', name);
  if (req.method === 'GET') return { status: 200, body: toScale(current) };
  let scale: unknown;
  if (req.method === 'PUT') scale = req.body;
  else if (req.method === 'PATCH') scale = applyPatch(toScale(current), req.contentType, req.body);
  else throw statusError(405, `the server does not allow this method on the requested resource`, 'MethodNotAllowed');
  const spec = isPlainObject(scale) && isPlainObject(scale.spec) ? scale.spec : {};
  const metadata = isPlainObject(scale) && isPlainObject(scale.metadata) ? scale.metadata : {};
  checkResourceVersion(name, current, metadata.resourceVersion);
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid(
      'Scale',
      'autoscaling',
      name,
      'spec.replicas',
      `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  }
  const next = clone(current);
  next.spec.replicas = replicas;
  const written = cluster.write(current, next, { dryRun: isDryRun(req) });
  return { status: 200, body: toScale(written) };
}
