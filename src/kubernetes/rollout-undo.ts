/**
 * `kubectl rollout undo` as a pure function (kubectl pkg/polymorphichelpers/rollback.go):
 * pick the ReplicaSet controlled by the deployment whose revision annotation is the
 * wanted one (the second-highest by default), drop its pod-template-hash label, and
 * build the JSON patch that replaces the pod template and the annotations exactly as
 * kubectl does. Refusals carry kubectl's reasons in words an on-call engineer can act on.
 */
import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { OpsError } from '../errors.js';
import type { Target } from './cluster.js';
import { isControlledBy, REVISION_ANNOTATION, revisionOf } from './kube-mapping.js';

// Annotations that stay as the deployment has them (kubectl's annotationsToSkip).
const SKIPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export interface UndoPlan {
  fromRevision: number;
  toRevision: number;
  fromImages: Record<string, string>;
  toImages: Record<string, string>;
  patch: Array<{ op: 'replace'; path: string; value: unknown }>;
}

const imagesOf = (template: V1PodTemplateSpec | undefined) =>
  Object.fromEntries((template?.spec?.containers ?? []).map((c) => [c.name, c.image ?? '']));

function withoutHash(template: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const copy = structuredClone(template ?? {}) as V1PodTemplateSpec;
  if (copy.metadata?.labels) {
    delete copy.metadata.labels['pod-template-hash'];
  }
  return copy;
}

// Deep equality of two JSON-like values, ignoring key order (kubectl compares with apiequality.Semantic).
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function planUndo(
  target: Target,
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  toRevision?: number,
): UndoPlan {
  const where = `${target.deployment} in ${target.env} (namespace ${target.namespace})`;
  if (deployment.spec?.paused) {
    throw new OpsError(
      'refused',
      `Nothing was changed: ${where} is paused, and a paused deployment cannot be rolled back.`,
      {
        hint: `Resume it first (kubectl rollout resume deployment/${target.deployment} -n ${target.namespace}), then try again.`,
      },
    );
  }
  const owned = replicaSets.filter((rs) => isControlledBy(rs, deployment.metadata?.uid));
  const byRevision = new Map(owned.map((rs) => [revisionOf(rs.metadata?.annotations), rs]));
  const revisions = [...byRevision.keys()].filter((r) => r > 0).sort((a, b) => b - a);
  const current = revisionOf(deployment.metadata?.annotations) || (revisions[0] ?? 0);
  const wanted = toRevision ?? revisions[1];
  if (wanted === undefined) {
    throw new OpsError('refused', `Nothing was changed: ${where} has no earlier revision to roll back to.`, {
      hint: `/ops history ${target.service} ${target.env} shows its revisions.`,
    });
  }
  const rs = byRevision.get(wanted);
  if (!rs) {
    throw new OpsError('refused', `Nothing was changed: ${where} has no revision ${wanted}.`, {
      hint: `Its revisions are ${revisions.join(', ') || 'none'}; /ops history ${target.service} ${target.env} shows them.`,
    });
  }
  const template = withoutHash(rs.spec?.template);
  if (sameJson(withoutHash(deployment.spec?.template), template)) {
    throw new OpsError('refused', `Nothing to do: ${where} already runs the template of revision ${wanted}.`, {
      hint: `/ops history ${target.service} ${target.env} shows the other revisions.`,
    });
  }
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(key)) annotations[key] = value;
  }
  for (const [key, value] of Object.entries(rs.metadata?.annotations ?? {})) {
    if (!SKIPPED_ANNOTATIONS.has(key)) annotations[key] = value;
  }
  return {
    fromRevision: current,
    toRevision: wanted,
    fromImages: imagesOf(deployment.spec?.template),
    toImages: imagesOf(template),
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}
