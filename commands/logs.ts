import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'logs',
  summary: 'Show the recent logs of a service’s pods (secrets hidden); long output comes as a file.',
  whenToUse: 'A pod crashes or misbehaves: --previous shows the container that died (seed 001 CrashLoopBackOff).',
  usage: [
    'logs api-gateway prod',
    'logs worker dev --previous',
    'logs neural-engine staging --container model-sync --tail 500 --since 10m',
    'logs worker dev --pod worker-7d9f-abcde',
  ],
  args: z.object({
    service: arg.service(),
    env: arg.env(),
    previous: z.boolean().default(false).describe('the container before the last restart'),
    pod: z.string().optional().describe('one pod by name (default: all)'),
    container: z.string().optional(),
    tail: z.coerce.number().int().min(1).max(5_000).default(100),
    since: arg.duration().optional().describe('only lines newer than this, e.g. 10m'),
  }),
  positional: 2,
  answersAlerts: [{ alert: 'KubePodCrashLooping', flags: '--previous', label: 'Logs (previous)' }],
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    const target = { ...ctx.target(a.service, a.env), ...(a.container ? { container: a.container } : {}) };
    const logs = await ctx.k8s.podLogs(target, {
      previous: a.previous,
      ...(a.pod ? { pod: a.pod } : {}),
      tailLines: a.tail,
      ...(a.container ? { container: a.container } : {}),
      ...(a.since ? { sinceSeconds: Math.ceil(a.since / 1000) } : {}),
    });
    if (logs.length === 0) return { summary: `${a.service} in ${a.env} has no pods.`, ok: false };
    const sections = logs.map(
      (l) =>
        `==> ${l.pod}/${l.container}${a.previous ? ' (previous)' : ''} <==\n${l.error ? `(${l.error})` : l.text.trimEnd() || '(no output)'}`,
    );
    const lines = logs.reduce((n, l) => n + (l.text ? l.text.trimEnd().split('\n').length : 0), 0);
    const pods = new Set(logs.map((l) => l.pod)).size;
    return {
      summary: `${a.service} in ${a.env}: ${lines} log lines from ${pods} pod${pods === 1 ? '' : 's'}${a.previous ? ' (previous containers)' : ''}`,
      details: sections.join('\n\n'),
    };
  },
});
