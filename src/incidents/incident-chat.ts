/**
 * What the incident service needs from a chat: Slack implements it with the Web API
 * (src/slack/slack-incident-chat.ts), the console prints.
 */
export interface ChatMessage {
  text: string;
  blocks?: Array<Record<string, unknown>>;
}

export interface ChatPerson {
  name: string;
  /** IANA time zone from the person's profile. */
  timeZone?: string;
}

export interface IncidentChat {
  /** Creates a public channel, trying name-2, name-3… when the name is taken. */
  createChannel(name: string): Promise<{ id: string; name: string }>;
  /** Invites each user; one who cannot be invited is logged, not fatal. */
  invite(channel: string, users: string[]): Promise<void>;
  setTopic(channel: string, topic: string): Promise<void>;
  post(channel: string, message: ChatMessage): Promise<string | undefined>;
  update(channel: string, ts: string, message: ChatMessage): Promise<void>;
  pin(channel: string, ts: string): Promise<void>;
  upload(channel: string, file: { filename: string; content: string; title: string; comment: string }): Promise<void>;
  person(userId: string): Promise<ChatPerson>;
}
