/**
 * What engine-level tests share: a mutating command that only records that it ran (the engine's gates are
 * what is under test), and a directory in which everyone is a full member of team T1.
 */
import { z } from 'zod';
import { arg, defineCommand } from '../../src/define.js';
import type { Directory } from '../../src/runs/authorize.js';

/** `bump <service> <env>`: plans counter 1 → 2, and pushes `service/env/actor` to `ran` when it runs. */
export function bumpCommand(ran: string[]) {
  return defineCommand({
    name: 'bump',
    summary: 'Bump a counter.',
    usage: ['bump api-gateway dev'],
    args: z.object({ service: arg.service(), env: arg.env() }),
    mutates: true,
    requiredRole: 'operator',
    plan: async (_ctx, a) => ({
      summary: `bump ${a.service} in ${a.env}`,
      changes: [{ what: 'counter', from: '1', to: '2' }],
    }),
    run: async (ctx, a) => {
      ran.push(`${a.service}/${a.env}/${ctx.actor.userId}`);
      return { summary: `bumped ${a.service}` };
    },
  });
}

/** Everyone is a full member of T1, except the ids in `gone` (deactivated: Slack knows no such user). */
export function fullMemberDirectory(options: { workspace?: boolean; gone?: ReadonlySet<string> } = {}): Directory {
  return {
    groupMembers: async () => [],
    user: async (id) =>
      options.gone?.has(id) ? undefined : { id, teamId: 'T1', isGuest: false, isBot: false, deleted: false },
    ...(options.workspace ? { workspaceTeamId: 'T1' } : {}),
  };
}
