import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, StatusError } from './status-error.js';

/** Where a request points, parsed like kube-apiserver's RequestInfo. */
export interface RequestInfo {
  /** "" for the core group. */
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  accept?: string;
  body: unknown;
  info?: RequestInfo;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  contentType?: string;
}

export function parseRequestInfo(path: string): RequestInfo | undefined {
  const parts = path.split('/').filter(Boolean);
  let group = '';
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;
  if (!version || rest.length === 0) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    return { group, version, namespace: rest[1], resource: rest[2] ?? '', name: rest[3], subresource: rest[4] };
  }
  return { group, version, resource: rest[0] ?? '', name: rest[1], subresource: rest[2] };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('yaml')) return raw;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw badRequest(`the server rejected our request due to an error in our request: ${(error as Error).message}`);
  }
}

export function send(res: ServerResponse, response: ApiResponse): void {
  const text =
    typeof response.body === 'string' && response.contentType?.startsWith('text/')
      ? response.body
      : JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': response.contentType ?? 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof StatusError) return { status: error.status.code, body: error.status };
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Internal error occurred: ${message}`,
      reason: 'InternalError',
      code: 500,
    },
  };
}

/** The RBAC verb of a request, for Forbidden messages. */
export function verbOf(method: string, info: RequestInfo | undefined, query: URLSearchParams): string {
  if (query.get('watch') === 'true' || query.get('watch') === '1') return 'watch';
  switch (method) {
    case 'GET':
      return info?.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return info?.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}
