import type { Status } from './types.js';

/** Thrown inside the fake, answered as kube-apiserver answers errors: a `Status` body with the same code. */
export class StatusError extends Error {
  readonly status: Status;

  constructor(status: Status) {
    super(status.message);
    this.status = status;
  }
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function statusBody(code: number, message: string, reason?: string, details?: Status['details']): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: reason ?? REASONS[code] ?? 'Unknown',
    ...(details ? { details } : {}),
    code,
  };
}

export const statusError = (code: number, message: string, reason?: string, details?: Status['details']) =>
  new StatusError(statusBody(code, message, reason, details));

/** "deployments.apps" / "pods": how kube-apiserver names a group resource in messages. */
export const groupResource = (resource: string, group: string) => (group ? `${resource}.${group}` : resource);

export const notFound = (resource: string, group: string, name: string) =>
  statusError(404, `${groupResource(resource, group)} "${name}" not found`, 'NotFound', {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });

export const alreadyExists = (resource: string, group: string, name: string) =>
  statusError(409, `${groupResource(resource, group)} "${name}" already exists`, 'AlreadyExists', {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });

export const conflict = (resource: string, group: string, name: string) =>
  statusError(
    409,
    `Operation cannot be fulfilled on ${groupResource(resource, group)} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
    'Conflict',
    { name, ...(group ? { group } : {}), kind: resource },
  );

export const badRequest = (message: string) => statusError(400, message, 'BadRequest');

/** 422 with one cause, formatted like kube-apiserver's field validation errors. */
export function invalid(kind: string, group: string, name: string, field: string, message: string) {
  const qualified = group ? `${kind}.${group}` : kind;
  return statusError(422, `${qualified} "${name}" is invalid: ${field}: ${message}`, 'Invalid', {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

/** The message kube-apiserver's RBAC authorizer gives when a verb is not allowed. */
export function forbiddenMessage(opts: {
  user: string;
  verb: string;
  resource: string;
  group: string;
  name?: string;
  namespace?: string;
  subresource?: string;
}): string {
  const target = opts.name
    ? `${groupResource(opts.resource, opts.group)} "${opts.name}"`
    : groupResource(opts.resource, opts.group);
  const resource = opts.subresource ? `${opts.resource}/${opts.subresource}` : opts.resource;
  const scope = opts.namespace ? ` in the namespace "${opts.namespace}"` : ' at the cluster scope';
  return (
    `${target} is forbidden: User "${opts.user}" cannot ${opts.verb} resource "${resource}" ` +
    `in API group "${opts.group}"${scope}`
  );
}
