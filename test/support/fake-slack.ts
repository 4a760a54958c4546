/**
 * A fake Slack Web API on 127.0.0.1 (TESTING.md §1.1, §6): a real `node:http` server that Bolt's WebClient
 * talks to through `clientOptions.slackApiUrl`. It records every call with its form fields decoded
 * (`blocks`/`view`/`attachments` back to objects), answers like Slack, and rejects what Slack would reject:
 * every message and view is run through src/slack/block-limits.ts, and each rejection is also kept in
 * `violations` so `afterEach(() => fake.assertNoViolations())` fails a test that sent an over-limit payload.
 *
 * @example
 * const slack = await startFakeSlack();
 * onTestFinished(() => slack.close());
 * afterEach(() => slack.assertNoViolations());
 * const app = new App({ token: 'xoxb-test', signingSecret, clientOptions: { slackApiUrl: slack.url, retryConfig: { retries: 0 } } });
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessage } from '../../src/slack/block-limits.js';
import { CONVERSATION_METHODS } from './fake-slack-conversations.js';
import {
  type Args,
  decodeJsonFields,
  type FakeSlackChannel,
  type FakeSlackFile,
  type FakeSlackMessage,
  type FakeSlackUser,
  METHODS,
  type MethodHandler,
  type Reply,
  type SlackState,
  VALIDATORS,
} from './fake-slack-methods.js';
import type { FakeSocketMode } from './fake-socket-mode.js';

export type { FakeSlackChannel, FakeSlackFile, FakeSlackMessage, FakeSlackUser, MethodHandler };

export interface FakeSlackOptions {
  team?: { id: string; domain: string; name: string };
  bot?: Partial<SlackState['bot']>;
  /** Clock for trigger and response_url expiry (default Date.now). */
  now?: () => number;
  /** trigger_id lifetime (Slack: 3 s). */
  triggerTtlMs?: number;
  /** response_url lifetime and use count (Slack: 30 minutes, 5 uses). */
  responseUrlTtlMs?: number;
  responseUrlMaxUses?: number;
  users?: FakeSlackUser[];
  usergroups?: Record<string, string[]>;
  channels?: FakeSlackChannel[];
  socketMode?: FakeSocketMode;
}

export interface FakeSlackCall {
  method: string;
  /** Form or JSON fields as sent; `blocks`, `view`, `attachments`, `metadata`, `files` JSON-decoded. Scalars stay strings for form bodies. */
  args: Args;
  token: string | undefined;
  contentType: string;
  headers: IncomingHttpHeaders;
  /** HTTP status and JSON body the fake answered. */
  status: number;
  response: Reply;
  at: number;
}

export interface FakeSlackViolation {
  /** Web API method, or `response_url`. */
  method: string;
  error: string;
  problems: string[];
  args: unknown;
}

export interface FakeSlackResponsePost {
  /** The `<id>` of `/response/<id>`. */
  id: string;
  body: unknown;
  status: number;
  /** Slack's plain-text answer: `ok`, `used_url`, `expired_url`, `invalid_blocks`, `no_text`, … */
  reply: string;
  at: number;
}

/** An error code (`{ok:false,error}` with HTTP 200), the same with extra fields, or an HTTP status (429 + Retry-After). */
export type FakeSlackFailure =
  | string
  | { error: string; fields?: Record<string, unknown> }
  | { status: number; retryAfter?: number; body?: string };

export interface FakeSlack {
  /** Pass as `clientOptions.slackApiUrl`: `http://127.0.0.1:PORT/api/`. */
  url: string;
  origin: string;
  team: SlackState['team'];
  bot: SlackState['bot'];
  calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /** First call to `method` (already made or still to come) matching `predicate`; rejects after `timeoutMs` (2000). */
  waitFor(method: string, predicate?: (call: FakeSlackCall) => boolean, timeoutMs?: number): Promise<FakeSlackCall>;
  /** What was POSTed to response_urls, accepted or not. */
  responses: FakeSlackResponsePost[];
  waitForResponse(
    predicate?: (post: FakeSlackResponsePost) => boolean,
    timeoutMs?: number,
  ): Promise<FakeSlackResponsePost>;
  /** A response_url on this fake, good for 5 posts within 30 minutes. */
  responseUrl(id?: string): string;
  /** A trigger_id the fake will accept once within 3 s. `viewId`: issued from inside that modal (for views.push). */
  triggerId(opts?: { viewId?: string; ageMs?: number }): string;
  /** Messages as they stand now (chat.update applied), ephemeral ones included with `ephemeralTo`. */
  messages: FakeSlackMessage[];
  messagesIn(channel: string, threadTs?: string): FakeSlackMessage[];
  views: Map<string, Record<string, unknown>>;
  files: Map<string, FakeSlackFile>;
  violations: FakeSlackViolation[];
  /** Throws, listing every violation. Call in afterEach. */
  assertNoViolations(): void;
  /** Returns and forgets the violations, for tests that provoke one on purpose. */
  takeViolations(): FakeSlackViolation[];
  /** The next `times` (default 1) calls to `method` (or `response_url`) fail this way. */
  fail(method: string, failure: FakeSlackFailure, opts?: { times?: number }): void;
  clearFailures(): void;
  setUser(user: FakeSlackUser): void;
  setUsergroup(id: string, userIds: string[]): void;
  setChannel(channel: FakeSlackChannel): void;
  /** Answers `method` with your handler (replacing the built-in one, if any). */
  handle(method: string, handler: MethodHandler): void;
  attachSocketMode(socketMode: FakeSocketMode): void;
  close(): Promise<void>;
}

interface Waiter<T> {
  match: (item: T) => boolean;
  resolve: (item: T) => void;
}

function waitIn<T>(items: T[], waiters: Set<Waiter<T>>, match: (item: T) => boolean, timeoutMs: number, what: string) {
  const found = items.find(match);
  if (found) return Promise.resolve(found);
  return new Promise<T>((resolve, reject) => {
    const waiter: Waiter<T> = {
      match,
      resolve: (item) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(item);
      },
    };
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      reject(new Error(`fake Slack: no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    waiters.add(waiter);
  });
}

function record<T>(items: T[], waiters: Set<Waiter<T>>, item: T): void {
  items.push(item);
  for (const waiter of [...waiters]) if (waiter.match(item)) waiter.resolve(item);
}

/** An injected failure as a response_url answer: HTTP status and Slack's plain-text reply. */
function injectedAnswer(failure: FakeSlackFailure | undefined): [number, string] | undefined {
  if (failure === undefined) return undefined;
  if (typeof failure === 'string') return [400, failure];
  if ('error' in failure) return [400, failure.error];
  return [failure.status, failure.body ?? 'error'];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a Web API body the way Slack accepts it: form, JSON or multipart. */
async function parseArgs(contentType: string, body: Buffer): Promise<Args | undefined> {
  const type = contentType.split(';')[0]?.trim();
  if (type === 'application/x-www-form-urlencoded')
    return decodeJsonFields(Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  if (type === 'application/json') {
    try {
      return JSON.parse(body.toString('utf8') || '{}') as Args;
    } catch {
      return undefined;
    }
  }
  if (type === 'multipart/form-data') {
    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    const args: Args = {};
    for (const [key, value] of form)
      args[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
    return decodeJsonFields(args);
  }
  return undefined;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const state: SlackState = {
    origin: '',
    team: opts.team ?? { id: 'T01OPSTEAM', domain: 'opsbot-test', name: 'Opsbot Test' },
    bot: { userId: 'U01OPSBOT1', botId: 'B01OPSBOT1', appId: 'A01OPSBOT1', name: 'opsbot', scopes: [], ...opts.bot },
    now: opts.now ?? Date.now,
    triggerTtlMs: opts.triggerTtlMs ?? 3000,
    users: new Map((opts.users ?? []).map((u) => [u.id, u])),
    usergroups: new Map(Object.entries(opts.usergroups ?? {})),
    channels: new Map((opts.channels ?? []).map((c) => [c.id, c])),
    messages: [],
    triggers: new Map(),
    views: new Map(),
    stacks: new Map(),
    files: new Map(),
    socketMode: opts.socketMode,
    seq: 0,
  };
  if (state.bot.scopes.length === 0)
    state.bot.scopes = ['chat:write', 'commands', 'users:read', 'usergroups:read', 'channels:read', 'files:write'];
  const responseUrlTtlMs = opts.responseUrlTtlMs ?? 30 * 60_000;
  const responseUrlMaxUses = opts.responseUrlMaxUses ?? 5;
  const calls: FakeSlackCall[] = [];
  const callWaiters = new Set<Waiter<FakeSlackCall>>();
  const responses: FakeSlackResponsePost[] = [];
  const responseWaiters = new Set<Waiter<FakeSlackResponsePost>>();
  const responseUrls = new Map<string, { issuedAt: number; uses: number }>();
  const violations: FakeSlackViolation[] = [];
  const failures = new Map<string, Array<{ failure: FakeSlackFailure; left: number }>>();
  const custom = new Map<string, MethodHandler>();

  const takeFailure = (method: string): FakeSlackFailure | undefined => {
    const queue = failures.get(method);
    const next = queue?.[0];
    if (!next) return undefined;
    next.left -= 1;
    if (next.left <= 0) queue.shift();
    return next.failure;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    res.writeHead(status, { 'content-type': type, ...headers }).end(text);
  };

  async function webApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    const raw = await readBody(req);
    const parsed = req.method === 'POST' ? await parseArgs(contentType, raw) : undefined;
    const args = parsed ?? {};
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    let status = 200;
    let headers: Record<string, string> = { 'x-oauth-scopes': state.bot.scopes.join(',') };

    const answer = (): Reply => {
      if (req.method !== 'POST') return { ok: false, error: 'invalid_request_method' };
      if (!parsed) return { ok: false, error: contentType ? 'invalid_form_data' : 'missing_post_type' };
      if (!token) return { ok: false, error: 'not_authed' };
      if (!/^(xoxb|xoxp|xapp)-./.test(token)) return { ok: false, error: 'invalid_auth' };
      // app-level tokens (xapp-) open Socket Mode connections and nothing else
      if (token.startsWith('xapp-') !== (method === 'apps.connections.open'))
        return { ok: false, error: 'not_allowed_token_type' };
      const handler = custom.get(method) ?? METHODS[method] ?? CONVERSATION_METHODS[method];
      if (!handler) return { ok: false, error: 'unknown_method', req_method: method };
      const problems = VALIDATORS[method]?.(args, state) ?? [];
      if (problems.length > 0) {
        const error = (problems[0] as { error: string }).error;
        const lines = problems.map((p) => p.problem);
        violations.push({ method, error, problems: lines, args });
        const messages = lines.map((line) => `[ERROR] ${line}`);
        return {
          ok: false,
          error,
          ...(error === 'invalid_blocks' ? { errors: lines } : {}),
          response_metadata: { messages },
        };
      }
      const failure = takeFailure(method);
      if (typeof failure === 'string') return { ok: false, error: failure };
      if (failure && 'error' in failure) return { ok: false, error: failure.error, ...failure.fields };
      if (failure) {
        status = failure.status;
        if (failure.retryAfter !== undefined) headers = { ...headers, 'retry-after': String(failure.retryAfter) };
        return { ok: false, error: status === 429 ? 'ratelimited' : 'fatal_error' };
      }
      return handler(args, state);
    };

    const response = answer();
    record(calls, callWaiters, {
      method,
      args,
      token,
      contentType,
      headers: req.headers,
      status,
      response,
      at: state.now(),
    });
    send(res, status, response, headers);
  }

  async function responseUrlPost(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    let reply = 'ok';
    let status = 200;
    const isJson = req.headers['content-type']?.split(';')[0]?.trim() === 'application/json';
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = raw.toString('utf8');
    }
    const url = responseUrls.get(id) ?? { issuedAt: state.now(), uses: 0 };
    responseUrls.set(id, url);
    const message = (typeof body === 'object' && body !== null ? body : {}) as Args;
    const empty = ['text', 'blocks', 'attachments'].every((key) => message[key] === undefined || message[key] === '');
    const problems = [
      ...(isJson && typeof body === 'object' ? [] : ['body must be a JSON object sent as application/json']),
      ...(empty && message.delete_original !== true ? ['needs text, blocks or attachments'] : []),
      ...checkMessage({ text: message.text as string | undefined, blocks: message.blocks as unknown[] | undefined }),
    ];
    const invalid = !isJson ? 'invalid_payload' : empty ? 'no_text' : 'invalid_blocks';
    if (problems.length > 0) violations.push({ method: 'response_url', error: invalid, problems, args: body });
    if (state.now() - url.issuedAt > responseUrlTtlMs) [status, reply] = [404, 'expired_url'];
    else if (url.uses >= responseUrlMaxUses) [status, reply] = [404, 'used_url'];
    else if (problems.length > 0) [status, reply] = [400, invalid];
    else [status, reply] = injectedAnswer(takeFailure('response_url')) ?? [200, 'ok'];
    if (status === 200) url.uses += 1;
    record(responses, responseWaiters, { id, body, status, reply, at: state.now() });
    send(res, status, reply);
  }

  async function upload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const raw = await readBody(req);
    const file = state.files.get(fileId);
    if (!file || req.method !== 'POST') return send(res, 404, 'not_found');
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((value) => typeof value !== 'string');
      file.content = part ? Buffer.from(await (part as Blob).arrayBuffer()) : Buffer.alloc(0);
    } else file.content = raw;
    send(res, 200, `OK - ${file.content.length}`);
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const route =
      /^\/api\/([\w.]+)$/.exec(path)?.[1] !== undefined
        ? webApi(req, res, path.slice('/api/'.length))
        : path.startsWith('/response/')
          ? responseUrlPost(req, res, decodeURIComponent(path.slice('/response/'.length)))
          : path.startsWith('/upload/v1/')
            ? upload(req, res, path.slice('/upload/v1/'.length))
            : Promise.resolve(send(res, 404, 'not_found'));
    route.catch((error: unknown) => send(res, 500, `fake Slack crashed: ${String(error)}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.origin = origin;

  return {
    url: `${origin}/api/`,
    origin,
    team: state.team,
    bot: state.bot,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    waitFor: (method, predicate = () => true, timeoutMs = 2000) =>
      waitIn(calls, callWaiters, (c) => c.method === method && predicate(c), timeoutMs, `${method} call`),
    responses,
    waitForResponse: (predicate = () => true, timeoutMs = 2000) =>
      waitIn(responses, responseWaiters, predicate, timeoutMs, 'response_url post'),
    responseUrl(id = `${state.team.id}/${++state.seq}/${randomBytes(12).toString('hex')}`) {
      if (!responseUrls.has(id)) responseUrls.set(id, { issuedAt: state.now(), uses: 0 });
      return `${origin}/response/${id}`;
    },
    triggerId({ viewId, ageMs = 0 } = {}) {
      const id = `${Math.floor(state.now() / 1000)}${++state.seq}.738474920.${randomBytes(16).toString('hex')}`;
      state.triggers.set(id, { issuedAt: state.now() - ageMs, used: false, viewId });
      return id;
    },
    messages: state.messages,
    messagesIn: (channel, threadTs) =>
      state.messages.filter(
        (m) => m.channel === channel && !m.deleted && (threadTs === undefined || m.thread_ts === threadTs),
      ),
    views: state.views,
    files: state.files,
    violations,
    assertNoViolations() {
      if (violations.length === 0) return;
      const lines = violations.map((v) => `${v.method} → ${v.error}\n    ${v.problems.join('\n    ')}`);
      throw new Error(
        `fake Slack rejected ${violations.length} payload(s) Slack would reject:\n  ${lines.join('\n  ')}`,
      );
    },
    takeViolations: () => violations.splice(0),
    fail(method, failure, { times = 1 } = {}) {
      failures.set(method, [...(failures.get(method) ?? []), { failure, left: times }]);
    },
    clearFailures: () => failures.clear(),
    setUser: (user) => void state.users.set(user.id, user),
    setUsergroup: (id, userIds) => void state.usergroups.set(id, userIds),
    setChannel: (channel) => void state.channels.set(channel.id, channel),
    handle: (method, handler) => void custom.set(method, handler),
    attachSocketMode(socketMode) {
      state.socketMode = socketMode;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
