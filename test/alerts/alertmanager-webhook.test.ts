/**
 * POST /webhooks/alertmanager on the real opsbot (HTTP, real PostgreSQL, fake Slack): a real v4
 * notification with several alerts and its runbook buttons, a duplicate, a resolve that edits the same
 * message, a wrong token, bad payloads, and routing into an open incident's channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/incidents/incident-store.js';
import { listTimeline } from '../../src/incidents/timeline-store.js';
import { listAudit } from '../../src/store/audit.js';
import { auditRow, PEOPLE } from '../incidents/incident-support.js';
import { blockActionsPayload } from '../support/slack-requests.js';
import { startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';
import { crashLooping, deliver, notification } from './alertmanager-fixtures.js';

const TOKEN = 'am-token-0123456789';
let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({ users: PEOPLE, env: { ALERTMANAGER_TOKEN: TOKEN } });
  // The catalog's placeholder id is shorter than Slack's; the fake accepts channels it knows.
  t.slack.setChannel({ id: 'C0ALERTS', name: 'alerts' });
});
afterAll(async () => t?.close());

const alertsChannel = () => t.slack.messagesIn('C0ALERTS');
const buttons = (blocks: unknown) =>
  (
    (
      blocks as Array<{ type: string; elements?: Array<{ text: { text: string }; value: string; style?: string }> }>
    ).find((b) => b.type === 'actions')?.elements ?? []
  ).map((e) => [e.text.text, e.value, e.style ?? '']);

describe('the Alertmanager webhook', () => {
  it('refuses a wrong or missing token with 401 and posts nothing', async () => {
    const body = crashLooping('worker', 'prod', ['worker-1']);
    expect((await deliver(t.baseUrl, body, 'not-the-token')).status).toBe(401);
    expect((await deliver(t.baseUrl, body, '')).status).toBe(401);
    expect(alertsChannel()).toHaveLength(0);
  });

  it('answers a bad payload with 400 and the reason', async () => {
    expect(await deliver(t.baseUrl, undefined, TOKEN, '{"version": "4", ')).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^not an Alertmanager v4 notification: the body is not JSON/) },
    });
    const v3 = { ...crashLooping('worker', 'prod', ['worker-1']), version: '3' };
    expect((await deliver(t.baseUrl, v3)).body.error).toBe(
      'not an Alertmanager v4 notification: version: only version "4" of the Alertmanager webhook is understood',
    );
    const nameless = crashLooping('worker', 'prod', ['worker-1']) as {
      alerts: Array<{ labels: Record<string, string> }>;
    };
    delete nameless.alerts[0]?.labels.alertname;
    expect((await deliver(t.baseUrl, nameless)).body.error).toBe(
      'not an Alertmanager v4 notification: alerts.0.labels: needs an alertname label',
    );
    expect((await deliver(t.baseUrl, { ...v3, version: '4', alerts: [] })).body.error).toMatch(
      /alerts: a notification carries at least one alert/,
    );
    expect(alertsChannel()).toHaveLength(0);
  });

  it('posts a group of several alerts once with the runbook buttons that fit, ignores a duplicate, and edits the same message on resolve', async () => {
    const firing = crashLooping('worker', 'prod', ['worker-7d9f-a', 'worker-7d9f-b', 'worker-7d9f-c']);
    expect(await deliver(t.baseUrl, firing)).toEqual({ status: 200, body: { status: 'posted' } });
    const [message] = alertsChannel();
    expect(message?.text).toBe(':fire: KubePodCrashLooping on worker (prod): 3 firing');
    expect(JSON.stringify(message?.blocks)).toContain(
      'Pod neural-hive-mind/worker-7d9f-b is crash looping (since 14:02 UTC)',
    );
    expect(buttons(message?.blocks)).toEqual([
      ['Diagnose', 'diagnose worker prod', ''],
      ['Logs (previous)', 'logs worker prod --previous', ''],
      ['Restart', 'restart worker prod', 'danger'],
      [
        'Declare incident',
        'incident declare sev2 "KubePodCrashLooping on worker" --service worker --env prod',
        'primary',
      ],
    ]);

    // Alertmanager retries and HA peers deliver the same notification again: nothing new is posted.
    expect(await deliver(t.baseUrl, firing)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0ALERTS')).toHaveLength(1);

    // One pod recovers, then all do: the same message is edited each time, and the buttons go.
    const partly = crashLooping('worker', 'prod', ['worker-7d9f-a', 'worker-7d9f-b', 'worker-7d9f-c']) as {
      alerts: Array<{ status: string; endsAt: string }>;
    };
    Object.assign(partly.alerts[0] as object, { status: 'resolved', endsAt: '2026-11-23T14:20:41.5Z' });
    expect((await deliver(t.baseUrl, partly)).body).toEqual({ status: 'updated' });
    expect(alertsChannel()[0]?.text).toBe(':fire: KubePodCrashLooping on worker (prod): 2 firing, 1 resolved');
    const resolved = crashLooping('worker', 'prod', ['worker-7d9f-a', 'worker-7d9f-b', 'worker-7d9f-c'], {
      status: 'resolved',
      endsAt: '2026-11-23T14:25:00Z',
    });
    expect((await deliver(t.baseUrl, resolved)).body).toEqual({ status: 'updated' });
    const edited = alertsChannel();
    expect(edited).toHaveLength(1);
    expect(edited[0]?.ts).toBe(message?.ts);
    expect(edited[0]?.text).toBe(':white_check_mark: RESOLVED KubePodCrashLooping on worker (prod)');
    expect(edited[0]?.edits).toBe(2);
    expect(buttons(edited[0]?.blocks)).toEqual([]);
    expect((await listAudit(t.testDb.db, { actor: 'alertmanager', limit: 10 })).map((e) => e.kind)).toEqual([
      'alert.resolved',
      'alert.firing',
      'alert.firing',
    ]);

    // Hours later the same group fires again: a new message, where people will see it; the old one stays resolved.
    const again = crashLooping('worker', 'prod', ['worker-8a1c-z'], { startsAt: '2026-11-23T18:00:00Z' });
    expect((await deliver(t.baseUrl, again)).body).toEqual({ status: 'posted' });
    expect(alertsChannel().map((m) => m.text)).toEqual([
      ':white_check_mark: RESOLVED KubePodCrashLooping on worker (prod)',
      ':fire: KubePodCrashLooping on worker (prod): 1 firing',
    ]);
  });

  it('runs a button as the person who clicked it, declares an incident from the alert, and then routes that service’s alerts to the incident channel and timeline', async () => {
    const body = notification({
      groupKey: '{}/{severity="critical"}:{alertname="HighErrorRate", service="api-gateway"}',
      groupLabels: { alertname: 'HighErrorRate' },
      commonLabels: { alertname: 'HighErrorRate', service: 'api-gateway', env: 'staging', severity: 'critical' },
      alerts: [{ alertname: 'HighErrorRate', fingerprint: 'a1b2c3d4e5f60718', summary: '5xx ratio 12% over 5m' }],
    });
    await deliver(t.baseUrl, body);
    const message = alertsChannel().find((m) => m.text.includes('HighErrorRate'));
    expect(buttons(message?.blocks).map(([label, value]) => `${label}=${value}`)).toEqual([
      'Status=status api-gateway staging',
      'Rollback=rollback api-gateway staging',
      'Declare incident=incident declare sev2 "HighErrorRate on api-gateway" --service api-gateway --env staging',
    ]);
    const click = (index: number) =>
      t.interact(
        blockActionsPayload({
          userId: 'U0BOB',
          teamId: TEAM,
          triggerId: t.slack.triggerId(),
          responseUrl: t.slack.responseUrl(),
          actionId: `ops_run:${index}`,
          message: message as never,
        }),
      );
    expect((await click(0)).status).toBe(200);
    await auditRow(t, { actor: 'U0BOB', command: 'status', kind: 'command.succeeded' });
    expect((await click(2)).status).toBe(200);
    const declared = await auditRow(t, { actor: 'U0BOB', kind: 'incident.declared' });
    const incidentId = String(declared.payload.incident);
    const create = await t.slack.waitFor('conversations.create', (c) =>
      String(c.args.name).endsWith('-higherrorrate-on-api-gateway'),
    );
    const incidentChannel = (create.response.channel as { id: string }).id;
    // The declaration goes on after conversations.create (invites, topic, pin); alerts route once it has a channel.
    await expect
      .poll(async () => (await getIncident(t.testDb.db, incidentId))?.channelId, { timeout: 10_000 })
      .toBe(incidentChannel);

    // The next alert on api-gateway in staging goes to the incident's channel and onto its timeline.
    await deliver(
      t.baseUrl,
      notification({
        groupKey: '{}/{}:{alertname="HighLatency", service="api-gateway"}',
        groupLabels: { alertname: 'HighLatency' },
        commonLabels: { alertname: 'HighLatency', service: 'api-gateway', env: 'staging' },
        alerts: [{ alertname: 'HighLatency', fingerprint: '0badc0ffee000001', summary: 'p99 2.3s' }],
      }),
    );
    const routed = t.slack.messagesIn(incidentChannel).find((m) => m.text.includes('HighLatency'));
    expect(routed?.text).toBe(':fire: HighLatency on api-gateway (staging): 1 firing');
    const timeline = await listTimeline(t.testDb.db, incidentId);
    expect(
      timeline.filter((e) => e.kind === 'alert.firing').map((e) => [e.actor, e.payload.alertname, e.target]),
    ).toEqual([['alertmanager', 'HighLatency', 'api-gateway']]);
    expect(t.slack.violations).toEqual([]);
  });
});
