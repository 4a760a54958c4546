/**
 * Reminders with a controllable clock: a SEV1 with no status update for 30 minutes nudges its
 * commander once per 30 minutes; an update restarts the count; resolving stops it; a SEV3 is never
 * nudged; two replicas checking at the same moment post one nudge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/incidents/incident-store.js';
import { DEFAULT_REMINDERS, type ReminderDeps, sendDueReminders } from '../../src/incidents/reminders.js';
import { createSlackIncidentChat } from '../../src/slack/slack-incident-chat.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import { PEOPLE, slash } from './incident-support.js';

const MIN = 60_000;
let t: TestOpsbot;
let deps: ReminderDeps;
beforeAll(async () => {
  t = await startTestOpsbot({ users: PEOPLE });
  const client = t.opsbot.slack?.client as NonNullable<TestOpsbot['opsbot']['slack']>['client'];
  deps = {
    db: t.testDb.db,
    chat: createSlackIncidentChat(client, t.logs.logger),
    intervals: DEFAULT_REMINDERS,
    logger: t.logs.logger,
  };
});
afterAll(async () => t?.close());

async function declare(severity: string, title: string) {
  const answer = await slash(t, `incident declare ${severity} ${title} --commander <@U0BOB|bob>`, 'U0ALICE');
  const [, id = '', channel = ''] = answer.match(/^(INC-\d+) SEV\d declared: <#(C\w+)>/) ?? [];
  const incident = await getIncident(t.testDb.db, id);
  return { id, channel, declaredAt: incident?.lastUpdateAt as Date };
}
const nudges = (channel: string) => t.slack.messagesIn(channel).filter((m) => m.text.startsWith(':alarm_clock:'));

describe('incident reminders', () => {
  it('nudges the commander after 30 minutes without an update, every 30 minutes, restarts on an update and stops on resolve', async () => {
    const sev1 = await declare('sev1', 'payments down');
    const sev3 = await declare('sev3', 'slow admin page');
    const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * MIN);

    expect(await sendDueReminders(deps, at(sev1.declaredAt, 29))).toEqual([]);
    expect(await sendDueReminders(deps, at(sev1.declaredAt, 30))).toEqual([sev1.id]);
    expect(nudges(sev1.channel).map((m) => m.text)).toEqual([
      `:alarm_clock: <@U0BOB> no status update on ${sev1.id} for 30 min. Post one: \`/ops incident status identified "…"\``,
    ]);
    // Two replicas checking the same minute, and later checks before the next interval: nothing more.
    const [a, b] = await Promise.all([
      sendDueReminders(deps, at(sev1.declaredAt, 31)),
      sendDueReminders(deps, at(sev1.declaredAt, 31)),
    ]);
    expect([...a, ...b]).toEqual([]);
    expect(await sendDueReminders(deps, at(sev1.declaredAt, 59))).toEqual([]);
    expect(await sendDueReminders(deps, at(sev1.declaredAt, 60))).toEqual([sev1.id]);
    expect(nudges(sev1.channel).at(-1)?.text).toContain('for 60 min');

    // A status update restarts the count from the update's own time.
    await slash(t, 'incident status identified card processor timeouts', 'U0BOB', sev1.channel);
    const updatedAt = (await getIncident(t.testDb.db, sev1.id))?.lastUpdateAt as Date;
    expect(await sendDueReminders(deps, at(updatedAt, 29))).toEqual([]);
    expect(await sendDueReminders(deps, at(updatedAt, 30))).toEqual([sev1.id]);
    expect(nudges(sev1.channel)).toHaveLength(3);

    // Resolved: no more nudges. The SEV3 was never nudged.
    await slash(t, 'incident resolve processor failover done', 'U0BOB', sev1.channel);
    expect(await sendDueReminders(deps, at(updatedAt, 600))).toEqual([]);
    expect(nudges(sev1.channel)).toHaveLength(3);
    expect(nudges(sev3.channel)).toHaveLength(0);

    // Each nudge is on the timeline, at the clock's time, by opsbot.
    const { rows } = await t.testDb.db.query<{ at: Date; actor: string }>(
      `select at, actor from timeline_events where incident_id = $1 and kind = 'incident.reminder' order by id`,
      [sev1.id],
    );
    expect(rows.map((r) => [r.actor, r.at.getTime()])).toEqual([
      ['opsbot', at(sev1.declaredAt, 30).getTime()],
      ['opsbot', at(sev1.declaredAt, 60).getTime()],
      ['opsbot', at(updatedAt, 30).getTime()],
    ]);
  });

  it('follows the catalog: a severity set to off is never nudged', async () => {
    const off: ReminderDeps = { ...deps, intervals: { ...DEFAULT_REMINDERS, SEV2: 0 } };
    const sev2 = await declare('sev2', 'search degraded');
    expect(await sendDueReminders(off, new Date(sev2.declaredAt.getTime() + 120 * MIN))).toEqual([]);
    expect(await sendDueReminders(deps, new Date(sev2.declaredAt.getTime() + 120 * MIN))).toEqual([sev2.id]);
  });
});
