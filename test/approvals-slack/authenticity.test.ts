/**
 * APPROVALS.md cases 1–6 on the approval button: an Approve click that did not come from Slack, exactly as
 * signed, within five minutes, changes nothing. (The same checks on slash commands: test/integration.)
 */
import * as crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { listAudit } from '../../src/store/audit.js';
import { blockActionsPayload, signSlackRequest } from '../support/slack-requests.js';
import { startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';
import { ACTIONS, ask, auditKinds, cardOf, closeOpenRequests, decisionsOf, replicasOf, stateOf } from './support.js';

// Case 6 watches the real comparison: node:crypto stays real, timingSafeEqual is only observed.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot();
});
afterAll(async () => t?.close());
afterEach(async () => {
  await closeOpenRequests(t);
  t.slack.assertNoViolations();
});

const rejectedSignatures = async () =>
  (await listAudit(t.testDb.db, { kind: 'slack.signature_invalid', limit: 1000 })).length;

/** A pending request for one approver, and the body of Bob's Approve click on its card. */
async function pendingWithApproveBody(service = 'backend') {
  const { id } = await ask(t, `scale ${service} prod 3`);
  const card = await cardOf(t, id);
  const payload = blockActionsPayload({
    userId: 'U0BOB',
    teamId: TEAM,
    triggerId: t.slack.triggerId(),
    responseUrl: t.slack.responseUrl(),
    actionId: ACTIONS.approve,
    message: card,
  });
  return { id, card, payload, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() };
}

const post = (body: string, headers: Record<string, string>) =>
  fetch(t.eventsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

describe('is this click really from Slack?', () => {
  it('case 1: a forged Approve click (no or wrong signature) gets 401, changes nothing and is audited', async () => {
    const before = await rejectedSignatures();
    const { id, body } = await pendingWithApproveBody();
    const replicas = replicasOf(t, 'backend');
    const now = Math.floor(Date.now() / 1000);
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, signSlackRequest('not-the-signing-secret', body, now) as never)).status).toBe(401);
    await expect.poll(rejectedSignatures).toBe(before + 2);
    expect(await stateOf(t, id)).toBe('pending');
    expect(await decisionsOf(t, id)).toEqual([]);
    expect((await auditKinds(t, id)).sort()).toEqual(['approval.requested', 'command.awaiting_approval']);
    expect(replicasOf(t, 'backend')).toBe(replicas);
  });

  it('case 2: in production the app does not start without the signing secret, and no variable turns checks off', () => {
    const production = { NODE_ENV: 'production', SLACK_BOT_TOKEN: 'xoxb-1-test-bot-token' };
    expect(() => loadConfig(production)).toThrow(/SLACK_SIGNING_SECRET is missing/);
    expect(() => loadConfig({ ...production, SLACK_SIGNING_SECRET: '' })).toThrow(/SLACK_SIGNING_SECRET/);
    // A "skip verification" switch is not a setting of opsbot: one set by mistake is refused, not obeyed.
    for (const flag of [
      'SLACK_SKIP_SIGNATURE_VERIFICATION',
      'OPSBOT_SKIP_VERIFICATION',
      'SLACK_SIGNATURE_VERIFICATION',
    ]) {
      const value = flag.endsWith('_VERIFICATION') && !flag.includes('SKIP') ? 'false' : 'true';
      expect(() => loadConfig({ ...production, SLACK_SIGNING_SECRET: 'secret', [flag]: value })).toThrow(flag);
    }
  });

  it('case 3: a correctly signed Approve click 301 s old or 301 s ahead is refused', async () => {
    const { id, body } = await pendingWithApproveBody();
    const before = await rejectedSignatures();
    // Whole seconds: round the past down and the future up, so the click is 301 s off when the server looks.
    const at = [() => Math.floor(Date.now() / 1000) - 301, () => Math.ceil(Date.now() / 1000) + 301];
    for (const when of at) {
      expect((await post(body, signSlackRequest(t.signingSecret, body, when()) as never)).status).toBe(401);
    }
    await expect.poll(rejectedSignatures).toBe(before + 2);
    expect(await stateOf(t, id)).toBe('pending');
    expect(await decisionsOf(t, id)).toEqual([]);
  });

  it('case 4: an Approve click replayed a minute later records no second decision', async () => {
    // api-gateway is critical: two approvers, so one approval leaves it pending and the replay can be seen.
    const { id, body } = await pendingWithApproveBody('api-gateway');
    const capturedAt = Math.floor(Date.now() / 1000) - 60;
    const headers = signSlackRequest(t.signingSecret, body, capturedAt) as never;
    expect((await post(body, headers)).status).toBe(200);
    await expect.poll(async () => (await decisionsOf(t, id)).length).toBe(1);
    expect((await post(body, headers)).status).toBe(200);
    await expect
      .poll(async () => (await listAudit(t.testDb.db, { requestId: id, kind: 'approval.refused', limit: 10 })).length)
      .toBe(1);
    expect(await decisionsOf(t, id)).toHaveLength(1);
    expect(await stateOf(t, id)).toBe('pending');
    const [refusal] = await listAudit(t.testDb.db, { requestId: id, kind: 'approval.refused', limit: 1 });
    expect(refusal?.payload.refusal).toBe('already_decided');
  });

  it('case 5: a signed click whose body was re-encoded on the way fails verification', async () => {
    const { id, body, payload } = await pendingWithApproveBody();
    const before = await rejectedSignatures();
    const headers = signSlackRequest(t.signingSecret, body) as never;
    // The same form and JSON, re-encoded as middleware would: `*` and spaces decoded differently, JSON re-spaced.
    const reencoded = [
      body.replace(/%2A|\*/g, (m) => (m === '*' ? '%2A' : '*')).replace(/\+/g, '%20'),
      new URLSearchParams({ payload: JSON.stringify(payload, null, 1) }).toString(),
    ];
    for (const other of reencoded) {
      expect(other).not.toBe(body);
      expect((await post(other, headers)).status).toBe(401);
    }
    await expect.poll(rejectedSignatures).toBe(before + 2);
    expect(await decisionsOf(t, id)).toEqual([]);
    // The raw bytes as signed are accepted.
    expect((await post(body, headers)).status).toBe(200);
    await expect.poll(() => stateOf(t, id)).not.toBe('pending');
  });

  it('case 6: the signature of an Approve click is compared with timingSafeEqual', async () => {
    const { id, body } = await pendingWithApproveBody();
    const compare = vi.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    const forged = signSlackRequest('not-the-signing-secret', body) as never;
    expect((await post(body, forged)).status).toBe(401);
    expect(compare).toHaveBeenCalled();
    const [given, expected] = compare.mock.calls[0] as [Buffer, Buffer];
    expect(given.toString()).toBe((forged as { 'X-Slack-Signature': string })['X-Slack-Signature']);
    expect(expected.length).toBe(given.length);
    expect(compare.mock.results[0]?.value).toBe(false);
    expect(await stateOf(t, id)).toBe('pending');
  });
});
