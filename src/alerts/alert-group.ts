/**
 * What an Alertmanager group is about, in catalog terms: the alert name, the catalog service and
 * environment its labels name (when they name one), and the runbook buttons that fit it.
 */
import type { Catalog } from '../catalog.js';
import type { CommandDefinition, NextAction } from '../define.js';
import { OpsError } from '../errors.js';
import { fieldsOf } from '../runs/schema-fields.js';
import type { AlertmanagerPayload } from './alertmanager-payload.js';

export interface AlertGroup {
  groupKey: string;
  alertname: string;
  service?: string;
  environment?: string;
  status: 'firing' | 'resolved';
  firing: number;
  resolved: number;
  /** Alerts Alertmanager left out of this notification (max_alerts). */
  truncated: number;
  severity?: string;
  summary: string;
}

const SERVICE_LABELS = ['service', 'deployment', 'app', 'app_kubernetes_io_name', 'container', 'job'];
const ENV_LABELS = ['env', 'environment'];

function pick(labels: Record<string, string>, keys: string[], accept: (v: string) => boolean): string | undefined {
  for (const key of keys) {
    const value = labels[key];
    if (value && accept(value)) return value;
  }
  return undefined;
}

export function describeGroup(payload: AlertmanagerPayload, catalog: Catalog): AlertGroup {
  const first = payload.alerts[0] as AlertmanagerPayload['alerts'][number];
  const labels = { ...first.labels, ...payload.commonLabels };
  const service = pick(labels, SERVICE_LABELS, (v) => v in catalog.services);
  const byContext = Object.entries(catalog.environments).find(([, e]) => e.kubeContext === labels.cluster)?.[0];
  const environment = pick(labels, ENV_LABELS, (v) => v in catalog.environments) ?? byContext;
  const firing = payload.alerts.filter((a) => a.status === 'firing').length;
  const annotations = { ...first.annotations, ...payload.commonAnnotations };
  return {
    groupKey: payload.groupKey,
    alertname: labels.alertname ?? 'alert',
    ...(service ? { service } : {}),
    ...(environment ? { environment } : {}),
    status: payload.status,
    firing,
    resolved: payload.alerts.length - firing,
    truncated: payload.truncatedAlerts,
    ...(labels.severity ? { severity: labels.severity } : {}),
    summary: annotations.summary ?? annotations.description ?? annotations.message ?? '',
  };
}

const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The commands that declare they answer this alert, run on its service and environment (or, for a command that
 * takes an environment first, on its environment alone); then "Declare incident".
 */
export function alertActions(group: AlertGroup, commands: readonly CommandDefinition[]): NextAction[] {
  const actions: NextAction[] = [];
  const fitting = commands
    .flatMap((c) =>
      (c.answersAlerts ?? [])
        .map((a) => (typeof a === 'string' ? { alert: a } : a))
        .filter((a) => a.alert === group.alertname)
        .map((a) => ({ command: c, answer: a })),
    )
    // Looking comes before changing.
    .sort((x, y) => Number(x.command.mutates) - Number(y.command.mutates));
  for (const { command, answer } of fitting) {
    const target =
      alertTarget(command) === 'env'
        ? group.environment
        : group.service && group.environment && `${group.service} ${group.environment}`;
    if (!target) continue;
    const flags = answer.flags ? ` ${answer.flags}` : '';
    actions.push({
      label: answer.label ?? `${title(command.name)}${flags}`,
      command: `${command.name} ${target}${flags}`,
      ...(answer.style ? { style: answer.style } : command.mutates ? { style: 'danger' as const } : {}),
    });
  }
  const severity = group.severity === 'critical' || group.severity === 'page' ? 'sev2' : 'sev3';
  const name = `${group.alertname}${group.service ? ` on ${group.service}` : ''}`.replace(/["“”]/g, '');
  const where = `${group.service ? ` --service ${group.service}` : ''}${group.environment ? ` --env ${group.environment}` : ''}`;
  // Slack shows five buttons a row: four runbook actions at most, and always the way to declare.
  return [
    ...actions.slice(0, 4),
    { label: 'Declare incident', command: `incident declare ${severity} "${name}"${where}`, style: 'primary' },
  ];
}

/** What a command's alert button names first: a service and environment, or an environment alone. */
function alertTarget(c: CommandDefinition): 'service-env' | 'env' | undefined {
  const [first, second] = fieldsOf(c.args, c.positional).filter((f) => f.positional);
  if (first?.catalog === 'service' && second?.catalog === 'environment') return 'service-env';
  if (first?.catalog === 'environment') return 'env';
  return undefined;
}

/**
 * A button runs `<command> <service> <env>` (or `<command> <env>`): a command that answers alerts must take a
 * catalog service and environment, or an environment, as its first positional arguments. Checked at start, so a
 * wrong one stops opsbot with its name instead of posting buttons that fail when clicked.
 */
export function checkAlertAnswers(commands: readonly CommandDefinition[]): void {
  const wrong = commands.filter((c) => c.answersAlerts?.length && !alertTarget(c));
  if (wrong.length > 0)
    throw new OpsError(
      'config',
      `${wrong.map((c) => c.name).join(', ')}: answersAlerts needs a command whose first arguments are arg.service() and arg.env(), or arg.env().`,
      {
        hint: 'Remove answersAlerts from it, or put service and env (or env) first in its args.',
      },
    );
}
