/**
 * Watching what a change does: the rollout (judged as `kubectl rollout status`
 * judges it, by polling: one GET a second is cheap and survives API server
 * restarts that break watches), pod logs and recent events.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { OpsError } from '../errors.js';
import type { Cluster, ClusterEvent, PodLog, RolloutResult, Target } from './cluster.js';
import type { Call } from './kube-changes.js';
import { toDeploymentStatus } from './kube-mapping.js';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export function kubeObserve(
  call: Call,
  readDeployment: (target: Target) => Promise<V1Deployment>,
  listPods: Cluster['listPods'],
): Pick<Cluster, 'waitForRollout' | 'podLogs' | 'events'> {
  return {
    async waitForRollout(target, { signal, timeoutMs, pollMs = 1_000, onProgress }) {
      const deadline = Date.now() + timeoutMs;
      let said = '';
      for (;;) {
        const status = toDeploymentStatus(await readDeployment(target));
        const { state, message } = status.rollout;
        if (message !== said) {
          said = message;
          await onProgress?.(message);
        }
        let result: RolloutResult | undefined;
        if (state === 'complete') result = { outcome: 'complete', message, status };
        else if (state === 'failed')
          result = { outcome: 'failed', message: progressMessage(status) ?? message, status };
        else if (signal?.aborted) result = { outcome: 'cancelled', message: `stopped following: ${message}`, status };
        else if (Date.now() >= deadline) {
          result = {
            outcome: 'timeout',
            message: `still not done after ${Math.round(timeoutMs / 1000)} s: ${message}`,
            status,
          };
        }
        if (result) return result;
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
            const text = await call(target, { verb: 'get', resource: 'pods/log', name: pod.name }, (c) =>
              c.core.readNamespacedPodLog({
                name: pod.name,
                namespace: target.namespace,
                container,
                ...(request.previous ? { previous: true } : {}),
                ...(request.tailLines ? { tailLines: request.tailLines } : {}),
                ...(request.sinceSeconds ? { sinceSeconds: request.sinceSeconds } : {}),
              }),
            );
            logs.push({ pod: pod.name, container, text: String(text ?? '') });
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
      const list = await call(target, { verb: 'list', resource: 'events' }, (c) =>
        c.core.listNamespacedEvent({ namespace: target.namespace }),
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

function progressMessage(status: RolloutResult['status']): string | undefined {
  const progressing = status.conditions.find((c) => c.type === 'Progressing');
  return progressing?.message ? `progress deadline exceeded: ${progressing.message}` : undefined;
}
