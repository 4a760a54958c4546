/**
 * A whole incident over signed Slack HTTP, on real PostgreSQL: declare → channel → a rollback in the
 * channel (and a restart refused to someone without the role) → status updates → resolve → postmortem.
 * The approval of a production change over Slack is wired elsewhere; approval-capture.test.ts shows
 * approvals reaching the timeline and the postmortem.
 * The postmortem must hold every step, in order, with the times the database recorded and the right people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/incidents/incident-store.js';
import { formatIn } from '../../src/incidents/postmortem.js';
import { listTimeline } from '../../src/incidents/timeline-store.js';
import { viewSubmissionPayload } from '../support/slack-requests.js';
import { startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';
import { auditRow, PEOPLE, slash } from './incident-support.js';

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({ users: PEOPLE });
});
afterAll(async () => t?.close());

const utc = (at: Date) => `${formatIn(at, 'UTC')} UTC`;

describe('an incident from declaration to postmortem', () => {
  it('creates the channel, records every step with its real time and actor, and writes the postmortem from them', async () => {
    const declared = await slash(
      t,
      'incident declare sev2 Checkout errors! --service backend --env staging',
      'U0ALICE',
    );
    const [, id, channel] = declared.match(/^(INC-\d+) SEV2 declared: <#(C\w+)>/) ?? [];
    expect(id, declared).toBeDefined();

    // The channel, named by date and title; the declarer and the service's owner invited; topic, pinned summary.
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const create = t.slack.callsTo('conversations.create')[0];
    expect(create?.args.name).toBe(`inc-${day}-checkout-errors`);
    expect(t.slack.callsTo('conversations.invite').map((c) => c.args.users)).toEqual(['U0ALICE', 'U0BOB']);
    expect(String(t.slack.callsTo('conversations.setTopic')[0]?.args.topic)).toMatch(
      new RegExp(`^${id} SEV2 · investigating · IC <@U0ALICE> · backend \\(staging\\)`),
    );
    const summary = t.slack.messagesIn(channel as string)[0];
    expect(summary?.text).toBe(`${id} SEV2 investigating: Checkout errors!`);
    expect(t.slack.callsTo('pins.add')[0]?.args).toMatchObject({ channel, timestamp: summary?.ts });
    const announced = t.slack.messagesIn('C0INCIDENTS')[0];
    expect(announced?.text).toContain(
      `${id} SEV2: Checkout errors! — backend (staging) · IC <@U0ALICE> · join <#${channel}>`,
    );

    // In the channel: Bob rolls back staging; Carol, a viewer, is refused a restart.
    await slash(t, 'rollback backend staging', 'U0BOB', channel, { answer: false });
    await auditRow(t, { actor: 'U0BOB', command: 'rollback', kind: 'command.succeeded' });
    const refused = await slash(t, 'restart backend staging', 'U0CAROL', channel);
    expect(refused).toBe('You need the operator role to run restart in staging.');

    await slash(t, 'incident status identified bad deploy of backend 2.3', 'U0ALICE', channel);
    await slash(t, 'incident commander <@U0BOB|bob>', 'U0ALICE', channel);
    await slash(t, 'incident task "alert on checkout 5xx" --owner <@U0CAROL|carol>', 'U0BOB', channel);
    await slash(t, 'incident status monitoring "error rate back to normal"', 'U0BOB', channel);
    const resolved = await slash(t, 'incident resolve rolled back backend, errors gone', 'U0BOB', channel);
    expect(resolved).toBe(`${id} is resolved. /ops incident postmortem writes the postmortem.`);

    // The pinned summary was edited to the end state, and the topic follows.
    const pinned = t.slack.messagesIn(channel as string).find((m) => m.ts === summary?.ts);
    expect(pinned?.text).toBe(`${id} SEV2 resolved: Checkout errors!`);
    expect(JSON.stringify(pinned?.blocks)).toContain('*Commander:* <@U0BOB>');
    expect(String(t.slack.callsTo('conversations.setTopic').at(-1)?.args.topic)).toContain('resolved · IC <@U0BOB>');
    // The announcement in the incidents channel follows too, in place.
    expect(t.slack.messagesIn('C0INCIDENTS').map((m) => m.text)).toEqual([
      `:large_green_circle: ${id} SEV2: Checkout errors! — backend (staging) · resolved · IC <@U0BOB> · join <#${channel}>`,
    ]);

    const answer = await slash(t, 'incident postmortem', 'U0ALICE', channel);
    expect(answer).toBe(`${id} postmortem uploaded to the incident channel as postmortem-${id?.toLowerCase()}.md.`);
    const file = [...t.slack.files.values()].find((f) => f.filename === `postmortem-${id?.toLowerCase()}.md`);
    expect(file?.channelId).toBe(channel);
    const markdown = String(file?.content);

    // Every step, in order, at the time the database recorded it, by the right person.
    const events = await listTimeline(t.testDb.db, id as string);
    const expected: Array<[string, string, RegExp]> = [
      ['incident.declared', 'Alice Ops', /declared SEV2: Checkout errors!/],
      ['command.started', 'Bob Dev', /started \/ops rollback backend staging — plan: roll back backend in staging/],
      ['command.succeeded', 'Bob Dev', /\/ops rollback backend staging succeeded in \d+s: /],
      ['command.refused', 'Carol Support', /\/ops restart backend staging refused: You need the operator role/],
      ['incident.status', 'Alice Ops', /status → identified: bad deploy of backend 2\.3/],
      ['incident.role', 'Alice Ops', /commander → Bob Dev/],
      ['incident.task', 'Bob Dev', /task #1: alert on checkout 5xx \(owner Carol Support\)/],
      ['incident.status', 'Bob Dev', /status → monitoring: error rate back to normal/],
      ['incident.resolved', 'Bob Dev', /resolved: rolled back backend, errors gone/],
    ];
    expect(events.map((e) => e.kind).slice(0, expected.length)).toEqual(expected.map(([kind]) => kind));
    const rows = markdown.split('\n').filter((l) => /^\| \d{4}-/.test(l));
    expected.forEach(([, who, what], i) => {
      const event = events[i] as (typeof events)[number];
      const row = rows[i] as string;
      expect(row.startsWith(`| ${formatIn(event.at, 'America/Sao_Paulo')} | ${utc(event.at)} | ${who} | `), row).toBe(
        true,
      );
      expect(row).toMatch(what);
    });
    for (let i = 1; i < events.length; i++)
      expect((events[i] as { at: Date }).at.getTime()).toBeGreaterThanOrEqual(
        (events[i - 1] as { at: Date }).at.getTime(),
      );

    const declaredAt = events[0]?.at as Date;
    const mitigatedAt = events[7]?.at as Date;
    const resolvedAt = events[8]?.at as Date;
    expect(markdown).toContain(`# ${id}: Checkout errors!`);
    expect(markdown).toContain('## Summary\n\nrolled back backend, errors gone');
    expect(markdown).toContain(`| declared | ${formatIn(declaredAt, 'America/Sao_Paulo')} | ${utc(declaredAt)} |`);
    expect(markdown).toMatch(new RegExp(`\\| mitigated \\| [^|]+ \\| ${utc(mitigatedAt)} \\|`));
    expect(markdown).toMatch(new RegExp(`\\| resolved \\| [^|]+ \\| ${utc(resolvedAt)} \\|`));
    expect(markdown).toMatch(/## Actions taken\n\n- ✅ .* — Bob Dev: \/ops rollback backend staging succeeded in \d+s/);
    expect(markdown).toMatch(/- ❌ .* — Carol Support: \/ops restart backend staging refused/);
    expect(markdown).toContain('## Follow-up tasks\n\n- [ ] #1 alert on checkout 5xx (owner: Carol Support)');
    expect(markdown).toContain('| America/Sao_Paulo | UTC | who | what |');
    expect(t.slack.violations).toEqual([]);
  });

  it('opens the declare modal for a bare /ops incident declare, and declares from it', async () => {
    const sent = await t.command('incident declare', 'U0ALICE');
    expect(sent.status).toBe(200);
    const open = await t.slack.waitFor('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const view = (open.response as { view: Record<string, unknown> }).view;
    const blank = viewSubmissionPayload({
      userId: 'U0ALICE',
      teamId: TEAM,
      triggerId: t.slack.triggerId(),
      view,
      values: { title: '  ' },
    });
    expect((await t.interact(blank)).json).toEqual({
      response_action: 'errors',
      errors: { title: 'Say in a few words what is wrong.' },
    });

    const before = t.slack.callsTo('conversations.create').length;
    const submit = viewSubmissionPayload({
      userId: 'U0ALICE',
      teamId: TEAM,
      triggerId: t.slack.triggerId(),
      view,
      values: {
        title: 'Search is slow',
        severity: 'SEV3',
        services: ['frontend', 'api-gateway'],
        env: 'prod',
        commander: 'U0BOB',
      },
    });
    expect((await t.interact(submit)).status).toBe(200);
    const create = await t.slack.waitFor('conversations.create', (c) =>
      String(c.args.name).endsWith('-search-is-slow'),
    );
    expect(t.slack.callsTo('conversations.create')).toHaveLength(before + 1);
    const channel = (create.response.channel as { id: string }).id;
    const idOf = async () =>
      (await t.testDb.db.query<{ id: string }>(`select id from incidents where channel_id = $1`, [channel])).rows[0]
        ?.id;
    await expect.poll(idOf).toBeDefined();
    expect(await getIncident(t.testDb.db, (await idOf()) as string)).toMatchObject({
      title: 'Search is slow',
      severity: 'SEV3',
      services: ['frontend', 'api-gateway'],
      environment: 'prod',
      commander: 'U0BOB',
      declaredBy: 'U0ALICE',
    });
  });
});
