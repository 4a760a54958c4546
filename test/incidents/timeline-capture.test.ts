/**
 * The timeline fills itself: commands typed anywhere on the incident's service (in its environment)
 * while it is open; messages added with 📌 or the "Add to timeline" shortcut, with their author and
 * time; and nothing can rewrite it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTimeline } from '../../src/incidents/timeline-store.js';
import { runTick } from '../../src/scheduler/run-tick.js';
import { postEvent, postInteraction } from '../support/slack-requests.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import { auditRow, PEOPLE, SIGNING_SECRET, slash, TEAM } from './incident-support.js';

let t: TestOpsbot;
let id: string;
let channel: string;
beforeAll(async () => {
  t = await startTestOpsbot({ users: PEOPLE });
  const declared = await slash(t, 'incident declare sev1 "queue backlog" --service worker --env dev', 'U0ALICE');
  [, id = '', channel = ''] = declared.match(/^(INC-\d+) SEV1 declared: <#(C\w+)>/) ?? [];
});
afterAll(async () => t?.close());

const kinds = async () =>
  (await listTimeline(t.testDb.db, id)).map((e) => `${e.kind} ${e.actor} ${e.payload.text ?? ''}`);

describe('timeline capture', () => {
  it('records commands run outside the incident channel on its service and environment, and nothing else', async () => {
    await slash(t, 'status worker dev', 'U0CAROL'); // another channel, the incident's service: in
    await slash(t, 'status worker staging', 'U0CAROL'); // another environment: out
    await slash(t, 'status backend dev', 'U0CAROL'); // another service: out
    await slash(t, 'statsu worker dev', 'U0CAROL'); // a typo is not an event
    await slash(t, 'restart worker dev', 'U0BOB', undefined, { answer: false });
    await auditRow(t, { actor: 'U0BOB', command: 'restart', kind: 'command.succeeded' });
    expect(await kinds()).toEqual([
      'incident.declared U0ALICE ',
      'command.succeeded U0CAROL status worker dev',
      'command.started U0BOB restart worker dev',
      'command.succeeded U0BOB restart worker dev',
    ]);
  });

  it('records a schedule run that touched the incident’s service, as the schedule', async () => {
    const schedule = {
      name: 'nightly-restart',
      cron: '0 3 * * *',
      command: 'restart',
      args: { service: 'worker', env: 'dev' },
    };
    const tick = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await runTick(
      {
        engine: t.opsbot.engine,
        db: t.testDb.db,
        logger: t.logs.logger,
        replica: 'replica-test',
        repliesFor: () => ({ send: async () => {}, progress: async () => {} }),
      },
      schedule,
      tick,
    );
    const scheduled = (await listTimeline(t.testDb.db, id)).filter((e) => e.actor === 'schedule:nightly-restart');
    expect(scheduled.map((e) => [e.kind, e.command, e.target, e.environment, e.payload.source])).toEqual([
      ['command.started', 'restart', 'worker', 'dev', 'schedule'],
      ['command.succeeded', 'restart', 'worker', 'dev', 'schedule'],
    ]);
    const { rows } = await t.testDb.db.query<{ state: string; runId: string }>(
      `select state, run_id as "runId" from schedule_runs where schedule = 'nightly-restart' and tick = $1`,
      [tick],
    );
    expect(rows).toEqual([{ state: 'succeeded', runId: scheduled[1]?.requestId }]);
  });

  it('adds a 📌 message and a shortcut message with their author and original time, once each', async () => {
    const writtenAt = Math.floor(Date.now() / 1000) - 120;
    const human = {
      type: 'message',
      user: 'U0CAROL',
      text: 'customers in EU see 502s',
      ts: `${writtenAt}.000200`,
      team: TEAM,
    };
    t.slack.handle('conversations.history', (args) =>
      args.channel === channel && args.latest === human.ts
        ? { ok: true, messages: [human], has_more: false, pin_count: 1 }
        : { ok: true, messages: [], has_more: false },
    );
    const pin = (eventId: string) => ({
      token: 'unused',
      team_id: TEAM,
      api_app_id: 'A01OPSBOT1',
      type: 'event_callback',
      event_id: eventId,
      event_time: writtenAt + 60,
      event: {
        type: 'reaction_added',
        user: 'U0BOB',
        reaction: 'pushpin',
        item_user: 'U0CAROL',
        item: { type: 'message', channel, ts: human.ts },
        event_ts: `${writtenAt + 60}.000100`,
      },
    });
    expect((await postEvent(t.eventsUrl, SIGNING_SECRET, pin('Ev01PIN'))).status).toBe(200);
    // Slack retries an event it thinks was not delivered; another pin of the same message adds nothing either.
    await postEvent(t.eventsUrl, SIGNING_SECRET, pin('Ev01PIN'), { retryNum: 1, retryReason: 'http_timeout' });
    await postEvent(t.eventsUrl, SIGNING_SECRET, pin('Ev02PIN'));

    const responseUrl = t.slack.responseUrl();
    const shortcut = {
      type: 'message_action',
      token: 'unused',
      action_ts: `${Date.now() / 1000}`,
      team: { id: TEAM, domain: 'opsbot-test' },
      user: { id: 'U0ALICE', name: 'alice', team_id: TEAM },
      channel: { id: channel, name: 'inc' },
      callback_id: 'add_to_timeline',
      trigger_id: t.slack.triggerId(),
      message_ts: `${writtenAt + 30}.000300`,
      message: { type: 'message', user: 'U0BOB', text: 'rolling worker pods now', ts: `${writtenAt + 30}.000300` },
      response_url: responseUrl,
    };
    expect((await postInteraction(t.eventsUrl, SIGNING_SECRET, shortcut)).status).toBe(200);
    const answer = await t.slack.waitForResponse((p) => responseUrl.endsWith(p.id));
    expect((answer.body as { text: string }).text).toBe(`Added to ${id}’s timeline.`);

    const messages = (await listTimeline(t.testDb.db, id)).filter((e) => e.kind === 'incident.message');
    expect(messages.map((e) => [e.actor, e.payload.text, e.payload.addedBy, e.at.getTime()])).toEqual([
      ['U0CAROL', 'customers in EU see 502s', 'U0BOB', writtenAt * 1000],
      ['U0BOB', 'rolling worker pods now', 'U0ALICE', (writtenAt + 30) * 1000],
    ]);

    // A reply in a thread is not in the channel history: it is read from its thread.
    const reply = {
      type: 'message',
      user: 'U0ALICE',
      text: 'EU edge nodes restarted',
      ts: `${writtenAt + 45}.000400`,
      thread_ts: human.ts,
    };
    t.slack.handle('conversations.replies', (args) =>
      args.channel === channel && args.ts === reply.ts
        ? { ok: true, messages: [human, reply], has_more: false }
        : { ok: false, error: 'thread_not_found' },
    );
    const pinReply = {
      ...pin('Ev03PIN'),
      event: { ...pin('Ev03PIN').event, item_user: 'U0ALICE', item: { type: 'message', channel, ts: reply.ts } },
    };
    expect((await postEvent(t.eventsUrl, SIGNING_SECRET, pinReply)).status).toBe(200);
    await expect
      .poll(async () => (await listTimeline(t.testDb.db, id)).filter((e) => e.kind === 'incident.message').length)
      .toBe(3);
    const added = (await listTimeline(t.testDb.db, id)).filter((e) => e.kind === 'incident.message');
    expect(added.map((e) => [e.actor, e.payload.text])).toContainEqual(['U0ALICE', 'EU edge nodes restarted']);

    // Outside an incident channel the shortcut says so, and adds nothing.
    const elsewhere = t.slack.responseUrl();
    await postInteraction(t.eventsUrl, SIGNING_SECRET, {
      ...shortcut,
      channel: { id: 'C0123OPS01', name: 'ops' },
      response_url: elsewhere,
      trigger_id: t.slack.triggerId(),
    });
    const refused = await t.slack.waitForResponse((p) => elsewhere.endsWith(p.id));
    expect((refused.body as { text: string }).text).toMatch(/^This channel is not an incident channel/);
  });

  it('refuses to change or delete timeline events: a correction is a new event', async () => {
    const db = t.testDb.db;
    await expect(
      db.query(`update timeline_events set actor = 'U0MALLORY' where incident_id = $1`, [id]),
    ).rejects.toThrow(/timeline_events is append-only: UPDATE is refused/);
    await expect(db.query(`delete from timeline_events where incident_id = $1`, [id])).rejects.toThrow(
      /append-only: DELETE is refused/,
    );
    await expect(db.query(`truncate timeline_events cascade`)).rejects.toThrow(/append-only: TRUNCATE is refused/);
    const before = (await listTimeline(db, id)).length;
    await slash(t, 'incident note "correction: the backlog started at 14:02, not 14:20"', 'U0ALICE', channel);
    const after = await listTimeline(db, id);
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)?.payload.text).toBe('correction: the backlog started at 14:02, not 14:20');
  });

  it('stops capturing once the incident is resolved', async () => {
    await slash(t, 'incident resolve "backlog drained"', 'U0ALICE', channel);
    const before = (await listTimeline(t.testDb.db, id)).length;
    await slash(t, 'status worker dev', 'U0CAROL');
    await slash(t, 'status worker dev', 'U0CAROL', channel);
    expect(await listTimeline(t.testDb.db, id)).toHaveLength(before);
    const timeline = await slash(t, 'incident timeline', 'U0CAROL', channel);
    expect(timeline).toBe(`${id} timeline: ${before} events (UTC)`);
    const blocks = JSON.stringify((t.slack.responses.at(-1)?.body as { blocks?: unknown } | undefined)?.blocks);
    expect(blocks).toMatch(/\d\d:\d\d:\d\d Alice Ops: declared SEV1: queue backlog/);
    expect(blocks).toMatch(/\d\d:\d\d:\d\d Carol Support: message \(added by Bob Dev\): customers in EU see 502s/);
    expect(blocks).toMatch(/\d\d:\d\d:\d\d Bob Dev: \/ops restart worker dev succeeded in \d+s/);
  });
});
