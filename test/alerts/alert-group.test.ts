/** Which buttons an alert gets, and the start-time check of commands that declare alerts. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { alertActions, checkAlertAnswers, describeGroup } from '../../src/alerts/alert-group.js';
import { alertmanagerPayload } from '../../src/alerts/alertmanager-payload.js';
import { arg, defineCommand } from '../../src/define.js';
import { loadRegistry } from '../../src/registry/load-registry.js';
import { CONTENT_ROOT } from '../../src/start-opsbot.js';
import { testCatalog } from '../support/run-context.js';
import { crashLooping, notification } from './alertmanager-fixtures.js';

const run = async () => ({ summary: '' });

describe('alert groups', () => {
  it('finds the service from the labels and the environment from env or the cluster label', () => {
    const catalog = testCatalog();
    const byEnv = describeGroup(alertmanagerPayload.parse(crashLooping('worker', 'staging', ['w-1'])), catalog);
    expect(byEnv).toMatchObject({
      alertname: 'KubePodCrashLooping',
      service: 'worker',
      environment: 'staging',
      firing: 1,
    });
    const cluster = Object.entries(catalog.environments).find(([name]) => name === 'prod')?.[1].kubeContext as string;
    const byCluster = notification({
      groupKey: 'k',
      groupLabels: {},
      commonLabels: { alertname: 'HighErrorRate', deployment: 'api-gateway', cluster },
      alerts: [{ alertname: 'HighErrorRate', fingerprint: '1' }],
    });
    expect(describeGroup(alertmanagerPayload.parse(byCluster), catalog)).toMatchObject({
      service: 'api-gateway',
      environment: 'prod',
    });
    const unknown = notification({
      groupKey: 'k',
      groupLabels: {},
      commonLabels: { alertname: 'Watchdog' },
      alerts: [{ alertname: 'Watchdog', fingerprint: '2' }],
    });
    const group = describeGroup(alertmanagerPayload.parse(unknown), catalog);
    expect(group.service).toBeUndefined();
    expect(alertActions(group, [])).toEqual([
      { label: 'Declare incident', command: 'incident declare sev3 "Watchdog"', style: 'primary' },
    ]);
  });

  it('every shipped command that answers alerts takes service and env first', async () => {
    const registry = await loadRegistry(CONTENT_ROOT);
    expect(() => checkAlertAnswers(registry.commands)).not.toThrow();
    expect(registry.commands.filter((c) => c.answersAlerts?.length).map((c) => c.name)).toEqual([
      'diagnose',
      'logs',
      'restart',
      'rollback',
      'status',
    ]);
  });

  it('stops the start when a command answering alerts does not take service and env first', () => {
    const backup = defineCommand({
      name: 'backup',
      summary: 'b',
      usage: ['backup prod'],
      args: z.object({ env: arg.env() }),
      mutates: false,
      requiredRole: 'viewer',
      answersAlerts: ['BackupMissing'],
      run,
    });
    expect(() => checkAlertAnswers([backup])).toThrow(
      'backup: answersAlerts needs a command whose first two arguments are arg.service() and arg.env().',
    );
  });
});
