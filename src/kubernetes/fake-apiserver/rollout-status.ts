/**
 * Deployment status and conditions as the controller computes them (calculateStatus and the
 * Progressing/Available condition rules of pkg/controller/deployment/progress.go).
 */
import { rollingBounds } from './defaults.js';
import { isPodReady } from './pods.js';
import type { Condition, Deployment, Pod, ReplicaSet } from './types.js';

export interface StatusInput {
  deployment: Deployment;
  sets: ReplicaSet[];
  current: ReplicaSet | undefined;
  pods: (rs: ReplicaSet) => Pod[];
  track: { settled: boolean; lastProgress: string };
  now: string;
}

function setCondition(conditions: Condition[], next: Condition, now: string): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  if (
    existing &&
    existing.status === next.status &&
    existing.reason === next.reason &&
    existing.message === next.message
  ) {
    return conditions;
  }
  const condition: Condition = {
    ...next,
    lastUpdateTime: now,
    lastTransitionTime: existing && existing.status === next.status ? (existing.lastTransitionTime ?? now) : now,
  };
  return [...conditions.filter((c) => c.type !== next.type), condition].sort((a, b) => order(a.type) - order(b.type));
}

const order = (type: string) => (type === 'Available' ? 0 : type === 'Progressing' ? 1 : 2);

export function deploymentStatus(input: StatusInput): Deployment {
  const { deployment, sets, current, pods, track, now } = input;
  const desired = deployment.spec.replicas ?? 1;
  const all = sets.flatMap((rs) => pods(rs));
  const updatedPods = current ? pods(current) : [];
  const replicas = all.length;
  const ready = all.filter(isPodReady).length;
  const updated = updatedPods.length;
  const specTotal = sets.reduce((sum, rs) => sum + rs.spec.replicas, 0);
  const counts = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: Math.max(0, specTotal - ready),
  };
  let conditions = deployment.status?.conditions ?? [];
  const { unavailable } = rollingBounds(deployment);
  conditions = setCondition(
    conditions,
    ready >= desired - unavailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    now,
  );
  const rsName = current?.metadata.name ?? '';
  const complete = updated === desired && replicas === desired && ready === desired;
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (deployment.spec.paused) {
    conditions = setCondition(
      conditions,
      { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' },
      now,
    );
  } else if (complete || (track.settled && progressing?.reason === 'NewReplicaSetAvailable')) {
    conditions = setCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      },
      now,
    );
  } else if (
    Date.parse(now) - Date.parse(track.lastProgress) >
    (deployment.spec.progressDeadlineSeconds ?? 600) * 1000
  ) {
    conditions = setCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${rsName}" has timed out progressing.`,
      },
      now,
    );
  } else {
    const next: Condition = {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${rsName}" is progressing.`,
    };
    conditions = setCondition(conditions, next, now);
    // Progress made since the last look moves lastUpdateTime (the deadline counts from it), as the controller does.
    conditions = conditions.map((c) =>
      c.type === 'Progressing' && track.lastProgress > (c.lastUpdateTime ?? '')
        ? { ...c, lastUpdateTime: track.lastProgress }
        : c,
    );
  }
  const status = Object.fromEntries(
    Object.entries(counts).filter(([key, value]) => value !== 0 || key === 'observedGeneration'),
  );
  return { ...deployment, status: { ...status, conditions } };
}
