/**
 * Incidents in the console: there is no Slack to create channels in, so each "channel" is a name, and
 * what would be posted there is printed.
 */
import type { Writable } from 'node:stream';
import type { IncidentChat } from '../incidents/incident-chat.js';

export function createConsoleIncidentChat(output: Writable): IncidentChat {
  let seq = 0;
  const names = new Map<string, string>();
  const print = (channel: string, text: string) => output.write(`[#${names.get(channel) ?? channel}] ${text}\n`);
  return {
    async createChannel(name) {
      seq += 1;
      const id = `CCONSOLE${String(seq).padStart(4, '0')}`;
      names.set(id, name);
      print(id, `channel created`);
      return { id, name };
    },
    async invite(channel, users) {
      print(channel, `invited ${users.join(', ')}`);
    },
    async setTopic() {},
    async post(channel, message) {
      print(channel, message.text);
      seq += 1;
      return `${seq}.000000`;
    },
    async update() {},
    async pin() {},
    async upload(channel, file) {
      print(channel, `${file.comment}\n${file.content}`);
    },
    async person(userId) {
      return { name: userId, timeZone: 'UTC' };
    },
  };
}
