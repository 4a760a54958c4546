/**
 * The ReplicaSet half of the deployment controller (kubernetes pkg/controller/deployment/util):
 * naming by pod-template-hash, ownership, revision and revision-history annotations.
 */
import { clone, semanticEqual, templateHash } from './canonical.js';
import type { Deployment, PodTemplate, ReplicaSet } from './types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const HASH_LABEL = 'pod-template-hash';

// Annotations the controller never copies from a Deployment onto its ReplicaSets (and kubectl's rollback skips).
export const SKIPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export const revisionOf = (object: { metadata: { annotations?: Record<string, string> } }) => {
  const value = Number.parseInt(object.metadata.annotations?.[REVISION] ?? '', 10);
  return Number.isFinite(value) ? value : 0;
};

export const maxRevision = (sets: ReplicaSet[]) => sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);

export const isControlledBy = (
  object: { metadata: { ownerReferences?: Array<{ uid: string; controller?: boolean }> } },
  uid?: string,
) => object.metadata.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid) ?? false;

export function withoutHash(template: PodTemplate): PodTemplate {
  const copy = clone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
  return copy;
}

/** EqualIgnoreHash: the ReplicaSet that already runs this Deployment's template, if any. */
export const findNewReplicaSet = (deployment: Deployment, sets: ReplicaSet[]) =>
  sets
    .filter((rs) => semanticEqual(withoutHash(rs.spec.template), withoutHash(deployment.spec.template)))
    .sort((a, b) => revisionOf(b) - revisionOf(a))[0];

export function copyDeploymentAnnotations(deployment: Deployment, rs: ReplicaSet): void {
  const annotations = { ...rs.metadata.annotations };
  for (const [key, value] of Object.entries(deployment.metadata.annotations ?? {})) {
    if (!SKIPPED_ANNOTATIONS.has(key)) annotations[key] = value;
  }
  rs.metadata.annotations = annotations;
}

/** A new ReplicaSet `<deployment>-<hash>` for the Deployment's current template (not yet stored). */
export function newReplicaSet(deployment: Deployment, revision: number, existingNames: Set<string>): ReplicaSet {
  let collisions = 0;
  let hash = templateHash(withoutHash(deployment.spec.template));
  while (existingNames.has(`${deployment.metadata.name}-${hash}`)) {
    collisions++;
    hash = templateHash(withoutHash(deployment.spec.template), collisions);
  }
  const template = clone(deployment.spec.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH_LABEL]: hash } };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: { [REVISION]: String(revision) },
      generation: 1,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment.metadata.name,
          uid: deployment.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: 0,
      minReadySeconds: 0,
      selector: {
        ...deployment.spec.selector,
        matchLabels: { ...deployment.spec.selector.matchLabels, [HASH_LABEL]: hash },
      },
      template,
    },
  };
  copyDeploymentAnnotations(deployment, rs);
  return rs;
}

/** Reusing an old ReplicaSet (a rollback): it takes the next revision and remembers its old one. */
export function bumpRevision(rs: ReplicaSet, revision: number): void {
  const annotations = { ...rs.metadata.annotations };
  const old = annotations[REVISION];
  if (old && old !== String(revision)) {
    annotations[REVISION_HISTORY] = annotations[REVISION_HISTORY] ? `${annotations[REVISION_HISTORY]},${old}` : old;
  }
  annotations[REVISION] = String(revision);
  rs.metadata.annotations = annotations;
}

/** Old ReplicaSets beyond spec.revisionHistoryLimit (scaled to zero, oldest revision first). */
export function replicaSetsToPrune(
  deployment: Deployment,
  sets: ReplicaSet[],
  current: ReplicaSet | undefined,
): ReplicaSet[] {
  const limit = deployment.spec.revisionHistoryLimit ?? 10;
  const old = sets.filter((rs) => rs.metadata.name !== current?.metadata.name);
  const idle = old.filter((rs) => rs.spec.replicas === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
  return idle.slice(0, Math.max(0, old.length - limit));
}
