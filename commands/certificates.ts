import { z } from 'zod';
import {
  arg,
  type CertificateFinding,
  checkCertificates,
  checkEndpointCertificates,
  defineCommand,
} from '../src/define.js';

const line = (f: CertificateFinding) => `${f.level.padEnd(8)} ${f.source}: ${f.detail}`;

export default defineCommand({
  name: 'certificates',
  summary: 'Certificate expiry: TLS Secrets and HTTPS health checks; under 30 days WARN, under 7 days CRITICAL.',
  usage: ['certificates prod', 'certificates', 'certificates --problems-only'],
  whenToUse: 'Seed 001 "Certificate Expiring": which certificates need renewing, before users see browser errors.',
  answersAlerts: [{ alert: 'CertificateExpiring', flags: '--problems-only', label: 'Certificates' }],
  args: z.object({
    env: arg.env().optional().describe('one environment (default: all)'),
    problemsOnly: z
      .boolean()
      .optional()
      .describe('say nothing when every certificate is fine (the daily check uses it)'),
  }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    const envs = a.env ? [a.env] : Object.keys(ctx.catalog.environments);
    const findings = [
      ...(await Promise.all(envs.map((env) => checkCertificates(ctx, env)))).flat(),
      ...(await checkEndpointCertificates(ctx)),
    ].sort((x, y) => (x.notAfter?.getTime() ?? 0) - (y.notAfter?.getTime() ?? 0));
    const critical = findings.filter((f) => f.level === 'CRITICAL');
    const warn = findings.filter((f) => f.level === 'WARN');
    const where = a.env ?? `all ${envs.length} environments`;
    if (findings.length === 0) {
      return {
        summary: `No TLS certificates found in ${where} (kubernetes.io/tls Secrets, https:// health checks).`,
        quiet: a.problemsOnly === true,
      };
    }
    const attention = [...critical, ...warn];
    const summary =
      attention.length === 0
        ? `${findings.length} certificates in ${where}, none expiring within 30 days.`
        : `${critical.length} CRITICAL, ${warn.length} WARN of ${findings.length} certificates in ${where}: ${attention
            .slice(0, 2)
            .map((f) => `${f.source} ${f.detail.split(': ').pop()}`)
            .join('; ')}${attention.length > 2 ? '; …' : ''}`;
    return {
      summary,
      details: findings.map(line).join('\n'),
      ok: critical.length === 0,
      ...(a.problemsOnly && attention.length === 0 ? { quiet: true } : {}),
    };
  },
});
