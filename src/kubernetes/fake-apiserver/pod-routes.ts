/** pods/{name}/log and pod deletion, with the kubelet's answers for the awkward cases. */
import type { FakeCluster } from './fake-cluster.js';
import type { ApiRequest, ApiResponse, RequestInfo } from './http-util.js';
import { badRequest, notFound } from './status-error.js';
import type { Pod } from './types.js';

function podOf(cluster: FakeCluster, info: RequestInfo): Pod {
  const pod = cluster.store.get<Pod>('pods', info.namespace, info.name ?? '');
  if (!pod) throw notFound('pods', '', info.name ?? '');
  return pod;
}

function positiveInt(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw badRequest(`${key}: Invalid value: ${raw}: must be greater than or equal to 0`);
  return value;
}

export function podLog(cluster: FakeCluster, req: ApiRequest, info: RequestInfo): ApiResponse {
  const pod = podOf(cluster, info);
  const name = pod.metadata.name;
  const names = pod.spec.containers.map((c) => c.name);
  let container = req.query.get('container') ?? undefined;
  if (!container) {
    if (names.length > 1) {
      throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    }
    container = names[0] ?? '';
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const status = pod.status.containerStatuses?.find((s) => s.name === container);
  const previous = req.query.get('previous') === 'true';
  const logs = cluster.podLogs(info.namespace ?? '', name, container);
  let lines: string[];
  if (previous) {
    if (!status?.lastState.terminated || !logs?.previous) {
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    }
    lines = logs.previous;
  } else {
    const waiting = status?.state.waiting?.reason;
    if (!status || (waiting && waiting !== 'CrashLoopBackOff')) {
      throw badRequest(
        `container "${container}" in pod "${name}" is waiting to start: ${waiting ?? 'ContainerCreating'}`,
      );
    }
    lines = logs?.current ?? [];
  }
  const sinceSeconds = positiveInt(req.query, 'sinceSeconds');
  if (sinceSeconds !== undefined) {
    const from = cluster.now().getTime() - sinceSeconds * 1000;
    lines = lines.filter((line) => {
      const at = Date.parse(line.split(' ')[0] ?? '');
      return Number.isNaN(at) || at >= from;
    });
  }
  const tail = positiveInt(req.query, 'tailLines');
  if (tail !== undefined) lines = tail === 0 ? [] : lines.slice(-tail);
  let text = lines.map((line) => `${line}\n`).join('');
  if (req.query.get('timestamps') === 'true') {
    const at = cluster.store.timestamp();
    text = lines.map((line) => `${at.replace('Z', '.000000000Z')} ${line}\n`).join('');
  }
  const limit = positiveInt(req.query, 'limitBytes');
  if (limit !== undefined) text = Buffer.from(text).subarray(0, limit).toString('utf8');
  return { status: 200, body: text, contentType: 'text/plain' };
}

/** Deleting a pod: gone at once (no grace period here), and its ReplicaSet replaces it. */
export function deletePod(cluster: FakeCluster, info: RequestInfo): ApiResponse {
  const pod = podOf(cluster, info);
  cluster.controller.deletePod(pod);
  cluster.reconcileOwner(pod);
  return {
    status: 200,
    body: {
      ...pod,
      metadata: { ...pod.metadata, deletionTimestamp: cluster.store.timestamp(), deletionGracePeriodSeconds: 0 },
    },
  };
}
