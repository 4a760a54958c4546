/**
 * Pods as the ReplicaSet controller and kubelet would leave them: owned by their ReplicaSet, scheduled on a
 * node, with container statuses (running, CrashLoopBackOff, OOMKilled…) and logs, current and previous.
 */
import { randomString } from './canonical.js';
import type { Condition, ContainerStatus, Pod, ReplicaSet } from './types.js';

/** What a test (or the sandbox) can make a pod's containers do. */
export type PodState =
  | { state: 'running'; restarts?: number; lastTermination?: { reason: string; exitCode: number } }
  | {
      state: 'crashloop';
      reason?: 'Error' | 'OOMKilled';
      exitCode?: number;
      restarts?: number;
      previousLogs?: string[];
    }
  | { state: 'waiting'; reason: string; message?: string }
  | { state: 'pending'; message?: string };

export interface PodLogs {
  current: string[];
  previous?: string[];
}

const NODES = ['pool-a-3f2k', 'pool-a-8xq1', 'pool-b-c72m', 'pool-b-k9vd'];

export function newPod(rs: ReplicaSet, now: string, random: () => number): Pod {
  const template = rs.spec.template;
  const ip = `10.4.${Math.floor(random() * 250) + 1}.${Math.floor(random() * 250) + 2}`;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${randomString(random, 5)}`,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...template.metadata?.labels },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata.name,
          uid: rs.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      ...structuredClone(template.spec),
      nodeName: `gke-cluster-${NODES[Math.floor(random() * NODES.length)]}`,
      serviceAccountName: 'default',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
    },
    status: {
      phase: 'Running',
      hostIP: '10.128.0.12',
      podIP: ip,
      podIPs: [{ ip }],
      startTime: now,
      qosClass: 'BestEffort',
    },
  };
  return applyPodState(pod, { state: 'running' }, now, random);
}

function containerStatus(pod: Pod, name: string, image: string, state: PodState, now: string, random: () => number) {
  const containerID = `containerd://${randomString(random, 64, '0123456789abcdef')}`;
  const base = {
    name,
    image,
    imageID: `${image.split(':')[0]}@sha256:${randomString(random, 64, '0123456789abcdef')}`,
    lastState: {},
  };
  const earlier = new Date(Date.parse(now) - 90_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  switch (state.state) {
    case 'running': {
      const lastState = state.lastTermination
        ? {
            terminated: { ...state.lastTermination, startedAt: pod.status.startTime, finishedAt: earlier, containerID },
          }
        : {};
      return {
        ...base,
        containerID,
        ready: true,
        started: true,
        restartCount: state.restarts ?? 0,
        lastState,
        state: { running: { startedAt: now } },
      };
    }
    case 'crashloop': {
      const reason = state.reason ?? 'Error';
      const exitCode = state.exitCode ?? (reason === 'OOMKilled' ? 137 : 1);
      const restarts = state.restarts ?? 5;
      return {
        ...base,
        containerID,
        ready: false,
        started: false,
        restartCount: restarts,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off 5m0s restarting failed container=${name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid ?? ''})`,
          },
        },
        lastState: { terminated: { exitCode, reason, startedAt: earlier, finishedAt: now, containerID } },
      };
    }
    case 'waiting':
      return {
        ...base,
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } },
      };
    case 'pending':
      return undefined;
  }
}

function condition(type: string, status: boolean, now: string, reason?: string): Condition {
  return { type, status: status ? 'True' : 'False', lastTransitionTime: now, ...(reason ? { reason } : {}) };
}

/** Rewrite a pod's status so its containers (all, or one) are in the given state. */
export function applyPodState(pod: Pod, state: PodState, now: string, random: () => number, container?: string): Pod {
  const statuses = pod.spec.containers.map((c) => {
    const existing = pod.status.containerStatuses?.find((s) => s.name === c.name);
    if (container && c.name !== container && existing) return existing;
    return containerStatus(pod, c.name, c.image, state, now, random);
  });
  const ready = statuses.every((s) => s?.ready);
  pod.status.phase = state.state === 'pending' ? 'Pending' : 'Running';
  if (state.state === 'pending') {
    delete pod.spec.nodeName;
    delete pod.status.containerStatuses;
    pod.status.conditions = [
      {
        ...condition('PodScheduled', false, now, 'Unschedulable'),
        message: state.message ?? '0/4 nodes are available: 4 Insufficient memory.',
      },
    ];
    return pod;
  }
  pod.status.containerStatuses = statuses.filter((s): s is ContainerStatus => s !== undefined);
  const notReady = ready ? undefined : 'ContainersNotReady';
  pod.status.conditions = [
    condition('PodReadyToStartContainers', true, now),
    condition('Initialized', true, now),
    condition('Ready', ready, now, notReady),
    condition('ContainersReady', ready, now, notReady),
    condition('PodScheduled', true, now),
  ];
  return pod;
}

export const isPodReady = (pod: Pod) =>
  pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** A few believable startup lines for a container. */
export function startupLogs(pod: Pod, container: string, image: string, now: Date): string[] {
  const version = image.split(':')[1] ?? 'latest';
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  return [
    `${at(0)} INFO  ${container} ${version} starting (pod ${pod.metadata.name})`,
    `${at(1)} INFO  config loaded from /etc/${container}/config.yaml`,
    `${at(2)} INFO  connected to dependencies`,
    `${at(2)} INFO  listening on :8080`,
    `${at(32)} INFO  health check ok`,
  ];
}

/** The last lines a crashed container would have printed. */
export function crashLogs(container: string, reason: string, now: Date): string[] {
  const at = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
  if (reason === 'OOMKilled') {
    return [
      `${at(40)} INFO  ${container} starting`,
      `${at(12)} WARN  heap usage 94% of limit`,
      `${at(3)} WARN  heap usage 99% of limit, shedding load`,
    ];
  }
  return [
    `${at(8)} INFO  ${container} starting`,
    `${at(7)} ERROR failed to connect to database: dial tcp 10.0.3.7:5432: connect: connection refused`,
    `${at(7)} FATAL exiting: dependency check failed`,
  ];
}
