/**
 * Channel methods of the fake Slack, for incidents: conversations.create/invite/setTopic and pins.add.
 * Errors are Slack's own (slack-api-ref method descriptions): name_taken, invalid_name_specials,
 * invalid_name_maxlength, already_in_channel, cant_invite_self, too_long, already_pinned,
 * message_not_found. Membership, topics and pins live on the channel records.
 */
import {
  type Args,
  CHANNEL_ID,
  type FakeSlackChannel,
  type MethodHandler,
  nextId,
  type SlackState,
} from './fake-slack-methods.js';

/** What the fake remembers about a channel beyond FakeSlackChannel. */
export interface FakeChannelExtras {
  members?: string[];
  topic?: string;
  pins?: string[];
  creator?: string;
}

type Channel = FakeSlackChannel & FakeChannelExtras;

const ok = (body: Record<string, unknown> = {}) => ({ ok: true, ...body });
const fail = (error: string) => ({ ok: false, error });

function channelJson(state: SlackState, c: Channel) {
  return {
    id: c.id,
    name: c.name ?? c.id.toLowerCase(),
    is_channel: !c.is_private,
    is_group: false,
    is_im: false,
    is_private: c.is_private ?? false,
    is_archived: c.is_archived ?? false,
    is_member: true,
    is_general: false,
    created: Math.floor(state.now() / 1000),
    creator: c.creator ?? state.bot.userId,
    name_normalized: c.name ?? c.id.toLowerCase(),
    topic: { value: c.topic ?? '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    previous_names: [],
    context_team_id: state.team.id,
  };
}

function channelOf(state: SlackState, id: unknown): Channel | string {
  const channel = state.channels.get(String(id)) as Channel | undefined;
  if (!channel) return CHANNEL_ID.test(String(id)) ? 'not_in_channel' : 'channel_not_found';
  if (channel.is_archived) return 'is_archived';
  return channel;
}

export const CONVERSATION_METHODS: Record<string, MethodHandler> = {
  'conversations.create': (a: Args, s) => {
    const name = typeof a.name === 'string' ? a.name : '';
    if (!name) return fail('invalid_name_required');
    if (name.length > 80) return fail('invalid_name_maxlength');
    if (!/^[a-z0-9_-]+$/.test(name)) return fail('invalid_name_specials');
    if (/^[-_]+$/.test(name)) return fail('invalid_name_punctuation');
    if ([...s.channels.values()].some((c) => c.name === name)) return fail('name_taken');
    const isPrivate = a.is_private === true || a.is_private === 'true';
    const channel: Channel = {
      id: nextId(s, isPrivate ? 'G' : 'C'),
      name,
      is_private: isPrivate,
      is_member: true,
      members: [s.bot.userId],
      pins: [],
      creator: s.bot.userId,
    };
    s.channels.set(channel.id, channel);
    return ok({ channel: channelJson(s, channel) });
  },
  'conversations.invite': (a, s) => {
    const channel = channelOf(s, a.channel);
    if (typeof channel === 'string') return fail(channel);
    const users = String(a.users ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0) return fail('no_user');
    if (users.includes(s.bot.userId)) return fail('cant_invite_self');
    channel.members ??= [s.bot.userId];
    const members = channel.members;
    if (users.some((u) => !/^[UW][A-Z0-9]{2,}$/.test(u) || s.users.get(u)?.deleted)) return fail('user_not_found');
    if (users.every((u) => members.includes(u))) return fail('already_in_channel');
    for (const u of users) if (!members.includes(u)) members.push(u);
    return ok({ channel: channelJson(s, channel) });
  },
  'conversations.setTopic': (a, s) => {
    const channel = channelOf(s, a.channel);
    if (typeof channel === 'string') return fail(channel);
    const topic = String(a.topic ?? '');
    if (topic.length > 250) return fail('too_long');
    channel.topic = topic;
    return ok({ channel: channelJson(s, channel) });
  },
  'pins.add': (a, s) => {
    const channel = channelOf(s, a.channel);
    if (typeof channel === 'string') return fail(channel);
    const ts = String(a.timestamp ?? '');
    if (!s.messages.some((m) => m.channel === channel.id && m.ts === ts && !m.deleted && !m.ephemeralTo))
      return fail('message_not_found');
    channel.pins ??= [];
    const pins = channel.pins;
    if (pins.includes(ts)) return fail('already_pinned');
    pins.push(ts);
    return ok();
  },
};
