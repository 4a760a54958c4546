/**
 * The smaller incident commands over Slack: severity, roles, notes, list, and the errors a commander
 * sees when something is typed in the wrong place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTimeline } from '../../src/incidents/timeline-store.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import { PEOPLE, slash } from './incident-support.js';

let t: TestOpsbot;
let id: string;
let channel: string;
beforeAll(async () => {
  t = await startTestOpsbot({ users: PEOPLE });
  const answer = await slash(t, 'incident declare 3 "login page slow" --service frontend', 'U0BOB');
  [, id = '', channel = ''] = answer.match(/^(INC-\d+) SEV3 declared: <#(C\w+)>/) ?? [];
});
afterAll(async () => t?.close());

describe('incident commands', () => {
  it('changes severity and roles, edits the topic and the pinned summary, and invites the new role holder', async () => {
    expect(await slash(t, 'incident severity sev1', 'U0BOB', channel)).toBe(`${id} is now SEV1.`);
    expect(await slash(t, 'incident role comms <@U0CAROL|carol>', 'U0BOB', channel)).toBe(
      `<@U0CAROL> is comms for ${id}.`,
    );
    expect(String(t.slack.callsTo('conversations.setTopic').at(-1)?.args.topic)).toBe(
      `${id} SEV1 · investigating · IC <@U0BOB> · frontend · login page slow`,
    );
    expect(t.slack.callsTo('conversations.invite').map((c) => c.args.users)).toContain('U0CAROL');
    const summary = t.slack.messagesIn(channel)[0];
    expect(JSON.stringify(summary?.blocks)).toContain('*Commander:* <@U0BOB> · comms <@U0CAROL>');
    expect(summary?.text).toBe(`${id} SEV1 investigating: login page slow`);
    const updates = t.slack
      .messagesIn(channel)
      .slice(1)
      .map((m) => m.text);
    expect(updates).toEqual([
      ':red_circle: severity SEV3 → *SEV1* — <@U0BOB>',
      ':red_circle: comms: <@U0CAROL> — <@U0BOB>',
    ]);
    const kinds = (await listTimeline(t.testDb.db, id)).map((e) => [
      e.kind,
      e.payload.severity ?? e.payload.role ?? null,
    ]);
    expect(kinds).toEqual([
      ['incident.declared', 'SEV3'],
      ['incident.severity', 'SEV1'],
      ['incident.role', 'comms'],
    ]);
  });

  it('lists the open incidents, and explains what to type when a command is in the wrong place or malformed', async () => {
    expect(await slash(t, 'incident list', 'U0CAROL')).toBe(`1 open incident: ${id} SEV1`);
    expect(await slash(t, 'incident note the CDN is fine', 'U0CAROL')).toBe('This is not an incident channel.');
    const hint = JSON.stringify(t.slack.responses.at(-1)?.body);
    expect(hint).toContain('--incident INC-12 (/ops incident list shows them)');
    expect(await slash(t, 'incident note --incident INC-999 hello', 'U0CAROL')).toBe('There is no incident INC-999.');
    expect(await slash(t, 'incident severity sev9', 'U0BOB', channel)).toMatch(/a severity: sev1 \(worst\) to sev4/);
    expect(await slash(t, 'incident commander @bob', 'U0BOB', channel)).toMatch(
      /a Slack user: type @ and pick the person/,
    );
    expect(await slash(t, `incident note --incident ${id.toLowerCase()} the CDN is fine`, 'U0CAROL')).toBe(
      `Noted on ${id}’s timeline.`,
    );
    await slash(t, 'incident resolve cache warmed', 'U0BOB', channel);
    expect(await slash(t, 'incident severity sev2', 'U0BOB', channel)).toBe(`${id} is resolved; nothing was changed.`);
    expect(await slash(t, 'incident list', 'U0CAROL')).toBe('No open incidents.');
  });
});
