/**
 * The boundary where Kubernetes API errors become OpsErrors a user can act on: which object, which
 * namespace and context, and what to do next. Nothing past the adapter sees a KubeApiError.
 */
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

/**
 * An answer with an HTTP error status: kube-api.ts's KubeApiError, or client-node's ApiException
 * (same fields), told apart from system errors, whose code is a string such as ECONNRESET.
 */
interface ApiAnswer {
  code: number;
  body: unknown;
}
const isApiAnswer = (error: unknown): error is ApiAnswer =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number';

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
  jobs: 'Job',
  secrets: 'Secret',
};

// The request never reached the API server: nothing can have been changed.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN', 'ENETUNREACH']);
// The request may have reached the API server before the answer was lost.
const LOST_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET']);
const WRITE_VERBS = new Set(['patch', 'update', 'create', 'delete']);

/** Whether an error left the outcome of a write unknown (5xx, timeout, connection lost mid-request). */
function outcomeUnknown(error: unknown): boolean {
  if (isApiAnswer(error)) return error.code >= 500;
  const { code, name, type } = error as { code?: string; name?: string; type?: string };
  return name === 'AbortError' || type === 'aborted' || (code !== undefined && LOST_CODES.has(code));
}

/**
 * What a failed call means for the target, said as the truth is: a read or a rejected write changed
 * nothing; a write whose answer was lost (5xx, timeout) may have been applied.
 */
function consequence(error: unknown, op: KubeOperation): { changed: 'no' | 'maybe'; words: string } {
  if (WRITE_VERBS.has(op.verb) && outcomeUnknown(error)) {
    return {
      changed: 'maybe',
      words: `The change may have been applied: check /ops status ${op.target.service} ${op.target.env} before trying again.`,
    };
  }
  return { changed: 'no', words: 'Nothing was changed.' };
}

export function translateKubeError(error: unknown, op: KubeOperation): OpsError {
  if (error instanceof OpsError) return error;
  const { target } = op;
  const where = `namespace "${target.namespace}" (context ${target.kubeContext}, environment ${target.env})`;
  const after = consequence(error, op);
  const readyz = `kubectl --context ${target.kubeContext} get --raw /readyz`;
  const writes = WRITE_VERBS.has(op.verb);
  // A write says in its message what became of the change; a read only reassures in its hint.
  const written = writes ? ` ${after.words}` : '';
  const reassure = (hint: string) => (writes ? hint : `Nothing was changed. ${hint}`);
  if (!isApiAnswer(error)) {
    const { code, name } = error as { code?: string; name?: string };
    const message = error instanceof Error ? error.message : String(error);
    const api = `the Kubernetes API of context ${target.kubeContext}${op.server ? ` at ${op.server}` : ''}`;
    if (name === 'AbortError' || (code && (UNREACHABLE_CODES.has(code) || LOST_CODES.has(code)))) {
      const what =
        name === 'AbortError'
          ? `No answer in time from ${api} (${op.verb} ${op.resource})`
          : `Could not reach ${api}: ${message}`;
      return new OpsError('k8s_error', `${what}.${written}`, {
        hint: reassure(`Check the network and the cluster address in KUBECONFIG (${readyz}), then try again.`),
        cause: error,
      });
    }
    return new OpsError(
      'k8s_error',
      `Kubernetes call failed (${op.verb} ${op.resource} in ${where}): ${message}.${written}`,
      {
        hint: reassure('Check KUBECONFIG for this context; if the cluster is reachable, try again.'),
        cause: error,
      },
    );
  }
  const status = parseStatus(error.body);
  const serverSays = status.message ? `: ${status.message}` : '';
  const kind = KINDS[op.resource] ?? op.resource;
  const name = op.name ?? target.deployment;
  switch (error.code) {
    case 404:
      return new OpsError('not_found', `${kind} "${name}" not found in ${where}.${written}`, {
        hint:
          kind === 'Deployment'
            ? `Check services.${target.service}.deployment (or its env.${target.env} override) in the catalog, or run: kubectl --context ${target.kubeContext} -n ${target.namespace} get deployments`
            : `It may have just been replaced; list it again (e.g. /ops pods ${target.service} ${target.env}).`,
        cause: error,
      });
    case 403:
      return new OpsError(
        'forbidden',
        `opsbot's Kubernetes account may not ${op.verb} ${op.resource} in ${where}${serverSays}.${written}`,
        {
          hint: `The Role of opsbot's Helm chart (deploy/opsbot/templates/role.yaml) must grant "${op.verb}" on ${op.resource} in namespace ${target.namespace}: add the namespace to rbac.namespaces in its values (or the verb to the Role) and upgrade the release, or ask a cluster admin.`,
          cause: error,
        },
      );
    case 409:
      return new OpsError(
        'k8s_conflict',
        `${kind} "${name}" in ${where} changed while opsbot was updating it${serverSays}.${written}`,
        {
          hint: 'Run the command again: it re-reads the current state first.',
          cause: error,
        },
      );
    case 401:
      return new OpsError(
        'k8s_error',
        `Kubernetes rejected opsbot's credentials for context ${target.kubeContext} (401 Unauthorized).${written}`,
        {
          hint: `Refresh the token or certificate of context ${target.kubeContext} in KUBECONFIG.`,
          cause: error,
        },
      );
    default: {
      const label = `${error.code}${status.reason ? ` ${status.reason}` : ''}`;
      const retry = error.code >= 500 || error.code === 429;
      const hint = retry
        ? `${after.changed === 'maybe' ? 'If it was not applied, run the command again' : 'Try again in a minute'}; if errors persist, check the API server: ${readyz}`
        : 'Check the request and the object; the message above is what the API server said.';
      return new OpsError(
        'k8s_error',
        `Kubernetes answered ${label} to ${op.verb} ${op.resource} in ${where}${serverSays}${written ? `.${written}` : ''}`,
        { hint: reassure(hint), cause: error },
      );
    }
  }
}
