/** Kubernetes API objects (as JSON, typed with client-node's types) → the Cluster adapter's own shapes (cluster.ts). Pure functions. */
import type { V1Deployment, V1LabelSelector, V1Pod, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { DeploymentStatus, PodSummary, RolloutRevision, RolloutState, Target } from './cluster.js';
import { kubePath } from './kube-api.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

export const deploymentPath = (target: Target) =>
  kubePath`/apis/apps/v1/namespaces/${target.namespace}/deployments/${target.deployment}`;

const iso = (date: Date | string | undefined) =>
  date === undefined ? undefined : date instanceof Date ? date.toISOString() : String(date);

export const revisionOf = (annotations: Record<string, string> | undefined) => {
  const value = Number.parseInt(annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return Number.isFinite(value) ? value : 0;
};

const imagesOf = (template: V1PodTemplateSpec | undefined) =>
  Object.fromEntries((template?.spec?.containers ?? []).map((c) => [c.name, c.image ?? '']));

/** The label selector as the `labelSelector` query parameter spells it. */
export function selectorString(selector: V1LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}

/** kubectl's rollout status checks (polymorphichelpers/rollout_status.go), in its order. */
export function rolloutState(d: Omit<DeploymentStatus, 'rollout'>): RolloutState {
  if (d.paused) return { state: 'paused', message: 'rollout paused' };
  if (d.observedGeneration < d.generation) {
    return { state: 'waiting', message: 'waiting for the deployment spec update to be observed' };
  }
  const progressing = d.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { state: 'failed', message: 'progress deadline exceeded' };
  if (d.updatedReplicas < d.desiredReplicas) {
    return { state: 'progressing', message: `${d.updatedReplicas} of ${d.desiredReplicas} new replicas updated` };
  }
  if (d.replicas > d.updatedReplicas) {
    return { state: 'progressing', message: `${d.replicas - d.updatedReplicas} old replicas pending termination` };
  }
  if (d.availableReplicas < d.updatedReplicas) {
    return {
      state: 'progressing',
      message: `${d.availableReplicas} of ${d.updatedReplicas} updated replicas available`,
    };
  }
  return { state: 'complete', message: 'rollout complete' };
}

export function toDeploymentStatus(deployment: V1Deployment): DeploymentStatus {
  const status = toStatusFields(deployment);
  return { ...status, rollout: rolloutState(status) };
}

function toStatusFields(deployment: V1Deployment): Omit<DeploymentStatus, 'rollout'> {
  const { metadata, spec, status } = deployment;
  return {
    name: metadata?.name ?? '',
    namespace: metadata?.namespace ?? '',
    generation: metadata?.generation ?? 0,
    observedGeneration: status?.observedGeneration ?? 0,
    desiredReplicas: spec?.replicas ?? 1,
    replicas: status?.replicas ?? 0,
    updatedReplicas: status?.updatedReplicas ?? 0,
    readyReplicas: status?.readyReplicas ?? 0,
    availableReplicas: status?.availableReplicas ?? 0,
    paused: spec?.paused ?? false,
    revision: revisionOf(metadata?.annotations),
    images: imagesOf(spec?.template),
    conditions: (status?.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      ...(c.lastUpdateTime ? { lastUpdateTime: iso(c.lastUpdateTime) } : {}),
    })),
    ...(metadata?.creationTimestamp ? { createdAt: iso(metadata.creationTimestamp) } : {}),
  };
}

/** IsControlledBy: an ownerReference with controller: true and the owner's uid (kubectl's rule). */
export const isControlledBy = (object: V1ReplicaSet | V1Pod, uid: string | undefined) =>
  uid !== undefined &&
  (object.metadata?.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === uid);

export function toRevisions(deployment: V1Deployment, sets: V1ReplicaSet[]): RolloutRevision[] {
  const current = revisionOf(deployment.metadata?.annotations);
  return sets
    .filter((rs) => isControlledBy(rs, deployment.metadata?.uid))
    .map((rs) => {
      const revision = revisionOf(rs.metadata?.annotations);
      const changeCause = rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
      return {
        revision,
        replicaSet: rs.metadata?.name ?? '',
        images: imagesOf(rs.spec?.template),
        ...(changeCause ? { changeCause } : {}),
        ...(rs.metadata?.creationTimestamp ? { createdAt: iso(rs.metadata.creationTimestamp) } : {}),
        replicas: rs.status?.replicas ?? 0,
        current: revision === current,
      };
    })
    .filter((revision) => revision.revision > 0)
    .sort((a, b) => a.revision - b.revision);
}

export function toPodSummary(pod: V1Pod): PodSummary {
  const statuses = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers.length ?? statuses.length;
  const readyCount = statuses.filter((s) => s.ready).length;
  const waiting = statuses.find((s) => s.state?.waiting?.reason)?.state?.waiting?.reason;
  const terminated = statuses.find((s) => s.lastState?.terminated)?.lastState?.terminated;
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.metadata?.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Unknown'),
    ready: total > 0 && readyCount === total,
    readyContainers: `${readyCount}/${total}`,
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    ...(pod.metadata?.creationTimestamp ? { createdAt: iso(pod.metadata.creationTimestamp) } : {}),
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    ...(waiting ? { waitingReason: waiting } : {}),
    ...(terminated
      ? {
          lastTermination: {
            ...(terminated.reason ? { reason: terminated.reason } : {}),
            exitCode: terminated.exitCode,
            ...(terminated.finishedAt ? { finishedAt: iso(terminated.finishedAt) } : {}),
          },
        }
      : {}),
  };
}
