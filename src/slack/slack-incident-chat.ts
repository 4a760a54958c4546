/**
 * IncidentChat over the Slack Web API: conversations.create/invite/setTopic, chat.postMessage/update,
 * pins.add, files.uploadV2, users.info.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { ChatPerson, IncidentChat } from '../incidents/incident-chat.js';

const slackError = (error: unknown) => (error as { data?: { error?: string } }).data?.error;

export function createSlackIncidentChat(client: WebClient, logger: Logger): IncidentChat {
  return {
    async createChannel(name) {
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        const candidate = attempt === 1 ? name : `${name.slice(0, 76)}-${attempt}`;
        try {
          const created = await client.conversations.create({ name: candidate, is_private: false });
          const channel = created.channel as { id: string; name: string };
          return { id: channel.id, name: channel.name };
        } catch (error) {
          if (slackError(error) !== 'name_taken') throw error;
        }
      }
      throw new Error(`every channel name from ${name} to ${name}-10 is taken`);
    },
    async invite(channel, users) {
      for (const user of users) {
        try {
          await client.conversations.invite({ channel, users: user });
        } catch (error) {
          // already_in_channel, cant_invite_self (the bot created it), user_not_found…: the others still get in.
          const code = slackError(error);
          if (code !== 'already_in_channel' && code !== 'cant_invite_self')
            logger.warn({ err: error, channel, user }, 'could not invite to the incident channel');
        }
      }
    },
    async setTopic(channel, topic) {
      await client.conversations.setTopic({ channel, topic });
    },
    async post(channel, message) {
      return (await client.chat.postMessage({ channel, ...message } as never)).ts;
    },
    async update(channel, ts, message) {
      await client.chat.update({ channel, ts, ...message } as never);
    },
    async pin(channel, ts) {
      await client.pins.add({ channel, timestamp: ts });
    },
    async upload(channel, file) {
      await client.files.uploadV2({
        channel_id: channel,
        content: file.content,
        filename: file.filename,
        title: file.title,
        initial_comment: file.comment,
      });
    },
    async person(userId): Promise<ChatPerson> {
      const { user } = await client.users.info({ user: userId });
      const name = user?.real_name || user?.name || userId;
      return { name, ...(user?.tz ? { timeZone: user.tz } : {}) };
    },
  };
}
