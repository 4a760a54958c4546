/**
 * A deterministic deployment controller (kubernetes pkg/controller/deployment): one synchronous
 * reconcile after every write, plus `reconcileAll()` when a test moves the clock. How far a rollout
 * gets is a per-deployment behaviour, so a test can hold it at "2 of 3 updated", make its new pods
 * crash, or let it time out against progressDeadlineSeconds.
 */
import { rollingBounds } from './defaults.js';
import { recordEvent } from './events.js';
import { applyPodState, crashLogs, isPodReady, newPod, type PodLogs, startupLogs } from './pods.js';
import {
  bumpRevision,
  copyDeploymentAnnotations,
  DESIRED_REPLICAS,
  findNewReplicaSet,
  isControlledBy,
  MAX_REPLICAS,
  maxRevision,
  newReplicaSet,
  REVISION,
  replicaSetsToPrune,
  revisionOf,
} from './replica-sets.js';
import { deploymentStatus } from './rollout-status.js';
import type { ObjectStore } from './store.js';
import type { Deployment, Pod, ReplicaSet } from './types.js';

/** How the next rollout of a deployment proceeds. */
export type RolloutBehaviour =
  | { mode: 'complete' }
  /** The new ReplicaSet stops at `updated` ready pods; old pods keep serving the rest. */
  | { mode: 'hold'; updated: number }
  /** The new pods crash-loop; the rollout never completes and eventually exceeds its deadline. */
  | { mode: 'crash'; reason?: 'Error' | 'OOMKilled' };

interface Track {
  rs: string;
  settled: boolean;
  ready: number;
  lastProgress: string;
}

export class DeploymentController {
  readonly logs = new Map<string, PodLogs>();
  private readonly behaviours = new Map<string, RolloutBehaviour>();
  private readonly tracks = new Map<string, Track>();
  defaultBehaviour: RolloutBehaviour = { mode: 'complete' };

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date,
    private readonly random: () => number,
  ) {}

  setBehaviour(namespace: string, name: string, behaviour: RolloutBehaviour) {
    this.behaviours.set(`${namespace}/${name}`, behaviour);
  }

  reconcileAll() {
    for (const d of this.store.list<Deployment>('deployments'))
      this.reconcile(d.metadata.namespace ?? '', d.metadata.name);
  }

  reconcile(namespace: string, name: string): void {
    const deployment = this.store.get<Deployment>('deployments', namespace, name);
    if (!deployment) return;
    const key = `${namespace}/${name}`;
    let sets = this.ownedReplicaSets(deployment);
    let current = findNewReplicaSet(deployment, sets);
    if (!deployment.spec.paused) current = this.ensureNewReplicaSet(deployment, sets, current);
    sets = this.ownedReplicaSets(deployment);
    current = sets.find((rs) => rs.metadata.name === current?.metadata.name);

    if (current && !deployment.spec.paused) this.scale(deployment, sets, current, key);
    for (const rs of replicaSetsToPrune(deployment, this.ownedReplicaSets(deployment), current)) {
      this.store.delete('replicasets', namespace, rs.metadata.name);
    }
    sets = this.ownedReplicaSets(deployment).map((rs) =>
      this.syncPods(rs, rs.metadata.name === current?.metadata.name ? key : undefined),
    );
    current = sets.find((rs) => rs.metadata.name === current?.metadata.name);

    const track = this.track(key, current);
    const latest = this.store.get<Deployment>('deployments', namespace, name) ?? deployment;
    const pods = (rs: ReplicaSet) => this.podsOf(rs);
    const next = deploymentStatus({ deployment: latest, sets, current, pods, track, now: this.store.timestamp() });
    if (current) next.metadata.annotations = { ...next.metadata.annotations, [REVISION]: String(revisionOf(current)) };
    if (JSON.stringify(next) !== JSON.stringify(latest)) this.store.update('deployments', next);
  }

  /** Cascade deletion, as the garbage collector does for ownerReferences with blockOwnerDeletion. */
  deleteOwned(deployment: Deployment) {
    for (const rs of this.ownedReplicaSets(deployment)) {
      for (const pod of this.podsOf(rs)) this.deletePod(pod);
      this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
    this.tracks.delete(`${deployment.metadata.namespace}/${deployment.metadata.name}`);
  }

  deletePod(pod: Pod) {
    this.store.delete('pods', pod.metadata.namespace, pod.metadata.name);
    for (const key of this.logs.keys())
      if (key.startsWith(`${pod.metadata.namespace}/${pod.metadata.name}/`)) this.logs.delete(key);
  }

  ownedReplicaSets(deployment: Deployment): ReplicaSet[] {
    return this.store
      .list<ReplicaSet>('replicasets', deployment.metadata.namespace)
      .filter((rs) => isControlledBy(rs, deployment.metadata.uid));
  }

  podsOf(rs: ReplicaSet): Pod[] {
    return this.store.list<Pod>('pods', rs.metadata.namespace).filter((pod) => isControlledBy(pod, rs.metadata.uid));
  }

  private ensureNewReplicaSet(deployment: Deployment, sets: ReplicaSet[], found: ReplicaSet | undefined) {
    const max = maxRevision(sets);
    if (!found) {
      const rs = newReplicaSet(deployment, max + 1, new Set(sets.map((s) => s.metadata.name)));
      return this.store.create('replicasets', rs);
    }
    const updated = structuredClone(found);
    if (revisionOf(found) < max) bumpRevision(updated, max + 1);
    copyDeploymentAnnotations(deployment, updated);
    if (JSON.stringify(updated) === JSON.stringify(found)) return found;
    return this.store.update('replicasets', updated);
  }

  private scale(deployment: Deployment, sets: ReplicaSet[], current: ReplicaSet, key: string) {
    const desired = deployment.spec.replicas ?? 1;
    const { surge, unavailable } = rollingBounds(deployment);
    const track = this.tracks.get(key);
    const settled = track?.rs === current.metadata.name && track.settled;
    const behaviour = this.behaviours.get(key) ?? this.defaultBehaviour;
    let newCount = desired;
    let oldCount = 0;
    if (!settled && behaviour.mode === 'hold') {
      newCount = Math.min(desired, Math.max(0, behaviour.updated));
      oldCount = desired - newCount;
    } else if (!settled && behaviour.mode === 'crash') {
      newCount = Math.min(desired, Math.max(1, surge + unavailable));
      oldCount = desired - unavailable;
    }
    const old = sets
      .filter((rs) => rs.metadata.name !== current.metadata.name)
      .sort((a, b) => b.spec.replicas - a.spec.replicas || revisionOf(b) - revisionOf(a));
    // Scale down before up, as a rolling update frees capacity first when maxSurge allows.
    old.forEach((rs, index) => {
      this.scaleReplicaSet(deployment, rs, index === 0 ? oldCount : 0, desired + surge);
    });
    this.scaleReplicaSet(deployment, current, newCount, desired + surge);
  }

  private scaleReplicaSet(deployment: Deployment, rs: ReplicaSet, replicas: number, maxReplicas: number) {
    if (rs.spec.replicas === replicas) return;
    const from = rs.spec.replicas;
    const updated = structuredClone(rs);
    updated.spec.replicas = replicas;
    updated.metadata.generation = (rs.metadata.generation ?? 1) + 1;
    updated.metadata.annotations = {
      ...updated.metadata.annotations,
      [DESIRED_REPLICAS]: String(deployment.spec.replicas ?? 1),
      [MAX_REPLICAS]: String(maxReplicas),
    };
    this.store.update('replicasets', updated);
    recordEvent(this.store, this.random, {
      involved: deployment,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      component: 'deployment-controller',
    });
  }

  /** The ReplicaSet controller: create or delete pods until they match spec.replicas, then report status. */
  private syncPods(rs: ReplicaSet, rolloutKey: string | undefined): ReplicaSet {
    const pods = this.podsOf(rs);
    const extra = pods.length - rs.spec.replicas;
    if (extra > 0) {
      const byAge = [...pods].sort(
        (a, b) =>
          Number(isPodReady(a)) - Number(isPodReady(b)) ||
          (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
      );
      for (const pod of byAge.slice(0, extra)) this.deletePod(pod);
    }
    const behaviour = rolloutKey ? (this.behaviours.get(rolloutKey) ?? this.defaultBehaviour) : undefined;
    const settled = rolloutKey
      ? this.tracks.get(rolloutKey)?.settled && this.tracks.get(rolloutKey)?.rs === rs.metadata.name
      : true;
    for (let i = pods.length; i < rs.spec.replicas; i++) {
      const pod = this.store.create('pods', newPod(rs, this.store.timestamp(), this.random));
      for (const c of pod.spec.containers)
        this.logs.set(`${pod.metadata.namespace}/${pod.metadata.name}/${c.name}`, {
          current: startupLogs(pod, c.name, c.image, this.now()),
        });
      if (behaviour?.mode === 'crash' && !settled) this.crash(pod, behaviour.reason ?? 'Error');
    }
    const current = this.podsOf(rs);
    const ready = current.filter(isPodReady).length;
    const status = {
      replicas: current.length,
      fullyLabeledReplicas: current.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const latest = this.store.get<ReplicaSet>('replicasets', rs.metadata.namespace, rs.metadata.name) ?? rs;
    const next = { ...latest, status: Object.fromEntries(Object.entries(status).filter(([, v]) => v !== 0)) };
    if (JSON.stringify(next.status) === JSON.stringify(latest.status)) return latest;
    return this.store.update('replicasets', next);
  }

  /** Put a pod's containers into CrashLoopBackOff, with the logs of the run that died. */
  crash(
    pod: Pod,
    reason: 'Error' | 'OOMKilled',
    options: { restarts?: number; exitCode?: number; previousLogs?: string[]; container?: string } = {},
  ) {
    const next = applyPodState(
      pod,
      { state: 'crashloop', reason, ...options },
      this.store.timestamp(),
      this.random,
      options.container,
    );
    this.store.update('pods', next);
    for (const c of pod.spec.containers) {
      if (options.container && c.name !== options.container) continue;
      const lines = options.previousLogs ?? crashLogs(c.name, reason, this.now());
      this.logs.set(`${pod.metadata.namespace}/${pod.metadata.name}/${c.name}`, { current: lines, previous: lines });
    }
    recordEvent(this.store, this.random, {
      involved: next,
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container ${options.container ?? pod.spec.containers[0]?.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      component: 'kubelet',
    });
  }

  private track(key: string, current: ReplicaSet | undefined): Track {
    const now = this.store.timestamp();
    const ready = current ? this.podsOf(current).filter(isPodReady).length : 0;
    let track = this.tracks.get(key);
    if (!track || track.rs !== current?.metadata.name) {
      track = { rs: current?.metadata.name ?? '', settled: false, ready, lastProgress: now };
    } else if (ready !== track.ready) {
      track = { ...track, ready, lastProgress: now };
    }
    const desired = current?.spec.replicas ?? 0;
    const deployment = this.store.get<Deployment>('deployments', ...splitKey(key));
    if (
      current &&
      ready >= (deployment?.spec.replicas ?? desired) &&
      current.spec.replicas === (deployment?.spec.replicas ?? desired)
    ) {
      track.settled = true;
    }
    this.tracks.set(key, track);
    return track;
  }
}

const splitKey = (key: string): [string, string] => {
  const [namespace = '', name = ''] = key.split('/');
  return [namespace, name];
};
