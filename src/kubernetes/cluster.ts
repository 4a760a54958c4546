/**
 * The Cluster adapter: what commands may ask of Kubernetes, in their own words.
 * Implemented over our own JSON transport (kube-cluster.ts, kube-api.ts); the sandbox is the
 * same implementation pointed at the in-process fake kube-apiserver.
 */
import type { ClusterMaintenance } from './maintenance.js';

/** Where a service lives in one environment, resolved from the catalog. */
export interface Target {
  env: string;
  service: string;
  kubeContext: string;
  namespace: string;
  deployment: string;
  /** Container to act on; undefined = the deployment's first container. */
  container?: string;
}

export interface DeploymentCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
}

export interface DeploymentStatus {
  name: string;
  namespace: string;
  generation: number;
  observedGeneration: number;
  desiredReplicas: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  paused: boolean;
  /** deployment.kubernetes.io/revision of the Deployment. */
  revision: number;
  /** image per container name. */
  images: Record<string, string>;
  conditions: DeploymentCondition[];
  createdAt?: string;
  /** Where the rollout stands, judged as `kubectl rollout status` does. */
  rollout: RolloutState;
}

/**
 * `complete`: all replicas updated and available. `progressing`: still rolling (message says how far).
 * `failed`: Progressing=False with ProgressDeadlineExceeded. `paused`: spec.paused.
 * `waiting`: the controller has not yet observed the latest spec (observedGeneration < generation).
 */
export interface RolloutState {
  state: 'complete' | 'progressing' | 'failed' | 'paused' | 'waiting';
  /** e.g. "2 of 3 new replicas updated", "progress deadline exceeded". */
  message: string;
}

export interface RolloutRevision {
  revision: number;
  /** ReplicaSet name. */
  replicaSet: string;
  images: Record<string, string>;
  /** kubernetes.io/change-cause of the ReplicaSet, if any. */
  changeCause?: string;
  createdAt?: string;
  /** Replicas currently running in this ReplicaSet. */
  replicas: number;
  current: boolean;
}

export interface PodSummary {
  name: string;
  phase: string;
  ready: boolean;
  /** e.g. "1/1" */
  readyContainers: string;
  restarts: number;
  createdAt?: string;
  node?: string;
  /** Waiting reason of a container not running (CrashLoopBackOff, ImagePullBackOff…). */
  waitingReason?: string;
  /** Last termination of a restarted container (OOMKilled, Error…) with exit code. */
  lastTermination?: { reason?: string; exitCode?: number; finishedAt?: string };
}

export interface RollbackPlan {
  fromRevision: number;
  toRevision: number;
  fromImages: Record<string, string>;
  toImages: Record<string, string>;
}

export interface RolloutWait {
  signal?: AbortSignal;
  timeoutMs: number;
  /** How often to look (default 1 s). */
  pollMs?: number;
  /** Called with kubectl-like lines ("2 of 3 updated replicas available") when the message changes. */
  onProgress?(message: string): Promise<void> | void;
}

export interface RolloutResult {
  outcome: 'complete' | 'failed' | 'timeout' | 'cancelled';
  message: string;
  status: DeploymentStatus;
}

export interface LogRequest {
  /** One pod by name (default: every pod of the deployment). */
  pod?: string;
  container?: string;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
}

export interface PodLog {
  pod: string;
  container: string;
  text: string;
  /** Why there is no text, e.g. "no previous container". */
  error?: string;
}

export interface ClusterEvent {
  at?: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
}

export interface Cluster extends ClusterMaintenance {
  /** True when this is the built-in sandbox: everything it produces is labelled SANDBOX. */
  readonly sandbox: boolean;
  getDeployment(target: Target): Promise<DeploymentStatus>;
  rolloutHistory(target: Target): Promise<RolloutRevision[]>;
  listPods(target: Target): Promise<PodSummary[]>;
  /** What `kubectl rollout undo [--to-revision]` would do; refuses as kubectl does (paused, no such revision…). */
  planRollback(target: Target, toRevision?: number): Promise<RollbackPlan>;
  /** `kubectl rollout undo`: the same patch, with the same annotation handling. */
  rollback(target: Target, toRevision?: number): Promise<RollbackPlan>;
  /** `kubectl rollout restart`: sets kubectl.kubernetes.io/restartedAt on the pod template. */
  restart(target: Target, at: Date): Promise<void>;
  getReplicas(target: Target): Promise<number>;
  /** Through the scale subresource, as `kubectl scale`. */
  scale(target: Target, replicas: number): Promise<void>;
  /** `kubectl set image` on the target's container, recording kubernetes.io/change-cause. */
  setImage(target: Target, image: string, changeCause: string): Promise<{ container: string; from: string }>;
  /** Follows the rollout as `kubectl rollout status` judges it. */
  waitForRollout(target: Target, options: RolloutWait): Promise<RolloutResult>;
  podLogs(target: Target, request: LogRequest): Promise<PodLog[]>;
  /** Recent events of the deployment, its ReplicaSets and pods, newest last. */
  events(target: Target): Promise<ClusterEvent[]>;
}
