/**
 * Alertmanager webhook bodies as Alertmanager 0.27 sends them (notify/webhook: version "4", groupKey,
 * truncatedAlerts, RFC 3339 times with fractions, endsAt of a firing alert at Go's zero time).
 */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface AlertSpec {
  alertname: string;
  labels?: Record<string, string>;
  summary?: string;
  status?: 'firing' | 'resolved';
  fingerprint: string;
  startsAt?: string;
  endsAt?: string;
}

export function notification(options: {
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: AlertSpec[];
  status?: 'firing' | 'resolved';
  truncatedAlerts?: number;
}): Record<string, unknown> {
  const status =
    options.status ?? (options.alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved');
  return {
    receiver: 'opsbot',
    status,
    alerts: options.alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.alertname, ...options.commonLabels, ...a.labels },
      annotations: a.summary ? { summary: a.summary, runbook_url: 'https://runbooks.example.com/x' } : {},
      startsAt: a.startsAt ?? '2026-11-23T14:02:11.318Z',
      endsAt: a.endsAt ?? ZERO_TIME,
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=up&g0.tab=1',
      fingerprint: a.fingerprint,
    })),
    groupLabels: options.groupLabels,
    commonLabels: options.commonLabels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com',
    version: '4',
    groupKey: options.groupKey,
    truncatedAlerts: options.truncatedAlerts ?? 0,
  };
}

export const crashLooping = (service: string, env: string, pods: string[], extra: Partial<AlertSpec> = {}) =>
  notification({
    groupKey: `{}/{severity="critical"}:{alertname="KubePodCrashLooping", service="${service}"}`,
    groupLabels: { alertname: 'KubePodCrashLooping', service },
    commonLabels: {
      alertname: 'KubePodCrashLooping',
      service,
      env,
      namespace: 'neural-hive-mind',
      severity: 'critical',
    },
    alerts: pods.map((pod, i) => ({
      alertname: 'KubePodCrashLooping',
      labels: { pod },
      summary: `Pod neural-hive-mind/${pod} is crash looping`,
      fingerprint: `${service}${i}`.padEnd(16, '0').slice(0, 16),
      ...extra,
    })),
  });

export async function deliver(baseUrl: string, body: unknown, token = 'am-token-0123456789', raw?: string) {
  const response = await fetch(`${baseUrl}/webhooks/alertmanager`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Alertmanager/0.27.0',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
