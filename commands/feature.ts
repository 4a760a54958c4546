import { z } from 'zod';
import { arg, defineCommand, type RunContext, refuse, scriptFailed } from '../src/define.js';

const known = async (ctx: RunContext, env: string): Promise<Map<string, string>> => {
  const list = await ctx.scripts.run('features/list_features.sh', [env], { env: ['FEATURES_FILE'] });
  if (!list.ok) refuse(`Could not read the feature flags of ${env}: ${list.excerpt.split('\n').pop()}`);
  return new Map(
    list.output
      .split('\n')
      .flatMap((line) => (/^\S+ (enabled|disabled)$/.test(line) ? [line.split(' ') as [string, string]] : [])),
  );
};

export default defineCommand({
  name: 'feature',
  summary: 'Turn a feature flag on or off in an environment (features.yaml, seed 000 toggle_feature.sh).',
  whenToUse: 'A canary release, turning off a feature with bugs, or opening a beta.',
  usage: ['feature external_gpu disable prod', 'feature new_checkout enable staging'],
  args: z.object({
    name: z.string().min(1).max(100).describe('the flag’s name in features.yaml'),
    state: z.enum(['enable', 'disable']),
    env: arg.env(),
  }),
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, a) {
    const flags = await known(ctx, a.env);
    const current = flags.get(a.name);
    if (current === undefined) {
      refuse(
        `There is no feature flag "${a.name}" in ${a.env}.`,
        `Known flags: ${[...flags.keys()].join(', ') || 'none'}.`,
      );
    }
    const wanted = a.state === 'enable' ? 'enabled' : 'disabled';
    if (current === wanted) refuse(`${a.name} is already ${wanted} in ${a.env}; nothing to change.`);
    return {
      summary: `${a.state} ${a.name} in ${a.env}`,
      changes: [{ what: `feature ${a.name}`, from: current, to: wanted }],
    };
  },
  async run(ctx, a) {
    const result = await ctx.scripts.run('features/toggle_feature.sh', [a.name, a.state, a.env], {
      env: ['FEATURES_FILE'],
      progress: `Turning ${a.name} ${a.state === 'enable' ? 'on' : 'off'} in ${a.env}…`,
    });
    if (!result.ok) return scriptFailed(`feature ${a.name} ${a.state} in ${a.env}`, result);
    const done = result.output.split('\n').findLast((line) => line.startsWith('Feature '));
    return { summary: done ?? `Feature ${a.name} was ${a.state}d in ${a.env}.`, details: result.output };
  },
});
