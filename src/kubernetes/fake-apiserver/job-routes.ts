/**
 * Deleting a Job as kube-apiserver and its garbage collector do. The propagation policy comes from
 * the DeleteOptions body or the query (kubectl sends Background); batch/v1 Jobs default to Orphan,
 * so a client that names no policy leaves the Job's pods behind, ownerless, as a real cluster would.
 */
import type { FakeCluster } from './fake-cluster.js';
import type { ApiRequest, ApiResponse, RequestInfo } from './http-util.js';
import { badRequest, notFound } from './status-error.js';
import type { KubeObject, Pod } from './types.js';

const POLICIES = ['Orphan', 'Background', 'Foreground'];

function propagationPolicy(req: ApiRequest): string {
  const fromBody = (req.body as { propagationPolicy?: string } | undefined)?.propagationPolicy;
  const policy = fromBody ?? req.query.get('propagationPolicy') ?? 'Orphan';
  if (!POLICIES.includes(policy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  return policy;
}

export function deleteJob(cluster: FakeCluster, req: ApiRequest, info: RequestInfo): ApiResponse {
  const namespace = info.namespace ?? '';
  const name = info.name ?? '';
  const job = cluster.store.get<KubeObject>('jobs', namespace, name);
  if (!job) throw notFound('jobs', 'batch', name);
  const policy = propagationPolicy(req);
  const uid = job.metadata.uid;
  for (const pod of cluster.store.list<Pod>('pods', namespace)) {
    if (!pod.metadata.ownerReferences?.some((ref) => ref.uid === uid)) continue;
    if (policy === 'Orphan') {
      const ownerReferences = pod.metadata.ownerReferences.filter((ref) => ref.uid !== uid);
      cluster.store.update('pods', { ...pod, metadata: { ...pod.metadata, ownerReferences } });
    } else {
      cluster.controller.deletePod(pod);
    }
  }
  cluster.store.delete('jobs', namespace, name);
  return {
    status: 200,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: 'batch', kind: 'jobs', uid },
    },
  };
}
