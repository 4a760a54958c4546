/**
 * Gates stand between a plan and its execution. Each either lets the run
 * through or throws an OpsError that says why not. The approval engine
 * (issue #4) replaces the production refusal with a request for approval.
 */
import { activeFreeze, type Catalog } from '../catalog.js';
import type { CommandDefinition, Plan } from '../define.js';
import { OpsError } from '../errors.js';
import type { Db } from '../store/db.js';
import { activeFreezes } from '../store/freezes.js';
import type { EngineFlags } from './bind-args.js';

export interface GateInput {
  command: CommandDefinition;
  env: string | undefined;
  production: boolean;
  plan: Plan;
  flags: EngineFlags;
  request: { actor: { userId: string } };
}

export type Gate = (input: GateInput) => Promise<void>;

/** Until a second person can approve, a production change is refused and nothing runs. */
export const refuseProductionMutations: Gate = async ({ command, env, production }) => {
  if (!production) return;
  throw new OpsError('refused', `Nothing was changed: ${command.name} in ${env} needs a second person's approval.`, {
    hint: `Run it in a non-production environment, or use --dry-run to see the plan.`,
  });
};

const until = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * A change freeze (from the catalog or /ops freeze) blocks changes in its environment. Break-glass is the
 * emergency path a freeze must not close (APPROVALS.md case 21): it is announced and reviewed instead.
 */
export function refuseDuringFreeze(db: Db, catalog: Catalog): Gate {
  return async ({ command, env, flags }) => {
    if (!env || flags.breakGlass !== undefined) return;
    const declared = activeFreeze(catalog, env, new Date());
    const stored = declared ? undefined : (await activeFreezes(db, env))[0];
    const freeze = declared
      ? { reason: declared.reason, to: declared.to }
      : stored && { reason: stored.reason, to: stored.endsAt };
    if (!freeze) return;
    throw new OpsError(
      'refused',
      `Nothing was changed: ${env} is frozen until ${until(freeze.to)} (${freeze.reason}), so ${command.name} cannot run there.`,
      {
        hint: `/ops freeze list shows the freezes; an operator can lift a Slack freeze with /ops unfreeze ${env}.`,
      },
    );
  };
}
