/**
 * Alertmanager's webhook body, version 4 (prometheus/alertmanager notify/webhook: Message = Data +
 * version, groupKey, truncatedAlerts). Anything else is refused with the first problem found, so a
 * misconfigured receiver is told what is wrong instead of being silently ignored.
 */
import { z } from 'zod';

const labels = z.record(z.string(), z.string());

const alert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labels.refine((l) => typeof l.alertname === 'string' && l.alertname !== '', 'needs an alertname label'),
  annotations: labels.default({}),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.string().default(''),
  generatorURL: z.string().default(''),
  fingerprint: z.string().min(1),
});

export const alertmanagerPayload = z.object({
  version: z.literal('4', 'only version "4" of the Alertmanager webhook is understood'),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels,
  commonLabels: labels,
  commonAnnotations: labels.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(alert).min(1, 'a notification carries at least one alert'),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayload>;
export type Alert = AlertmanagerPayload['alerts'][number];

/** The reason a body is not a v4 notification, for the 400 answer; undefined when it is one. */
export function parseAlertmanager(body: string): { payload: AlertmanagerPayload } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { problem: `the body is not JSON: ${(error as Error).message}` };
  }
  const parsed = alertmanagerPayload.safeParse(json);
  if (parsed.success) return { payload: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  return { problem: `${where}: ${issue?.message ?? 'invalid'}` };
}
