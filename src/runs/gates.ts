/**
 * Gates stand between a plan and its execution. Each either lets the run
 * through or throws an OpsError that says why not. The approval engine
 * (issue #4) replaces the production refusal with a request for approval.
 */
import type { CommandDefinition, Plan } from '../define.js';
import { OpsError } from '../errors.js';
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
