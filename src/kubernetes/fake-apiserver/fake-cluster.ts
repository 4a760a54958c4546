/**
 * The fake cluster's state and the levers tests (and the sandbox) pull on it: seed deployments,
 * move the clock, shape rollouts, break pods. The HTTP routes read and write the same state.
 */
import { seededRandom, semanticEqual } from './canonical.js';
import { DeploymentController, type RolloutBehaviour } from './controller.js';
import { defaultDeployment, validateDeployment } from './defaults.js';
import { applyStrategicMergePatch } from './patch.js';
import { applyPodState, type PodLogs, type PodState } from './pods.js';
import { isControlledBy } from './replica-sets.js';
import { notFound } from './status-error.js';
import { ObjectStore } from './store.js';
import type { Container, Deployment, Pod, ReplicaSet } from './types.js';

export interface SeedDeployment {
  namespace: string;
  name: string;
  /** Image of a single container named after the deployment (or use `containers`). */
  image?: string;
  containers?: Container[];
  replicas?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Recorded as the `kubernetes.io/change-cause` annotation, as `kubectl annotate` would. */
  changeCause?: string;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

export class FakeCluster {
  readonly store: ObjectStore;
  readonly controller: DeploymentController;
  readonly random: () => number;
  private offsetMs = 0;

  constructor(
    private readonly clock: () => Date = () => new Date(),
    seed = 1,
  ) {
    this.random = seededRandom(seed);
    this.store = new ObjectStore(() => this.now(), this.random);
    this.controller = new DeploymentController(this.store, () => this.now(), this.random);
  }

  now(): Date {
    return new Date(this.clock().getTime() + this.offsetMs);
  }

  /** Move the clock forward and let the controller look again (progress deadlines, ages). */
  advance(ms: number): void {
    this.offsetMs += ms;
    this.controller.reconcileAll();
  }

  /** Set the clock to an absolute time (seeding history in the past), without reconciling. */
  setTime(date: Date): void {
    this.offsetMs = date.getTime() - this.clock().getTime();
  }

  createDeployment(seed: SeedDeployment): Deployment {
    const labels = seed.labels ?? { app: seed.name };
    const annotations = { ...seed.annotations, ...(seed.changeCause ? { [CHANGE_CAUSE]: seed.changeCause } : {}) };
    const containers = seed.containers ?? [
      {
        name: seed.name,
        image: seed.image ?? `registry.example.com/${seed.name}:1.0.0`,
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
      },
    ];
    const deployment = defaultDeployment({
      metadata: { name: seed.name, namespace: seed.namespace, labels, annotations },
      spec: {
        replicas: seed.replicas ?? 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers } },
        ...(seed.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: seed.revisionHistoryLimit } : {}),
        ...(seed.progressDeadlineSeconds !== undefined
          ? { progressDeadlineSeconds: seed.progressDeadlineSeconds }
          : {}),
        ...(seed.paused ? { paused: true } : {}),
      },
    });
    return this.create(deployment);
  }

  create(input: Deployment): Deployment {
    const deployment = defaultDeployment(input);
    validateDeployment(deployment);
    deployment.metadata.generation = 1;
    const { status: _ignored, ...rest } = deployment;
    const stored = this.store.create('deployments', rest as Deployment);
    this.controller.reconcile(stored.metadata.namespace ?? '', stored.metadata.name);
    return stored;
  }

  /**
   * Roll out a change the way `kubectl set image` / `kubectl patch` would (a strategic merge patch),
   * optionally recording a change-cause. Returns the Deployment after the controller ran.
   */
  patchDeployment(namespace: string, name: string, patch: object, changeCause?: string): Deployment {
    const current = this.deployment(namespace, name);
    const withCause = changeCause
      ? applyStrategicMergePatch(patch, { metadata: { annotations: { [CHANGE_CAUSE]: changeCause } } })
      : patch;
    this.write(current, applyStrategicMergePatch(current, withCause) as Deployment);
    return this.deployment(namespace, name);
  }

  setImage(namespace: string, name: string, image: string, options: { container?: string; changeCause?: string } = {}) {
    const current = this.deployment(namespace, name);
    const container = options.container ?? current.spec.template.spec.containers[0]?.name ?? name;
    return this.patchDeployment(
      namespace,
      name,
      { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
      options.changeCause,
    );
  }

  /** Store a new version of a Deployment as kube-apiserver does: defaults, validation, generation. */
  write(previous: Deployment, next: Deployment, options: { dryRun?: boolean; statusOnly?: boolean } = {}): Deployment {
    const candidate = defaultDeployment(next);
    // Identity and server-owned fields are never taken from a client.
    candidate.metadata = {
      ...candidate.metadata,
      name: previous.metadata.name,
      namespace: previous.metadata.namespace,
      uid: previous.metadata.uid,
      creationTimestamp: previous.metadata.creationTimestamp,
      generation: previous.metadata.generation,
      resourceVersion: previous.metadata.resourceVersion,
    };
    if (options.statusOnly) {
      candidate.spec = previous.spec;
      candidate.metadata = previous.metadata;
    } else {
      candidate.status = previous.status;
      validateDeployment(candidate, previous);
      if (!semanticEqual(candidate.spec, previous.spec)) {
        candidate.metadata.generation = (previous.metadata.generation ?? 1) + 1;
      }
    }
    if (options.dryRun) return candidate;
    const stored = this.store.update('deployments', candidate);
    this.controller.reconcile(stored.metadata.namespace ?? '', stored.metadata.name);
    return stored;
  }

  deployment(namespace: string, name: string): Deployment {
    const deployment = this.store.get<Deployment>('deployments', namespace, name);
    if (!deployment) throw notFound('deployments', 'apps', name);
    return deployment;
  }

  replicaSets(namespace: string, deployment?: string): ReplicaSet[] {
    const owner = deployment ? this.deployment(namespace, deployment) : undefined;
    return this.store
      .list<ReplicaSet>('replicasets', namespace)
      .filter((rs) => !owner || isControlledBy(rs, owner.metadata.uid));
  }

  pods(namespace: string, deployment?: string): Pod[] {
    const owners = new Set(this.replicaSets(namespace, deployment).map((rs) => rs.metadata.uid));
    return this.store
      .list<Pod>('pods', namespace)
      .filter((pod) => !deployment || pod.metadata.ownerReferences?.some((r) => owners.has(r.uid)));
  }

  setRolloutBehaviour(behaviour: RolloutBehaviour, target?: { namespace: string; name: string }): void {
    if (target) this.controller.setBehaviour(target.namespace, target.name, behaviour);
    else this.controller.defaultBehaviour = behaviour;
    this.controller.reconcileAll();
  }

  setPodState(namespace: string, podName: string, state: PodState, container?: string): Pod {
    const pod = this.store.get<Pod>('pods', namespace, podName);
    if (!pod) throw notFound('pods', '', podName);
    if (state.state === 'crashloop') {
      this.controller.crash(pod, state.reason ?? 'Error', { ...state, ...(container ? { container } : {}) });
    } else {
      this.store.update('pods', applyPodState(pod, state, this.store.timestamp(), this.random, container));
    }
    this.reconcileOwner(pod);
    return this.store.get<Pod>('pods', namespace, podName) ?? pod;
  }

  /** Crash-loop `count` (default all) pods of the deployment's current ReplicaSet. */
  crashPods(
    namespace: string,
    deployment: string,
    options: {
      reason?: 'Error' | 'OOMKilled';
      restarts?: number;
      exitCode?: number;
      previousLogs?: string[];
      count?: number;
      container?: string;
    } = {},
  ): Pod[] {
    const current = this.deployment(namespace, deployment);
    const revision = current.metadata.annotations?.['deployment.kubernetes.io/revision'];
    const rs = this.replicaSets(namespace, deployment).find(
      (r) => r.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision,
    );
    const pods = this.pods(namespace, deployment).filter((pod) => isControlledBy(pod, rs?.metadata.uid));
    const chosen = pods.slice(0, options.count ?? pods.length);
    for (const pod of chosen)
      this.setPodState(namespace, pod.metadata.name, { state: 'crashloop', ...options }, options.container);
    return chosen.map((pod) => this.store.get<Pod>('pods', namespace, pod.metadata.name) ?? pod);
  }

  setPodLogs(namespace: string, pod: string, container: string, logs: PodLogs): void {
    this.controller.logs.set(`${namespace}/${pod}/${container}`, logs);
  }

  podLogs(namespace: string, pod: string, container: string): PodLogs | undefined {
    return this.controller.logs.get(`${namespace}/${pod}/${container}`);
  }

  /** After a pod changed: its Deployment's status (ready replicas, conditions) follows. */
  reconcileOwner(pod: Pod): void {
    const rsRef = pod.metadata.ownerReferences?.find((r) => r.kind === 'ReplicaSet');
    const rs = rsRef && this.store.get<ReplicaSet>('replicasets', pod.metadata.namespace, rsRef.name);
    const deployRef = rs?.metadata.ownerReferences?.find((r) => r.kind === 'Deployment');
    if (deployRef) this.controller.reconcile(pod.metadata.namespace ?? '', deployRef.name);
  }
}
