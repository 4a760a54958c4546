/**
 * Watching what a change does: the rollout (judged as `kubectl rollout status`
 * judges it, by polling: one GET a second is cheap and survives API server
 * restarts that break watches), pod logs and recent events.
 */
import type { CoreV1EventList, V1Deployment } from '@kubernetes/client-node';
import { OpsError } from '../errors.js';
import type { Cluster, ClusterEvent, DeploymentStatus, PodLog, RolloutResult, Target } from './cluster.js';
import { kubePath } from './kube-api.js';
import type { Call } from './kube-cluster.js';
import { toDeploymentStatus } from './kube-mapping.js';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export function kubeObserve(
  call: Call,
  readDeployment: (target: Target) => Promise<V1Deployment>,
  listPods: Cluster['listPods'],
  defaultPollMs = 1_000,
): Pick<Cluster, 'waitForRollout' | 'podLogs' | 'events'> {
  return {
    async waitForRollout(target, { signal, timeoutMs, pollMs = defaultPollMs, onProgress }) {
      const deadline = Date.now() + timeoutMs;
      let said = '';
      const say = async (message: string) => {
        if (message === said) return;
        said = message;
        await onProgress?.(message);
      };
      for (;;) {
        const status = await readOrExplain(target, readDeployment, say, Date.now() >= deadline);
        if (status) {
          const { state, message } = status.rollout;
          await say(message);
          if (state === 'complete') return { outcome: 'complete', message, status };
          if (state === 'failed') return { outcome: 'failed', message: progressMessage(status) ?? message, status };
          if (signal?.aborted) return { outcome: 'cancelled', message: `stopped following: ${message}`, status };
          if (Date.now() >= deadline) {
            const waited = `${Math.round(timeoutMs / 100) / 10} s`;
            return { outcome: 'timeout', message: `still not done after ${waited}: ${message}`, status };
          }
        } else if (signal?.aborted) {
          throw new OpsError('k8s_error', 'Stopped following the rollout before the deployment could be read.');
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), signal);
      }
    },

    async podLogs(target, request) {
      const all = await listPods(target);
      const pods = request.pod ? all.filter((p) => p.name === request.pod) : all;
      if (request.pod && pods.length === 0) {
        throw new OpsError('not_found', `${target.deployment} in ${target.env} has no pod "${request.pod}".`, {
          hint: `Its pods: ${all.map((p) => p.name).join(', ') || 'none'}.`,
        });
      }
      const deployment = await readDeployment(target);
      const containers = (deployment.spec?.template.spec?.containers ?? []).map((c) => c.name);
      const wanted = request.container ? [request.container] : containers;
      const logs: PodLog[] = [];
      for (const pod of pods) {
        for (const container of wanted) {
          try {
            const text = await call(target, { verb: 'get', resource: 'pods/log', name: pod.name }, (api) =>
              api.requestText({
                path: kubePath`/api/v1/namespaces/${target.namespace}/pods/${pod.name}/log`,
                query: {
                  container,
                  ...(request.previous ? { previous: true } : {}),
                  ...(request.tailLines ? { tailLines: request.tailLines } : {}),
                  ...(request.sinceSeconds ? { sinceSeconds: request.sinceSeconds } : {}),
                },
              }),
            );
            logs.push({ pod: pod.name, container, text });
          } catch (error) {
            logs.push({ pod: pod.name, container, text: '', error: (error as Error).message });
          }
        }
      }
      return logs;
    },

    async events(target) {
      const pods = await listPods(target);
      const names = new Set([target.deployment, ...pods.map((p) => p.name)]);
      const list = await call(target, { verb: 'list', resource: 'events' }, (api) =>
        api.request<CoreV1EventList>({ path: kubePath`/api/v1/namespaces/${target.namespace}/events` }),
      );
      const prefix = `${target.deployment}-`;
      return list.items
        .filter((e) => names.has(e.involvedObject.name ?? '') || (e.involvedObject.name ?? '').startsWith(prefix))
        .map(
          (e): ClusterEvent => ({
            at: (e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp)?.toString(),
            type: e.type ?? 'Normal',
            reason: e.reason ?? '',
            object: `${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}`,
            message: e.message ?? '',
            count: e.count ?? 1,
          }),
        )
        .sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''))
        .slice(-30);
    },
  };
}

/**
 * One look at the deployment while following a rollout. The change is already made, so a passing
 * API server hiccup (5xx, timeout) is said as progress and looked at again; anything else, or a
 * hiccup at the deadline, ends the wait with the error.
 */
async function readOrExplain(
  target: Target,
  readDeployment: (target: Target) => Promise<V1Deployment>,
  say: (message: string) => Promise<void>,
  last: boolean,
): Promise<DeploymentStatus | undefined> {
  try {
    return toDeploymentStatus(await readDeployment(target));
  } catch (error) {
    if (last || !(error instanceof OpsError) || error.code !== 'k8s_error') throw error;
    await say(`cannot read the deployment right now (${error.userMessage}); trying again`);
    return undefined;
  }
}

function progressMessage(status: RolloutResult['status']): string | undefined {
  const progressing = status.conditions.find((c) => c.type === 'Progressing');
  return progressing?.message ? `progress deadline exceeded: ${progressing.message}` : undefined;
}
