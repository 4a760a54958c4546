/**
 * The console front end, like Hubot's shell adapter: type `/ops …` (or just
 * `status api-gateway prod`) and the same pipeline answers in the terminal.
 * `:as <person or user id>` switches who is typing, so a second person can
 * approve; `:who` shows it; `:quit` leaves.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Catalog } from '../catalog.js';
import type { Engine } from '../runs/engine.js';
import type { Replies } from '../runs/outcome.js';
import { renderOutcomeText } from './render-text.js';

export const CONSOLE_TEAM = 'T0CONSOLE';
export const CONSOLE_CHANNEL = 'C0CONSOLE';

export interface ConsoleOptions {
  engine: Engine;
  catalog: Catalog;
  input: Readable;
  output: Writable;
}

function resolveUser(catalog: Catalog, who: string): string | undefined {
  const ids = catalog.people?.[who.toLowerCase()];
  if (ids?.[0]) return ids[0];
  return /^[UW][A-Z0-9]{2,}$/.test(who) ? who : undefined;
}

function nameOf(catalog: Catalog, userId: string): string {
  return Object.entries(catalog.people ?? {}).find(([, ids]) => ids.includes(userId))?.[0] ?? userId;
}

export async function runConsole({ engine, catalog, input, output }: ConsoleOptions): Promise<void> {
  const write = (text: string) => void output.write(`${text}\n`);
  const firstPerson = Object.keys(catalog.people ?? {})[0];
  let userId = (firstPerson && resolveUser(catalog, firstPerson)) || 'U0CONSOLE';
  const replies: Replies = {
    send: async (outcome) => write(renderOutcomeText(outcome)),
    progress: async (text) => write(`… ${text}`),
  };
  const rl = createInterface({ input, output, terminal: false });
  const prompt = () => output.write(`${nameOf(catalog, userId)}> `);
  const people = Object.keys(catalog.people ?? {});
  write(
    `You are ${nameOf(catalog, userId)}. Type /ops help, ":as <${people.join('|') || 'U…'}>" to switch user, ":quit" to leave.`,
  );
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === ':quit' || line === ':q' || line === 'exit') break;
    if (line.startsWith(':as')) {
      const who = line.slice(3).trim();
      const id = resolveUser(catalog, who);
      if (id) userId = id;
      write(
        id
          ? `You are now ${nameOf(catalog, id)} (${id}).`
          : `No person "${who}" in the catalog's people; known: ${people.join(', ')}. A user id (U…) works too.`,
      );
    } else if (line === ':who') {
      write(`You are ${nameOf(catalog, userId)} (${userId}).`);
    } else if (line) {
      const text = line.replace(/^\/ops\b\s*/, '');
      await engine.run(
        { text, actor: { userId, teamId: CONSOLE_TEAM }, channelId: CONSOLE_CHANNEL, source: 'console' },
        replies,
      );
    }
    prompt();
  }
  rl.close();
}
