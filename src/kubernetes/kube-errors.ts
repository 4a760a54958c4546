/**
 * The boundary where client-node's errors become OpsErrors a user can act on: which object, which
 * namespace and context, and what to do next. Nothing past the adapter sees an ApiException.
 */
import { ApiException } from '@kubernetes/client-node';
import { OpsError } from '../errors.js';
import type { Target } from './cluster.js';

/** What the adapter was doing when the call failed, to name it in the message. */
export interface KubeOperation {
  verb: string;
  /** Plural resource as RBAC names it: "deployments", "replicasets", "pods", "pods/log". */
  resource: string;
  /** Object name, when the call targeted one. */
  name?: string;
  target: Target;
  server?: string;
}

interface StatusBody {
  message?: string;
  reason?: string;
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'object' && body !== null) return body as StatusBody;
  if (typeof body !== 'string' || body === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : {};
  } catch {
    return { message: body.slice(0, 300) };
  }
}

const KINDS: Record<string, string> = {
  deployments: 'Deployment',
  'deployments/scale': 'Deployment',
  replicasets: 'ReplicaSet',
  pods: 'Pod',
  'pods/log': 'Pod',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN']);

export function translateKubeError(error: unknown, op: KubeOperation): OpsError {
  if (error instanceof OpsError) return error;
  const { target } = op;
  const where = `namespace "${target.namespace}" (context ${target.kubeContext}, environment ${target.env})`;
  if (!(error instanceof ApiException)) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code && NETWORK_CODES.has(code)) {
      return new OpsError(
        'k8s_error',
        `Could not reach the Kubernetes API of context ${target.kubeContext}${op.server ? ` at ${op.server}` : ''}: ${message}`,
        {
          hint: 'Check the network and the cluster address in KUBECONFIG, then try again.',
          cause: error,
        },
      );
    }
    return new OpsError('k8s_error', `Kubernetes call failed (${op.verb} ${op.resource} in ${where}): ${message}`, {
      hint: 'Check KUBECONFIG for this context; if the cluster is reachable, try again.',
      cause: error,
    });
  }
  const status = parseStatus(error.body);
  const serverSays = status.message ? `: ${status.message}` : '';
  const kind = KINDS[op.resource] ?? op.resource;
  const name = op.name ?? target.deployment;
  switch (error.code) {
    case 404:
      return new OpsError('not_found', `${kind} "${name}" not found in ${where}.`, {
        hint:
          kind === 'Deployment'
            ? `Check services.${target.service}.deployment (or its env.${target.env} override) in the catalog, or run: kubectl --context ${target.kubeContext} -n ${target.namespace} get deployments`
            : `It may have just been replaced; list it again (e.g. /ops pods ${target.service} ${target.env}).`,
        cause: error,
      });
    case 403:
      return new OpsError(
        'forbidden',
        `opsbot's Kubernetes account may not ${op.verb} ${op.resource} in ${where}${serverSays}`,
        {
          hint: `Grant the bot's service account "${op.verb}" on ${op.resource} in namespace ${target.namespace} (see the RBAC in deploy/), or ask a cluster admin.`,
          cause: error,
        },
      );
    case 409:
      return new OpsError(
        'k8s_conflict',
        `${kind} "${name}" in ${where} changed while opsbot was updating it${serverSays}`,
        {
          hint: 'Run the command again: it re-reads the current state first.',
          cause: error,
        },
      );
    case 401:
      return new OpsError(
        'k8s_error',
        `Kubernetes rejected opsbot's credentials for context ${target.kubeContext} (401 Unauthorized).`,
        {
          hint: `Refresh the token or certificate of context ${target.kubeContext} in KUBECONFIG.`,
          cause: error,
        },
      );
    default: {
      const label = `${error.code}${status.reason ? ` ${status.reason}` : ''}`;
      const retry = error.code >= 500 || error.code === 429;
      return new OpsError(
        'k8s_error',
        `Kubernetes answered ${label} to ${op.verb} ${op.resource} in ${where}${serverSays}`,
        {
          hint: retry
            ? `Try again in a minute; if it persists, check the API server: kubectl --context ${target.kubeContext} get --raw /readyz`
            : 'Check the request and the object; the message above is what the API server said.',
          cause: error,
        },
      );
    }
  }
}
