import { z } from 'zod';
import { arg, defineCommand, refuse, scriptFailed } from '../src/define.js';

/**
 * The runbook scripts /ops run may start: add one entry per script under SCRIPTS_DIR. `params` name its
 * arguments in order (they reach it as argv, never through a shell); `env` lists the variables it may
 * see besides PATH, HOME and LANG; `passEnv` puts the environment's name first, as most seed scripts expect.
 */
const RUNBOOKS: Record<
  string,
  { script: string; summary: string; params: string[]; env?: string[]; passEnv?: boolean }
> = {
  'validate-architecture': {
    script: 'validation/validate_architecture.sh',
    summary: 'Bloco-11 architecture validator on a project (seed 000)',
    params: ['project_path'],
  },
};

const names = Object.keys(RUNBOOKS);

export default defineCommand({
  name: 'run',
  summary: 'Run one of the runbook scripts the operators declared (commands/run.ts), with its output in the thread.',
  whenToUse: `A procedure that is a script and has no command of its own. Runbooks: ${names.join(', ')}.`,
  usage: ['run validate-architecture dev services/api'],
  args: z.object({
    runbook: z.string().describe(`one of: ${names.join(', ')}`),
    env: arg.env(),
    args: z.array(z.string()).default([]).describe('the runbook’s arguments'),
  }),
  mutates: true,
  requiredRole: 'operator',
  async plan(_ctx, a) {
    const runbook = RUNBOOKS[a.runbook];
    if (!runbook) refuse(`There is no runbook "${a.runbook}".`, `Runbooks: ${names.join(', ')}.`);
    if (a.args.length !== runbook.params.length) {
      refuse(
        `${a.runbook} takes ${runbook.params.length} argument${runbook.params.length === 1 ? '' : 's'}, got ${a.args.length}.`,
        `Usage: /ops run ${a.runbook} <env> ${runbook.params.map((p) => `<${p}>`).join(' ')}`,
      );
    }
    const argv = [...(runbook.passEnv ? [a.env] : []), ...a.args];
    return {
      summary: `run ${runbook.script} for ${a.env} (${runbook.summary})`,
      changes: [
        { what: 'script', from: 'not running', to: [runbook.script, ...argv.map((v) => JSON.stringify(v))].join(' ') },
      ],
    };
  },
  async run(ctx, a) {
    const runbook = RUNBOOKS[a.runbook];
    if (!runbook) refuse(`There is no runbook "${a.runbook}".`, `Runbooks: ${names.join(', ')}.`);
    const argv = [...(runbook.passEnv ? [a.env] : []), ...a.args];
    const result = await ctx.scripts.run(runbook.script, argv, {
      ...(runbook.env ? { env: runbook.env } : {}),
      progress: `Running ${a.runbook} for ${a.env}…`,
    });
    if (!result.ok) return scriptFailed(`${a.runbook} for ${a.env}`, result);
    const last = result.output.trimEnd().split('\n').pop() ?? '';
    return {
      summary: `${a.runbook} for ${a.env} succeeded${last ? `: ${last.slice(0, 200)}` : ''}`,
      details: result.output,
    };
  },
});
