import { z } from 'zod';
import { defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'whoami',
  summary: 'Show who opsbot thinks you are and which roles you hold.',
  usage: ['whoami'],
  args: z.object({}),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx) {
    const { userId, teamId, roles } = ctx.actor;
    const person = Object.entries(ctx.catalog.people ?? {}).find(([, ids]) => ids.includes(userId))?.[0];
    const lines = [
      `user:   <@${userId}> (${userId} in team ${teamId})`,
      `person: ${person ?? '(not in the catalog’s people map)'}`,
      `roles:  ${roles.length ? roles.join(', ') : 'none'}`,
    ];
    return { summary: `You are ${person ?? userId}; roles: ${roles.join(', ') || 'none'}`, details: lines.join('\n') };
  },
});
