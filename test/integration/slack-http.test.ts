import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/store/audit.js';
import { signSlackRequest } from '../support/slack-requests.js';
import { CHANNEL, startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';

let t: TestOpsbot;
const responseText = (body: unknown) => JSON.stringify(body);

beforeAll(async () => {
  t = await startTestOpsbot({
    users: [
      { id: 'U0ALICE', name: 'alice' },
      { id: 'U0GUEST', name: 'guest', is_restricted: true },
    ],
    usergroups: { S0SRE: ['U0DAVE'] },
  });
});
afterAll(async () => t?.close());
afterEach(() => t.slack.assertNoViolations());

async function answerTo(responseUrl: string) {
  const id = new URL(responseUrl).pathname.replace(/^\/response\//, '');
  return (await t.slack.waitForResponse((p) => p.id === id, 5_000)).body as {
    response_type: string;
    text: string;
    blocks: unknown[];
  };
}

describe('/ops over signed HTTP, as Slack sends it', () => {
  it('answers /ops status with the sandbox deployment, privately, and audits it', async () => {
    const sent = await t.command('status api-gateway prod');
    expect(sent.status).toBe(200);
    const answer = await answerTo(sent.responseUrl);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toMatch(/^\[SANDBOX\] .*api-gateway/);
    expect(responseText(answer.blocks)).toContain('SANDBOX');
    const [audit] = await listAudit(t.testDb.db, { requestId: undefined, actor: 'U0ALICE', limit: 5 });
    expect(audit).toMatchObject({
      kind: 'command.succeeded',
      command: 'status',
      environment: 'prod',
      target: 'api-gateway',
    });
  });

  it('tells the user what to type for an unknown verb, service or environment', async () => {
    const verb = await answerTo((await t.command('rolback api-gateway prod')).responseUrl);
    expect(verb.text).toContain('There is no command "rolback".');
    const service = await answerTo((await t.command('status api-gatway prd')).responseUrl);
    expect(service.text).toContain('Did you mean "api-gateway"?');
    expect(service.text).toContain('Did you mean "prod"?');
    expect(responseText(service.blocks)).toContain('Usage: /ops status');
  });

  it('shows help with only what the user may run', async () => {
    const help = await answerTo((await t.command('help')).responseUrl);
    expect(responseText(help.blocks)).toContain('status');
    expect(responseText(help.blocks)).toContain('whoami');
  });

  it('gives members of a Slack user group the group’s role, asking Slack once per minute at most', async () => {
    const first = await answerTo((await t.command('whoami', 'U0DAVE')).responseUrl);
    expect(first.text).toContain('roles: viewer, operator');
    const before = t.slack.callsTo('usergroups.users.list').length;
    await answerTo((await t.command('whoami', 'U0DAVE')).responseUrl);
    expect(t.slack.callsTo('usergroups.users.list').length).toBe(before);
  });

  it('refuses a guest: "*" means full members only', async () => {
    const answer = await answerTo((await t.command('status api-gateway prod', 'U0GUEST')).responseUrl);
    expect(answer.text).toContain('You need the viewer role');
    const [audit] = await listAudit(t.testDb.db, { actor: 'U0GUEST', limit: 1 });
    expect(audit?.kind).toBe('command.refused');
  });

  it('acknowledges well inside Slack’s 3 seconds', async () => {
    const sent = await t.command('history api-gateway prod');
    expect(sent.ms).toBeLessThan(3_000);
    await answerTo(sent.responseUrl);
  });
});

describe('requests that are not from Slack', () => {
  const body =
    'token=x&team_id=T01OPSTEAM&user_id=U0ALICE&command=%2Fops&text=whoami&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fx';
  const post = (headers: object) =>
    fetch(t.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(headers as Record<string, string>) },
      body,
    });

  it('refuses unsigned, forged, stale and future-dated requests with 401 and audits them', async () => {
    const now = Math.floor(Date.now() / 1000);
    const before = (await listAudit(t.testDb.db, { kind: 'slack.signature_invalid', limit: 100 })).length;
    expect((await post({})).status).toBe(401);
    expect((await post(signSlackRequest('wrong-secret', body, now))).status).toBe(401);
    // Whole seconds: round the past down and the future up, so the request is 301 s off when the server looks.
    const past = Math.floor(Date.now() / 1000) - 301;
    expect((await post(signSlackRequest(t.signingSecret, body, past))).status).toBe(401);
    const future = Math.ceil(Date.now() / 1000) + 301;
    expect((await post(signSlackRequest(t.signingSecret, body, future))).status).toBe(401);
    const tampered = signSlackRequest(t.signingSecret, body.replace('whoami', 'whoam'), now);
    expect((await post(tampered)).status).toBe(401);
    await expect
      .poll(async () => (await listAudit(t.testDb.db, { kind: 'slack.signature_invalid', limit: 100 })).length)
      .toBe(before + 5);
    expect(t.slack.responses.filter((r) => r.id === 'x')).toHaveLength(0);
  });

  it('accepts a correctly signed request 299 seconds in the future', async () => {
    const sent = await t.command('whoami', 'U0ALICE', { timestamp: Math.floor(Date.now() / 1000) + 299 });
    expect(sent.status).toBe(200);
    expect((await answerTo(sent.responseUrl)).text).toContain('alice');
  });
});

describe('probes and metrics', () => {
  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { store: 'ok', slack: 'ok' } });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/opsbot_commands_total\{command="status",outcome="succeeded"\} \d+/);
    expect(metrics).toMatch(/opsbot_ack_seconds_bucket\{le="0.5",kind="command"\} \d+/);
    expect(metrics).toContain('opsbot_process_resident_memory_bytes');
  });
});

describe('the command modal', () => {
  it('opens on bare /ops, shows a command’s fields when picked, and runs it', async () => {
    const sent = await t.command('');
    expect(sent.status).toBe(200);
    const open = await t.slack.waitFor('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const viewId = (open.response as { view: { id: string } }).view.id;
    const view = t.slack.views.get(viewId) as Record<string, unknown>;
    const { blockActionsPayload, viewSubmissionPayload } = await import('../support/slack-requests.js');
    const pick = blockActionsPayload({
      userId: 'U0ALICE',
      teamId: 'T01OPSTEAM',
      triggerId: t.slack.triggerId(),
      actionId: 'ops_pick_command',
      selected: 'status',
      view,
    });
    expect((await t.interact(pick)).status).toBe(200);
    await t.slack.waitFor('views.update', (c) => JSON.stringify(c.args.view).includes('arg:service'));
    const withFields = t.slack.views.get(viewId) as Record<string, unknown>;

    const bad = viewSubmissionPayload({
      userId: 'U0ALICE',
      teamId: 'T01OPSTEAM',
      triggerId: t.slack.triggerId(),
      view: withFields,
      values: { ops_pick_command: 'status' },
    });
    const refused = await t.interact(bad);
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    expect(Object.keys((refused.json as { errors: object }).errors)).toEqual(expect.arrayContaining(['arg:service']));

    const good = viewSubmissionPayload({
      userId: 'U0ALICE',
      teamId: 'T01OPSTEAM',
      triggerId: t.slack.triggerId(),
      view: withFields,
      values: { ops_pick_command: 'status', service: 'api-gateway', env: 'staging' },
    });
    const ran = await t.interact(good);
    expect(ran.status).toBe(200);
    expect(ran.body).toBe('');
    const reply = await t.slack.waitFor(
      'chat.postEphemeral',
      (c) => c.args.user === 'U0ALICE' && c.args.channel === CHANNEL,
    );
    expect(String(reply.args.text)).toMatch(/^\[SANDBOX\] .*api-gateway/);
  });
});
