/**
 * The Web API methods the fake Slack answers, and the argument checks Slack makes before it runs them.
 * Shapes follow the real responses (java-slack-sdk json-logs samples, slack-api-specs); errors use Slack's codes.
 */
import { checkMessage, checkView } from '../../src/slack/block-limits.js';
import type { FakeSocketMode } from './fake-socket-mode.js';

export type Args = Record<string, unknown>;
export type Reply = Record<string, unknown>;
export type MethodHandler = (args: Args, state: SlackState) => Reply;

export interface FakeSlackUser {
  id: string;
  name?: string;
  real_name?: string;
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  tz?: string;
  email?: string;
}

export interface FakeSlackChannel {
  id: string;
  name?: string;
  is_private?: boolean;
  is_archived?: boolean;
  /** false makes chat.postMessage answer `not_in_channel`. */
  is_member?: boolean;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  files?: Array<{ id: string; name: string; title: string }>;
  /** Set for chat.postEphemeral: only this user sees it, and it cannot be updated. */
  ephemeralTo?: string;
  /** How many chat.update calls changed it. */
  edits: number;
  deleted: boolean;
}

export interface FakeSlackFile {
  id: string;
  filename: string;
  length: number;
  title?: string;
  content?: Buffer;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
  completed: boolean;
}

export interface SlackState {
  origin: string;
  team: { id: string; domain: string; name: string };
  bot: { userId: string; botId: string; appId: string; name: string; scopes: string[] };
  now: () => number;
  triggerTtlMs: number;
  users: Map<string, FakeSlackUser>;
  usergroups: Map<string, string[]>;
  channels: Map<string, FakeSlackChannel>;
  messages: FakeSlackMessage[];
  triggers: Map<string, { issuedAt: number; used: boolean; viewId?: string }>;
  /** Every view the fake holds, by id, in the shape Slack returns (`id`, `hash`, `root_view_id`, …). */
  views: Map<string, Record<string, unknown>>;
  /** root_view_id → ids of the views on that modal stack (open + at most 2 pushes). */
  stacks: Map<string, string[]>;
  lastRootViewId?: string;
  files: Map<string, FakeSlackFile>;
  socketMode?: FakeSocketMode;
  seq: number;
}

export const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;
export const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata', 'files', 'unfurls'];

/** Form fields the Web API client JSON.stringify'd (TESTING.md §1.1), decoded back to objects. */
export function decodeJsonFields(args: Args): Args {
  const decoded: Args = { ...args };
  for (const key of JSON_FIELDS) {
    const value = decoded[key];
    if (typeof value !== 'string') continue;
    try {
      decoded[key] = JSON.parse(value);
    } catch {
      // left as a string: validation reports it as not an array/object
    }
  }
  return decoded;
}

const ok = (body: Reply = {}): Reply => ({ ok: true, ...body });
const fail = (error: string, extra: Reply = {}): Reply => ({ ok: false, error, ...extra });

export function nextId(state: SlackState, prefix: string): string {
  state.seq += 1;
  return `${prefix}0${state.seq.toString(36).toUpperCase().padStart(9, '0')}`;
}

function nextTs(state: SlackState): string {
  state.seq += 1;
  return `${Math.floor(state.now() / 1000)}.${String(state.seq % 1_000_000).padStart(6, '0')}`;
}

// ---- argument checks: every problem here is a bug in the caller, recorded as a violation ----

interface Problem {
  error: string;
  problem: string;
}
type Validator = (args: Args, state: SlackState) => Problem[];

function channelProblems(state: SlackState, channel: unknown, allowUser: boolean): Problem[] {
  if (typeof channel === 'string' && (state.channels.has(channel) || CHANNEL_ID.test(channel))) return [];
  if (allowUser && typeof channel === 'string' && USER_ID.test(channel)) return [];
  const wanted = allowUser ? 'a conversation or user id' : 'a conversation id';
  return [{ error: 'channel_not_found', problem: `channel ${JSON.stringify(channel)} is not ${wanted}` }];
}

function messageProblems(args: Args, requireContent: boolean): Problem[] {
  const found: Problem[] = [];
  const hasContent = ['text', 'blocks', 'attachments'].some((key) => args[key] !== undefined && args[key] !== '');
  if (requireContent && !hasContent) found.push({ error: 'no_text', problem: 'needs text, blocks or attachments' });
  if (typeof args.text === 'string' && args.text.length > 40_000)
    found.push({ error: 'msg_too_long', problem: `text is ${args.text.length} chars, max 40000` });
  const limits = checkMessage({ blocks: args.blocks as unknown[] | undefined });
  if (Array.isArray(args.attachments))
    args.attachments.forEach((attachment, i) => {
      const blocks = (attachment as Args | null)?.blocks as unknown[] | undefined;
      if (blocks !== undefined) limits.push(...checkMessage({ blocks }).map((p) => `attachments[${i}].${p}`));
    });
  return [...found, ...limits.map((problem) => ({ error: 'invalid_blocks', problem }))];
}

const required = (args: Args, ...keys: string[]): Problem[] =>
  keys
    .filter((key) => args[key] === undefined || args[key] === '')
    .map((key) => ({ error: 'invalid_arguments', problem: `${key} is required` }));

const viewProblems = (args: Args): Problem[] =>
  args.view === undefined ? [] : checkView(args.view).map((problem) => ({ error: 'invalid_arguments', problem }));

export const VALIDATORS: Record<string, Validator> = {
  'chat.postMessage': (a, s) => [...channelProblems(s, a.channel, true), ...messageProblems(a, true)],
  'chat.postEphemeral': (a, s) => [
    ...channelProblems(s, a.channel, false),
    ...required(a, 'user'),
    ...messageProblems(a, true),
  ],
  'chat.update': (a, s) => [...channelProblems(s, a.channel, false), ...required(a, 'ts'), ...messageProblems(a, true)],
  'chat.delete': (a, s) => [...channelProblems(s, a.channel, false), ...required(a, 'ts')],
  'views.open': (a) => [...required(a, 'trigger_id', 'view'), ...viewProblems(a)],
  'views.push': (a) => [...required(a, 'trigger_id', 'view'), ...viewProblems(a)],
  'views.update': (a) => [
    ...required(a, 'view'),
    ...(a.view_id || a.external_id ? [] : required(a, 'view_id')),
    ...viewProblems(a),
  ],
  'views.publish': (a) => [...required(a, 'user_id', 'view'), ...viewProblems(a)],
  'files.getUploadURLExternal': (a) => required(a, 'filename', 'length'),
  'files.completeUploadExternal': (a, s) => [
    ...(Array.isArray(a.files) ? [] : [{ error: 'invalid_arguments', problem: 'files must be a JSON array' }]),
    ...(a.channel_id === undefined ? [] : channelProblems(s, a.channel_id, false)),
    ...messageProblems(a, false),
  ],
};

// ---- method handlers: runtime errors here (expired trigger, unknown ts) are answers, not violations ----

/** The conversation a post lands in (a user id means their DM), or the error Slack answers instead. */
function postInto(state: SlackState, channelArg: unknown): { channel: string } | { error: string } {
  const id = String(channelArg);
  const channel = USER_ID.test(id) ? `D${id.slice(1).padEnd(8, '0')}` : id;
  const known = state.channels.get(channel);
  if (known?.is_archived) return { error: 'is_archived' };
  if (known?.is_member === false) return { error: 'not_in_channel' };
  return { channel };
}

function messageJson(state: SlackState, m: FakeSlackMessage): Reply {
  return {
    user: state.bot.userId,
    type: 'message',
    ts: m.ts,
    bot_id: state.bot.botId,
    app_id: state.bot.appId,
    text: m.text,
    team: state.team.id,
    bot_profile: { id: state.bot.botId, app_id: state.bot.appId, name: state.bot.name, team_id: state.team.id },
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.attachments ? { attachments: m.attachments } : {}),
    ...(m.files ? { files: m.files } : {}),
  };
}

const NO_FALLBACK = "This content can't be displayed.";

/** Slack stores blocks with a generated block_id when the app gave none (e.g. `"block_id": "Xl3mA"`). */
function withBlockIds(state: SlackState, blocks: unknown[]): unknown[] {
  return blocks.map((block) =>
    typeof block === 'object' && block !== null && !('block_id' in block)
      ? { ...block, block_id: nextId(state, 'b').slice(-5) }
      : block,
  );
}

function addMessage(state: SlackState, channel: string, a: Args, extra: Partial<FakeSlackMessage> = {}) {
  const message: FakeSlackMessage = {
    channel,
    ts: nextTs(state),
    text: typeof a.text === 'string' && a.text !== '' ? a.text : Array.isArray(a.blocks) ? NO_FALLBACK : '',
    edits: 0,
    deleted: false,
    ...(typeof a.thread_ts === 'string' ? { thread_ts: a.thread_ts } : {}),
    ...(Array.isArray(a.blocks) ? { blocks: withBlockIds(state, a.blocks) } : {}),
    ...(Array.isArray(a.attachments) ? { attachments: a.attachments } : {}),
    ...(a.metadata !== undefined ? { metadata: a.metadata } : {}),
    ...extra,
  };
  state.messages.push(message);
  return message;
}

function consumeTrigger(state: SlackState, triggerId: unknown): { viewId?: string } | string {
  const trigger = state.triggers.get(String(triggerId));
  if (!trigger) return 'invalid_trigger_id';
  if (trigger.used) return 'exchanged_trigger_id';
  if (state.now() - trigger.issuedAt > state.triggerTtlMs) return 'expired_trigger_id';
  trigger.used = true;
  return trigger;
}

function storeView(state: SlackState, input: Args, id: string, rootId: string, previousId: string | null): Reply {
  const view: Reply = {
    id,
    team_id: state.team.id,
    type: input.type,
    blocks: withBlockIds(state, Array.isArray(input.blocks) ? input.blocks : []),
    private_metadata: input.private_metadata ?? '',
    callback_id: input.callback_id ?? '',
    state: { values: {} },
    hash: `${Math.floor(state.now() / 1000)}.${nextId(state, 'h').slice(-8)}`,
    title: input.title ?? null,
    clear_on_close: input.clear_on_close ?? false,
    notify_on_close: input.notify_on_close ?? false,
    close: input.close ?? null,
    submit: input.submit ?? null,
    previous_view_id: previousId,
    root_view_id: rootId,
    app_id: state.bot.appId,
    external_id: input.external_id ?? '',
    app_installed_team_id: state.team.id,
    bot_id: state.bot.botId,
  };
  state.views.set(id, view);
  return view;
}

function userJson(state: SlackState, u: FakeSlackUser): Reply {
  const name = u.name ?? u.id.toLowerCase();
  const realName = u.real_name ?? name;
  return {
    id: u.id,
    team_id: u.team_id ?? state.team.id,
    name,
    deleted: u.deleted ?? false,
    real_name: realName,
    tz: u.tz ?? 'Europe/London',
    tz_offset: 0,
    profile: { real_name: realName, display_name: name, email: u.email ?? `${name}@example.com`, team: state.team.id },
    is_admin: u.is_admin ?? false,
    is_owner: u.is_owner ?? false,
    is_primary_owner: false,
    is_restricted: u.is_restricted ?? false,
    is_ultra_restricted: u.is_ultra_restricted ?? false,
    is_bot: u.is_bot ?? false,
    is_app_user: false,
    updated: Math.floor(state.now() / 1000),
  };
}

function channelJson(state: SlackState, c: FakeSlackChannel): Reply {
  const isIm = c.id.startsWith('D');
  return {
    id: c.id,
    name: c.name ?? c.id.toLowerCase(),
    is_channel: !isIm && !c.is_private,
    is_group: false,
    is_im: isIm,
    is_private: c.is_private ?? c.id.startsWith('G'),
    is_archived: c.is_archived ?? false,
    is_member: c.is_member ?? true,
    is_general: false,
    created: 1_600_000_000,
    context_team_id: state.team.id,
  };
}

export const METHODS: Record<string, MethodHandler> = {
  'auth.test': (_a, s) =>
    ok({
      url: `https://${s.team.domain}.slack.com/`,
      team: s.team.name,
      user: s.bot.name,
      team_id: s.team.id,
      user_id: s.bot.userId,
      bot_id: s.bot.botId,
      // Bot tokens also get the app's id (AuthTestResponse.app_id in @slack/web-api).
      app_id: s.bot.appId,
      is_enterprise_install: false,
    }),
  'apps.connections.open': (_a, s) =>
    s.socketMode ? ok({ url: s.socketMode.issueUrl() }) : fail('socket_mode_not_enabled_in_fake'),
  'chat.postMessage': (a, s) => {
    const target = postInto(s, a.channel);
    if ('error' in target) return fail(target.error);
    const message = addMessage(s, target.channel, a);
    return ok({ channel: message.channel, ts: message.ts, message: messageJson(s, message) });
  },
  'chat.postEphemeral': (a, s) => {
    const target = postInto(s, a.channel);
    if ('error' in target) return fail(target.error);
    return ok({ message_ts: addMessage(s, target.channel, a, { ephemeralTo: String(a.user) }).ts });
  },
  'chat.update': (a, s) => {
    const m = s.messages.find((x) => x.channel === a.channel && x.ts === a.ts && !x.deleted && !x.ephemeralTo);
    if (!m) return fail('message_not_found');
    if (typeof a.text === 'string') m.text = a.text;
    if (Array.isArray(a.blocks)) m.blocks = withBlockIds(s, a.blocks);
    if (Array.isArray(a.attachments)) m.attachments = a.attachments;
    m.edits += 1;
    return ok({ channel: m.channel, ts: m.ts, text: m.text, message: messageJson(s, m) });
  },
  'chat.delete': (a, s) => {
    const m = s.messages.find((x) => x.channel === a.channel && x.ts === a.ts && !x.deleted && !x.ephemeralTo);
    if (!m) return fail('message_not_found');
    m.deleted = true;
    return ok({ channel: m.channel, ts: m.ts });
  },
  'views.open': (a, s) => {
    const trigger = consumeTrigger(s, a.trigger_id);
    if (typeof trigger === 'string') return fail(trigger);
    const id = nextId(s, 'V');
    s.stacks.set(id, [id]);
    s.lastRootViewId = id;
    return ok({ view: storeView(s, a.view as Args, id, id, null) });
  },
  'views.push': (a, s) => {
    const trigger = consumeTrigger(s, a.trigger_id);
    if (typeof trigger === 'string') return fail(trigger);
    const from = trigger.viewId ? s.views.get(trigger.viewId) : undefined;
    const rootId = from ? String(from.root_view_id) : s.lastRootViewId;
    const stack = rootId ? s.stacks.get(rootId) : undefined;
    if (!rootId || !stack) return fail('not_found');
    if (stack.length >= 3) return fail('push_limit_reached');
    const id = nextId(s, 'V');
    const view = storeView(s, a.view as Args, id, rootId, stack.at(-1) ?? null);
    stack.push(id);
    return ok({ view });
  },
  'views.update': (a, s) => {
    const current = a.view_id
      ? s.views.get(String(a.view_id))
      : [...s.views.values()].find((v) => v.external_id !== '' && v.external_id === a.external_id);
    if (!current) return fail('not_found');
    if (a.hash !== undefined && a.hash !== current.hash) return fail('hash_conflict');
    const id = String(current.id);
    return ok({
      view: storeView(s, a.view as Args, id, String(current.root_view_id), current.previous_view_id as null),
    });
  },
  'views.publish': (a, s) => ok({ view: storeView(s, a.view as Args, nextId(s, 'V'), '', null) }),
  'users.info': (a, s) => {
    const id = String(a.user);
    const user = s.users.get(id) ?? (USER_ID.test(id) ? { id } : undefined);
    return user ? ok({ user: userJson(s, user) }) : fail('user_not_found');
  },
  'usergroups.users.list': (a, s) => {
    const users = s.usergroups.get(String(a.usergroup));
    return users ? ok({ users }) : fail('no_such_subteam');
  },
  'conversations.info': (a, s) => {
    const id = String(a.channel);
    const channel = s.channels.get(id) ?? (CHANNEL_ID.test(id) ? { id } : undefined);
    return channel ? ok({ channel: channelJson(s, channel) }) : fail('channel_not_found');
  },
  'files.getUploadURLExternal': (a, s) => {
    const length = Number(a.length);
    if (!Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
    const id = nextId(s, 'F');
    s.files.set(id, { id, filename: String(a.filename), length, completed: false });
    return ok({ upload_url: `${s.origin}/upload/v1/${id}`, file_id: id });
  },
  'files.completeUploadExternal': (a, s) => {
    const wanted = a.files as Array<{ id: string; title?: string }>;
    const files = wanted.map(({ id, title }) => ({ file: s.files.get(id), title }));
    if (files.some(({ file }) => !file?.content)) return fail('file_not_found');
    const shared = files.map(({ file, title }) => {
      const f = file as FakeSlackFile;
      Object.assign(f, { completed: true, title: title ?? f.filename, channelId: a.channel_id, threadTs: a.thread_ts });
      if (typeof a.initial_comment === 'string') f.initialComment = a.initial_comment;
      return { id: f.id, name: f.filename, title: f.title ?? f.filename };
    });
    if (typeof a.channel_id === 'string')
      addMessage(s, a.channel_id, { ...a, text: a.initial_comment ?? '', blocks: a.blocks }, { files: shared });
    return ok({ files: shared });
  },
};
