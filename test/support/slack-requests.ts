/**
 * Requests exactly as Slack sends them to an HTTP-mode app (TESTING.md §1.2): v0 signature over the raw body,
 * `Content-Type: application/x-www-form-urlencoded` with no charset, slash-command fields in Slack's order,
 * interactions as a single `payload=` field, events as JSON. Payload builders follow the field inventories of
 * real payloads (TESTING.md §2.2); the same objects are the `payload` of Socket Mode envelopes.
 *
 * What the app answers is checked like Slack would: an ack later than 3 s, or an ack body over Block Kit limits,
 * is a violation, and the helpers throw on violations unless `allowViolations` is set.
 */
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessage, checkView } from '../../src/slack/block-limits.js';

export interface SlackSignatureHeaders {
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
}

/** `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<body>`); timestamp in unix seconds (default now). */
export function signSlackRequest(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': `v0=${signature}` };
}

/** Bolt's default endpoint on a server returned by `app.start(0)`: `http://127.0.0.1:PORT/slack/events`. */
export function slackEventsUrl(server: Server | AddressInfo, path = '/slack/events'): string {
  const address = 'address' in server && typeof server.address === 'function' ? server.address() : server;
  return `http://127.0.0.1:${(address as AddressInfo).port}${path}`;
}

export interface SendOptions {
  /** Unix seconds for X-Slack-Request-Timestamp (default now); e.g. now − 301 for a stale request. */
  timestamp?: number;
  /** Replaces the computed X-Slack-Signature (to test rejection). */
  signature?: string;
  /** Events API retries: X-Slack-Retry-Num / X-Slack-Retry-Reason. */
  retryNum?: number;
  retryReason?: string;
  /** Return violations in the result instead of throwing. */
  allowViolations?: boolean;
}

export interface SlackHttpResult {
  status: number;
  body: string;
  json?: unknown;
  headers: Headers;
  /** Time from sending to the full response: Slack gives up after 3000 ms. */
  ms: number;
  /** Slow ack, or an ack body Slack would reject (Block Kit limits, bad `response_action`). */
  violations: string[];
}

const SLACK_HEADERS = { 'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', Accept: 'application/json,*/*' };

async function send(
  appUrl: string,
  secret: string,
  contentType: string,
  body: string,
  opts: SendOptions,
  checkAck: (json: unknown) => string[],
): Promise<SlackHttpResult> {
  const signed = signSlackRequest(secret, body, opts.timestamp);
  const headers: Record<string, string> = { ...SLACK_HEADERS, 'Content-Type': contentType, ...signed };
  if (opts.signature !== undefined) headers['X-Slack-Signature'] = opts.signature;
  if (opts.retryNum !== undefined) headers['X-Slack-Retry-Num'] = String(opts.retryNum);
  if (opts.retryReason !== undefined) headers['X-Slack-Retry-Reason'] = opts.retryReason;
  const started = performance.now();
  const response = await fetch(appUrl, { method: 'POST', headers, body });
  const text = await response.text();
  const ms = Math.round(performance.now() - started);
  let json: unknown;
  if (response.headers.get('content-type')?.includes('application/json')) json = JSON.parse(text);
  const violations = [
    ...(ms > 3000 ? [`ack took ${ms} ms; Slack shows the user a timeout after 3000 ms`] : []),
    ...(response.status === 200 && json !== undefined ? checkAck(json) : []),
  ];
  if (violations.length > 0 && !opts.allowViolations)
    throw new Error(`the app's answer would be rejected by Slack:\n  ${violations.join('\n  ')}`);
  return { status: response.status, body: text, json, headers: response.headers, ms, violations };
}

const isObj = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const checkMessageAck = (json: unknown) =>
  isObj(json) ? checkMessage(json as { text?: string; blocks?: unknown[] }) : [];

export interface SlashCommandInit {
  text: string;
  userId: string;
  teamId: string;
  channelId: string;
  responseUrl: string;
  triggerId: string;
  command?: string;
  userName?: string;
  channelName?: string;
  teamDomain?: string;
  apiAppId?: string;
  enterpriseId?: string;
  enterpriseName?: string;
}

/** The slash-command fields in the order Slack sends them (also the Socket Mode `slash_commands` payload). */
export function buildSlashCommand(init: SlashCommandInit): Record<string, string> {
  return {
    token: 'verification-token-unused',
    team_id: init.teamId,
    team_domain: init.teamDomain ?? 'opsbot-test',
    ...(init.enterpriseId ? { enterprise_id: init.enterpriseId, enterprise_name: init.enterpriseName ?? '' } : {}),
    channel_id: init.channelId,
    channel_name: init.channelName ?? 'ops',
    user_id: init.userId,
    user_name: init.userName ?? init.userId.toLowerCase(),
    command: init.command ?? '/ops',
    text: init.text,
    api_app_id: init.apiAppId ?? 'A01OPSBOT1',
    is_enterprise_install: 'false',
    response_url: init.responseUrl,
    trigger_id: init.triggerId,
  };
}

export function postSlashCommand(
  appUrl: string,
  secret: string,
  init: SlashCommandInit,
  opts: SendOptions = {},
): Promise<SlackHttpResult> {
  const body = new URLSearchParams(buildSlashCommand(init)).toString();
  return send(appUrl, secret, 'application/x-www-form-urlencoded', body, opts, checkMessageAck);
}

/** What Slack accepts as a view_submission ack (TESTING.md §1.3), given the submitted view. */
function checkViewSubmissionAck(json: unknown, submitted: unknown): string[] {
  if (!isObj(json)) return [];
  const action = json.response_action;
  if (action === 'update' || action === 'push')
    return checkView(json.view).map((p) => `response_action ${action}: ${p}`);
  if (action === 'clear') return [];
  if (action === 'errors') {
    const blocks = isObj(submitted) && Array.isArray(submitted.blocks) ? submitted.blocks : [];
    const inputs = new Set(
      blocks.filter((b) => isObj(b) && b.type === 'input').map((b) => (b as { block_id?: string }).block_id),
    );
    const keys = isObj(json.errors) ? Object.keys(json.errors) : [];
    if (keys.length === 0) return ['response_action errors needs a non-empty errors object'];
    return keys
      .filter((key) => !inputs.has(key))
      .map((key) => `errors["${key}"] is not the block_id of an input block`);
  }
  return [`unknown response_action ${JSON.stringify(action)}`];
}

/** Posts an interaction payload (block_actions, view_submission, shortcut…) as the form field `payload=`. */
export function postInteraction(
  appUrl: string,
  secret: string,
  payload: Record<string, unknown>,
  opts: SendOptions = {},
): Promise<SlackHttpResult> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const check =
    payload.type === 'view_submission'
      ? (json: unknown) => checkViewSubmissionAck(json, payload.view)
      : checkMessageAck;
  return send(appUrl, secret, 'application/x-www-form-urlencoded', body, opts, check);
}

/** Posts an Events API body (`event_callback`, `url_verification`) as application/json. */
export function postEvent(
  appUrl: string,
  secret: string,
  body: Record<string, unknown>,
  opts: SendOptions = {},
): Promise<SlackHttpResult> {
  return send(appUrl, secret, 'application/json', JSON.stringify(body), opts, () => []);
}

// ---- payload builders ----

export interface Actor {
  userId: string;
  teamId: string;
  userName?: string;
  teamDomain?: string;
  apiAppId?: string;
}

function actorFields(actor: Actor) {
  const name = actor.userName ?? actor.userId.toLowerCase();
  return {
    user: { id: actor.userId, username: name, name, team_id: actor.teamId },
    api_app_id: actor.apiAppId ?? 'A01OPSBOT1',
    token: 'verification-token-unused',
  };
}
const teamField = (actor: Actor) => ({ id: actor.teamId, domain: actor.teamDomain ?? 'opsbot-test' });
const actionTs = () => `${(Date.now() / 1000).toFixed(6)}`;

type Obj = Record<string, unknown>;

/** Finds the element with `actionId` in blocks, with the block_id of the block holding it. */
function findElement(blocks: unknown, actionId: string): { element: Obj; blockId: string } | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks.filter(isObj)) {
    const candidates = [block.accessory, block.element, ...(Array.isArray(block.elements) ? block.elements : [])];
    const element = candidates.find((c): c is Obj => isObj(c) && c.action_id === actionId);
    if (element) return { element, blockId: String(block.block_id ?? '') };
  }
  return undefined;
}

function optionsOf(element: Obj): Obj[] {
  const groups = Array.isArray(element.option_groups) ? element.option_groups.filter(isObj) : [];
  const own = Array.isArray(element.options) ? element.options : [];
  return [...own, ...groups.flatMap((g) => (Array.isArray(g.options) ? g.options : []))].filter(isObj);
}

function pickOption(element: Obj, value: string): Obj {
  const option = optionsOf(element).find((o) => o.value === value);
  if (!option) throw new Error(`${String(element.action_id)} has no option with value ${JSON.stringify(value)}`);
  return option;
}

/** The `actions[0]` Slack sends when the user uses `element` (a button click or a choice). */
function actionFor(element: Obj, blockId: string, selected?: string): Obj {
  const base = { type: element.type, action_id: element.action_id, block_id: blockId };
  switch (element.type) {
    case 'button':
      return {
        ...base,
        text: element.text,
        value: element.value,
        ...(element.style ? { style: element.style } : {}),
        action_ts: actionTs(),
      };
    case 'static_select':
    case 'overflow':
    case 'radio_buttons':
      return { ...base, selected_option: pickOption(element, selected ?? ''), action_ts: actionTs() };
    case 'users_select':
      return { ...base, selected_user: selected, action_ts: actionTs() };
    case 'conversations_select':
      return { ...base, selected_conversation: selected, action_ts: actionTs() };
    default:
      return { ...base, value: selected, action_ts: actionTs() };
  }
}

export interface BlockActionsInit extends Actor {
  triggerId: string;
  /** action_id of the element the user used; it must exist in `message.blocks` or `view.blocks`. */
  actionId: string;
  /** For selects, overflow and radio buttons: the option value (or user/conversation id) chosen. */
  selected?: string;
  /** The message holding the element (e.g. an entry of `fakeSlack.messagesIn(channel)`)… */
  message?: {
    channel: string;
    ts: string;
    text?: string;
    blocks?: unknown[];
    thread_ts?: string;
    ephemeralTo?: string;
  };
  /** …or the modal holding it (e.g. `fakeSlack.views.get(id)`). */
  view?: Obj;
  /** Slack sends one for messages: use `fakeSlack.responseUrl()`. */
  responseUrl?: string;
  channelName?: string;
}

/** A `block_actions` payload for a click on an element that really is in the message or view. */
export function blockActionsPayload(init: BlockActionsInit): Obj {
  const blocks = init.message?.blocks ?? init.view?.blocks;
  const found = findElement(blocks, init.actionId);
  if (!found) throw new Error(`no element with action_id ${JSON.stringify(init.actionId)} in the given message/view`);
  const action = actionFor(found.element, found.blockId, init.selected);
  const { message, view } = init;
  const container = message
    ? {
        type: 'message',
        message_ts: message.ts,
        channel_id: message.channel,
        is_ephemeral: Boolean(message.ephemeralTo),
        ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
      }
    : { type: 'view', view_id: view?.id };
  return {
    type: 'block_actions',
    ...actorFields(init),
    container,
    trigger_id: init.triggerId,
    team: teamField(init),
    enterprise: null,
    is_enterprise_install: false,
    ...(message
      ? {
          channel: { id: message.channel, name: init.channelName ?? 'ops' },
          message: {
            type: 'message',
            ts: message.ts,
            text: message.text ?? '',
            blocks: message.blocks ?? [],
            ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
          },
          state: { values: {} },
          response_url: init.responseUrl,
        }
      : { view }),
    actions: [action],
  };
}

/** The value Slack puts in `view.state.values[block][action]` for an input element. */
function inputState(element: Obj, value: string | string[] | null | undefined): Obj {
  const one = Array.isArray(value) ? value[0] : value;
  const many = value == null ? [] : Array.isArray(value) ? value : [value];
  switch (element.type) {
    case 'static_select':
    case 'radio_buttons':
      return { type: element.type, selected_option: one == null ? null : pickOption(element, one) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type: element.type, selected_options: many.map((v) => pickOption(element, v)) };
    case 'users_select':
      return { type: element.type, selected_user: one ?? null };
    case 'multi_users_select':
      return { type: element.type, selected_users: many };
    case 'conversations_select':
      return { type: element.type, selected_conversation: one ?? null };
    case 'channels_select':
      return { type: element.type, selected_channel: one ?? null };
    case 'datepicker':
      return { type: element.type, selected_date: one ?? null };
    case 'timepicker':
      return { type: element.type, selected_time: one ?? null };
    default:
      return { type: element.type, value: one ?? null };
  }
}

export interface ViewSubmissionInit extends Actor {
  triggerId: string;
  /** The modal as Slack holds it: `fakeSlack.views.get(id)` or the `view` of a views.open response. */
  view: Obj;
  /** What the user entered, by action_id; every key must be an input element of the view. */
  values?: Record<string, string | string[] | null>;
  responseUrls?: Array<{ block_id: string; action_id: string; channel_id: string; response_url: string }>;
}

/** A `view_submission` payload with `view.state.values` filled from the view's input blocks. */
export function viewSubmissionPayload(init: ViewSubmissionInit): Obj {
  const values: Record<string, Record<string, Obj>> = {};
  const wanted = new Set(Object.keys(init.values ?? {}));
  for (const block of (Array.isArray(init.view.blocks) ? init.view.blocks : []).filter(isObj)) {
    if (block.type !== 'input' || !isObj(block.element)) continue;
    const actionId = String(block.element.action_id);
    values[String(block.block_id)] = { [actionId]: inputState(block.element, init.values?.[actionId]) };
    wanted.delete(actionId);
  }
  if (wanted.size > 0) throw new Error(`the view has no input element(s) ${[...wanted].join(', ')}`);
  return {
    type: 'view_submission',
    team: teamField(init),
    ...actorFields(init),
    trigger_id: init.triggerId,
    view: {
      id: 'V01FAKEVIEW',
      team_id: init.teamId,
      type: 'modal',
      private_metadata: '',
      callback_id: '',
      hash: `${Math.floor(Date.now() / 1000)}.3wRYuk3R`,
      previous_view_id: null,
      root_view_id: init.view.id ?? 'V01FAKEVIEW',
      ...init.view,
      state: { values },
    },
    response_urls: init.responseUrls ?? [],
    is_enterprise_install: false,
    enterprise: null,
  };
}
