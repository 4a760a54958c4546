/**
 * The Cluster adapter's changes, each sent exactly as kubectl sends it: rollout undo as a
 * JSON patch, restart as a merge patch of one annotation, scale through the scale
 * subresource, set image as a strategic merge patch. A conflict (409: the object changed
 * under us) is retried once after re-reading; a second conflict is explained.
 */
import type { V1Deployment, V1ReplicaSet, V1Scale } from '@kubernetes/client-node';
import { OpsError } from '../errors.js';
import type { Cluster, Target } from './cluster.js';
import { PATCH } from './kube-api.js';
import type { Call } from './kube-cluster.js';
import { CHANGE_CAUSE_ANNOTATION, deploymentPath } from './kube-mapping.js';
import { planUndo } from './rollout-undo.js';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
// kubectl formats restartedAt with time.RFC3339: seconds precision.
const rfc3339 = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;

// A 409 means the deployment changed between our read and our write: read again and retry once;
// a second one means something else keeps changing it, which a person should look at.
async function onceMoreOnConflict<T>(target: Target, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof OpsError) || error.code !== 'k8s_conflict') throw error;
  }
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof OpsError) || error.code !== 'k8s_conflict') throw error;
    throw new OpsError(
      'k8s_conflict',
      `Nothing was changed: ${target.deployment} in ${target.env} was modified by someone else while opsbot was updating it, twice in a row, so opsbot stopped.`,
      {
        hint: `Something else is changing it right now (another deploy, kubectl, CI or an autoscaler). Look at /ops status ${target.service} ${target.env} and /ops history ${target.service} ${target.env}, then run the command again.`,
        cause: error,
      },
    );
  }
}

export function kubeChanges(
  call: Call,
  readDeployment: (target: Target) => Promise<V1Deployment>,
  listReplicaSets: (target: Target, deployment: V1Deployment) => Promise<V1ReplicaSet[]>,
): Pick<Cluster, 'planRollback' | 'rollback' | 'restart' | 'getReplicas' | 'scale' | 'setImage'> {
  const plan = async (target: Target, toRevision?: number) => {
    const deployment = await readDeployment(target);
    return { deployment, undo: planUndo(target, deployment, await listReplicaSets(target, deployment), toRevision) };
  };
  const patch = (target: Target, body: unknown, contentType: string) =>
    call(target, { verb: 'patch', resource: 'deployments' }, (api) =>
      api.request<V1Deployment>({ method: 'PATCH', path: deploymentPath(target), body, contentType }),
    );
  const refusePaused = (target: Target, deployment: V1Deployment, what: string) => {
    if (!deployment.spec?.paused) return;
    throw new OpsError(
      'refused',
      `Nothing was changed: ${target.deployment} in ${target.env} is paused, so it cannot ${what}.`,
      {
        hint: `Resume it first (kubectl rollout resume deployment/${target.deployment} -n ${target.namespace}).`,
      },
    );
  };

  return {
    planRollback: async (target, toRevision) => {
      const { fromRevision, toRevision: to, fromImages, toImages } = (await plan(target, toRevision)).undo;
      return { fromRevision, toRevision: to, fromImages, toImages };
    },
    rollback: (target, toRevision) =>
      onceMoreOnConflict(target, async () => {
        const { undo } = await plan(target, toRevision);
        await patch(target, undo.patch, PATCH.json);
        const { fromRevision, toRevision: to, fromImages, toImages } = undo;
        return { fromRevision, toRevision: to, fromImages, toImages };
      }),
    restart: (target, at) =>
      onceMoreOnConflict(target, async () => {
        refusePaused(target, await readDeployment(target), 'be restarted');
        const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: rfc3339(at) } } } } };
        await patch(target, body, PATCH.strategic);
      }),
    getReplicas: async (target) => {
      const scale = await call(target, { verb: 'get', resource: 'deployments/scale' }, (api) =>
        api.request<V1Scale>({ path: `${deploymentPath(target)}/scale` }),
      );
      return scale.spec?.replicas ?? 0;
    },
    scale: (target, replicas) =>
      onceMoreOnConflict(target, async () => {
        await call(target, { verb: 'patch', resource: 'deployments/scale' }, (api) =>
          api.request<V1Scale>({
            method: 'PATCH',
            path: `${deploymentPath(target)}/scale`,
            body: { spec: { replicas } },
            contentType: PATCH.merge,
          }),
        );
      }),
    setImage: (target, image, changeCause) =>
      onceMoreOnConflict(target, async () => {
        const deployment = await readDeployment(target);
        const containers = deployment.spec?.template.spec?.containers ?? [];
        const container = target.container ? containers.find((c) => c.name === target.container) : containers[0];
        if (!container) {
          throw new OpsError(
            'not_found',
            `Nothing was changed: ${target.deployment} in ${target.env} has no container "${target.container}".`,
            {
              hint: `Its containers: ${containers.map((c) => c.name).join(', ')}. Fix services.${target.service}.container in the catalog.`,
            },
          );
        }
        const body = {
          metadata: { annotations: { [CHANGE_CAUSE_ANNOTATION]: changeCause } },
          spec: { template: { spec: { containers: [{ name: container.name, image }] } } },
        };
        await patch(target, body, PATCH.strategic);
        return { container: container.name, from: container.image ?? '' };
      }),
  };
}
