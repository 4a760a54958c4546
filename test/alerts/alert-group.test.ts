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

  it('every shipped command that answers alerts takes service and env (or env) first', async () => {
    const registry = await loadRegistry(CONTENT_ROOT);
    expect(() => checkAlertAnswers(registry.commands)).not.toThrow();
    expect(registry.commands.filter((c) => c.answersAlerts?.length).map((c) => c.name)).toEqual([
      'certificates',
      'diagnose',
      'logs',
      'restart',
      'rollback',
      'status',
    ]);
  });

  it('a command taking an environment first gets a button on the alert’s environment', () => {
    const backups = defineCommand({
      name: 'backups',
      summary: 'b',
      usage: ['backups prod'],
      args: z.object({ env: arg.env() }),
      mutates: false,
      requiredRole: 'viewer',
      answersAlerts: [{ alert: 'BackupMissing', flags: '--all' }],
      run,
    });
    expect(() => checkAlertAnswers([backups])).not.toThrow();
    const group = { alertname: 'BackupMissing', environment: 'prod' } as Parameters<typeof alertActions>[0];
    expect(alertActions(group, [backups])[0]).toEqual({ label: 'Backups --all', command: 'backups prod --all' });
  });

  it('stops the start when a command answering alerts takes neither service and env nor env first', () => {
    const verify = defineCommand({
      name: 'verify',
      summary: 'b',
      usage: ['verify x'],
      args: z.object({ id: z.string() }),
      mutates: false,
      requiredRole: 'viewer',
      answersAlerts: ['BackupMissing'],
      run,
    });
    expect(() => checkAlertAnswers([verify])).toThrow(
      'verify: answersAlerts needs a command whose first arguments are arg.service() and arg.env(), or arg.env().',
    );
  });
});
