/**
 * Maintenance over the Kubernetes transport: finished pods and completed Jobs, their deletion, and TLS Secrets.
 * Kept apart from the deployment operations (kube-changes.ts, kube-observe.ts); it needs only `call`.
 */
import type { V1Job, V1JobList, V1Pod, V1PodList, V1SecretList } from '@kubernetes/client-node';
import { OpsError } from '../errors.js';
import type { Target } from './cluster.js';
import { type KubeApi, kubePath } from './kube-api.js';
import type { KubeOperation } from './kube-errors.js';
import type { ClusterMaintenance, FinishedObject, Scope } from './maintenance.js';

export type MaintenanceCall = <T>(
  target: Target,
  op: Omit<KubeOperation, 'target' | 'server'>,
  fn: (api: KubeApi) => Promise<T>,
) => Promise<T>;

// Errors name a service and deployment; a namespace-wide operation has neither.
const asTarget = (scope: Scope): Target => ({ ...scope, service: '(namespace)', deployment: scope.namespace });

const isComplete = (job: V1Job) => job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
const ownerJob = (pod: V1Pod) => pod.metadata?.ownerReferences?.find((r) => r.kind === 'Job')?.name;
const created = (o: { metadata?: { creationTimestamp?: Date | string } }) => {
  const at = o.metadata?.creationTimestamp;
  return at ? { createdAt: at instanceof Date ? at.toISOString() : at } : {};
};

export function kubeMaintenance(call: MaintenanceCall): ClusterMaintenance {
  return {
    async finishedWork(scope) {
      const target = asTarget(scope);
      const jobs = await call(target, { verb: 'list', resource: 'jobs' }, (api) =>
        api.request<V1JobList>({ path: kubePath`/apis/batch/v1/namespaces/${scope.namespace}/jobs` }),
      );
      const byPhase = (phase: string) =>
        call(target, { verb: 'list', resource: 'pods' }, (api) =>
          api.request<V1PodList>({
            path: kubePath`/api/v1/namespaces/${scope.namespace}/pods`,
            query: { fieldSelector: `status.phase=${phase}` },
          }),
        );
      const [succeeded, failed] = await Promise.all([byPhase('Succeeded'), byPhase('Failed')]);
      const complete = jobs.items.filter(isComplete);
      const jobNames = new Set(jobs.items.map((j) => j.metadata?.name));
      const out: FinishedObject[] = complete.map((j) => ({
        kind: 'Job',
        name: j.metadata?.name ?? '',
        state: 'Complete',
        ...created(j),
      }));
      // A Job's pods go with the Job (or stay with a Job that is kept); only pods of no existing Job are listed.
      for (const pod of [...succeeded.items, ...failed.items]) {
        const job = ownerJob(pod);
        if (job && jobNames.has(job)) continue;
        out.push({ kind: 'Pod', name: pod.metadata?.name ?? '', state: pod.status?.phase ?? '', ...created(pod) });
      }
      return out;
    },

    async deleteFinished(scope, objects) {
      const target = asTarget(scope);
      const deleted: FinishedObject[] = [];
      let alreadyGone = 0;
      for (const object of objects) {
        try {
          if (object.kind === 'Job') {
            await call(target, { verb: 'delete', resource: 'jobs', name: object.name }, (api) =>
              api.request({
                method: 'DELETE',
                path: kubePath`/apis/batch/v1/namespaces/${scope.namespace}/jobs/${object.name}`,
                // As kubectl delete: the Job's pods go with it, in the background.
                query: { propagationPolicy: 'Background' },
              }),
            );
          } else {
            await call(target, { verb: 'delete', resource: 'pods', name: object.name }, (api) =>
              api.request({
                method: 'DELETE',
                path: kubePath`/api/v1/namespaces/${scope.namespace}/pods/${object.name}`,
              }),
            );
          }
          deleted.push(object);
        } catch (error) {
          // Deleted meanwhile (by its owner, another cleanup, a TTL controller): the goal is met.
          if (error instanceof OpsError && error.code === 'not_found') alreadyGone++;
          else throw error;
        }
      }
      return { deleted, alreadyGone };
    },

    async secrets(scope) {
      const list = await call(asTarget(scope), { verb: 'list', resource: 'secrets' }, (api) =>
        api.request<V1SecretList>({ path: kubePath`/api/v1/namespaces/${scope.namespace}/secrets` }),
      );
      // Only names, types and ages leave this function; the values are dropped here.
      return list.items.map((s) => ({ name: s.metadata?.name ?? '', type: s.type ?? 'Opaque', ...created(s) }));
    },

    async tlsSecrets(scope) {
      const list = await call(asTarget(scope), { verb: 'list', resource: 'secrets' }, (api) =>
        api.request<V1SecretList>({
          path: kubePath`/api/v1/namespaces/${scope.namespace}/secrets`,
          query: { fieldSelector: 'type=kubernetes.io/tls' },
        }),
      );
      return list.items.map((s) => ({
        name: s.metadata?.name ?? '',
        certificatePem: Buffer.from(s.data?.['tls.crt'] ?? '', 'base64').toString('utf8'),
      }));
    },
  };
}
