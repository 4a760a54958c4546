/**
 * Levers for what the maintenance commands look at: finished Jobs and their pods, bare pods that
 * ended, and kubernetes.io/tls Secrets. Shaped as kube-apiserver stores them (server-set uid,
 * creationTimestamp and resourceVersion come from the store).
 */
import type { FakeCluster } from './fake-cluster.js';
import type { KubeObject, Pod } from './types.js';

export type JobState = 'Complete' | 'Failed' | 'Running';

const PHASE: Record<JobState, string> = { Complete: 'Succeeded', Failed: 'Failed', Running: 'Running' };

function pod(namespace: string, name: string, phase: string, extra: Partial<Pod['metadata']> = {}): Pod {
  const image = 'registry.example.com/maintenance:1.0.0';
  const terminated = phase === 'Succeeded' || phase === 'Failed';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...extra },
    spec: { containers: [{ name: 'main', image }], restartPolicy: 'Never', nodeName: 'sandbox-node-1' },
    status: {
      phase,
      containerStatuses: [
        {
          name: 'main',
          image,
          imageID: '',
          ready: false,
          started: false,
          restartCount: 0,
          state: terminated
            ? {
                terminated: {
                  exitCode: phase === 'Failed' ? 1 : 0,
                  reason: phase === 'Failed' ? 'Error' : 'Completed',
                },
              }
            : { running: { startedAt: '2026-11-23T00:00:00Z' } },
          lastState: {},
        },
      ],
    },
  } as Pod;
}

/** A pod that belongs to nothing (a `kubectl run` leftover, an evicted pod). */
export function addBarePod(cluster: FakeCluster, namespace: string, name: string, phase: string): Pod {
  return cluster.store.create('pods', pod(namespace, name, phase));
}

/** A Job with one pod in the matching phase, owned by it as the Job controller would. */
export function addJob(cluster: FakeCluster, namespace: string, name: string, state: JobState): KubeObject {
  const now = cluster.store.timestamp();
  const finished = state !== 'Running';
  const job = cluster.store.create<KubeObject>('jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels: { 'job-name': name } },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 0,
      template: {
        metadata: { labels: { 'job-name': name } },
        spec: {
          containers: [{ name: 'main', image: 'registry.example.com/maintenance:1.0.0' }],
          restartPolicy: 'Never',
        },
      },
    },
    status: {
      startTime: now,
      ...(state === 'Complete' ? { succeeded: 1, completionTime: now } : {}),
      ...(state === 'Failed' ? { failed: 1 } : {}),
      ...(state === 'Running' ? { active: 1 } : {}),
      ...(finished
        ? {
            conditions: [
              { type: state, status: 'True', lastProbeTime: now, lastTransitionTime: now },
              ...(state === 'Complete'
                ? [{ type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: now, lastTransitionTime: now }]
                : []),
            ],
          }
        : {}),
    },
  });
  const owner = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name,
    uid: job.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
  cluster.store.create(
    'pods',
    pod(namespace, `${name}-${job.metadata.uid?.slice(0, 5) ?? 'x'}`, PHASE[state], {
      labels: { 'job-name': name },
      ownerReferences: [owner],
    }),
  );
  return job;
}

/** A kubernetes.io/tls Secret holding a PEM certificate (and a placeholder key). */
export function addTlsSecret(
  cluster: FakeCluster,
  namespace: string,
  name: string,
  certificatePem: string,
): KubeObject {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return cluster.store.create<KubeObject>('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': b64(certificatePem),
      'tls.key': b64('-----BEGIN PRIVATE KEY-----\nredacted\n-----END PRIVATE KEY-----\n'),
    },
  });
}
