/**
 * APPROVALS.md cases 34–36: break-glass needs the role and a justification; it runs without a second person
 * but loudly, rate-limited, with a review another approver acknowledges on the announcement; and the audit
 * trail cannot be rewritten by the bot's own database role.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getReview } from '../../src/store/break-glass-reviews.js';
import { verifyAuditChain } from '../../src/store/verify-audit-chain.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import {
  ACTIONS,
  APPROVALS,
  ask,
  auditKinds,
  auditOf,
  buttonsOf,
  cardOf,
  click,
  clickAndRead,
  closeOpenRequests,
  latestBreakGlass,
  PROD_CHANNEL,
  replicasOf,
  textsOf,
  waitForState,
} from './support.js';

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({ approvalSweepMs: 200 });
});
afterAll(async () => t?.close());
afterEach(async () => {
  await closeOpenRequests(t);
  t.slack.assertNoViolations();
});

const breakGlassRows = async () =>
  (await t.testDb.db.query<{ n: number }>('select count(*)::int as n from approval_requests where break_glass')).rows[0]
    ?.n;

describe('break-glass and audit', () => {
  it('case 34: break-glass is refused without the break-glass role, or without an incident id and a reason', async () => {
    const rows = await breakGlassRows();
    const bob = await ask(t, 'scale backend prod 3 --break-glass INC-9 "checkout down"', 'U0BOB');
    expect(bob.reply).toContain('Break-glass is refused: you are not in the break-glass role. Nothing was changed.');
    for (const text of [
      'scale backend prod 3 --break-glass "checkout down"',
      'scale backend prod 3 --break-glass INC-9',
      'scale backend prod 3 --break-glass checkout',
    ]) {
      const alice = await ask(t, text);
      expect(alice.reply, text).toMatch(/Break-glass needs an incident id and a reason|--break-glass/);
      expect(alice.reply, text).not.toContain('Waiting for approval');
    }
    expect(await breakGlassRows()).toBe(rows);
  });

  it('case 35: break-glass runs at once, is announced, rate-limited and reviewed by another approver', async () => {
    let previous: string | undefined;
    for (let i = 1; i <= 3; i++) {
      const target = replicasOf(t, 'backend') + 1;
      await t.command(`scale backend prod ${target} --break-glass INC-4${i} "checkout down, approver unreachable"`);
      const id = await latestBreakGlass(t, previous);
      previous = id;
      await waitForState(t, id, 'executed');
      expect(replicasOf(t, 'backend')).toBe(target);
    }
    const id = previous as string;
    // Announced in the approvals channel and the environment's channel.
    for (const channel of [APPROVALS, PROD_CHANNEL]) {
      const announcement = await cardOf(t, id, channel);
      expect(textsOf(announcement.blocks).join('\n')).toContain('*BREAK-GLASS* by <@U0ALICE> for INC-43');
      expect(buttonsOf(announcement)).toEqual(['approval_acknowledge_review']);
    }
    const [requested] = (await auditOf(t, id)).filter((e) => e.kind === 'approval.break_glass');
    expect(requested?.payload).toMatchObject({ breakGlass: true, incidentId: 'INC-43' });
    expect(await getReview(t.testDb.db, id)).toMatchObject({ acknowledgedBy: null });

    // A fourth within 24 hours is refused.
    const fourth = await ask(t, 'scale backend prod 2 --break-glass INC-44 "again"');
    expect(fourth.reply).toContain('Break-glass was used 3 times by you in the last 24 hours');

    // The review: not by the person who broke the glass; by another approver, once.
    const announcement = await cardOf(t, id);
    expect(await clickAndRead(t, 'U0ALICE', ACTIONS.acknowledge, announcement)).toContain(
      'another approver must review it',
    );
    expect((await click(t, 'U0BOB', ACTIONS.acknowledge, announcement)).status).toBe(200);
    await expect.poll(async () => (await getReview(t.testDb.db, id))?.acknowledgedBy).toBe('U0BOB');
    const now = () => t.slack.messagesIn(APPROVALS).find((m) => m.ts === announcement.ts);
    await expect.poll(() => textsOf(now()?.blocks).join('\n')).toContain('Reviewed by <@U0BOB>');
    expect(buttonsOf(now())).toEqual([]);
    expect(await auditKinds(t, id)).toContain('break_glass.acknowledged');

    // An unacknowledged review past its 24 hours is reported once (controllable time: due_at moved back).
    const [first] = (
      await t.testDb.db.query<{ id: string }>(
        'select request_id as id from break_glass_reviews where acknowledged_at is null order by due_at limit 1',
      )
    ).rows;
    expect(first).toBeDefined();
    await t.testDb.db.query(
      "update break_glass_reviews set due_at = now() - interval '1 minute' where request_id = $1",
      [first?.id],
    );
    const overdueText = `break-glass change \`${first?.id}\``;
    await expect.poll(() => t.slack.messagesIn(APPROVALS).filter((m) => m.text.includes(overdueText)).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(t.slack.messagesIn(APPROVALS).filter((m) => m.text.includes(overdueText))).toHaveLength(1);
  });

  it('case 36: the audit trail is append-only for the bot’s own role, and each state change writes one event', async () => {
    const { id } = await ask(t, `scale frontend prod ${replicasOf(t, 'frontend') + 1}`);
    await click(t, 'U0BOB', ACTIONS.approve, await cardOf(t, id));
    await waitForState(t, id, 'executed');
    const kinds = await auditKinds(t, id);
    for (const kind of ['approval.requested', 'approval.approved', 'approval.executing', 'approval.executed']) {
      expect(
        kinds.filter((k) => k === kind),
        kind,
      ).toHaveLength(1);
    }
    await expect(
      t.testDb.db.query("update audit_events set kind = 'approval.rejected' where request_id = $1", [id]),
    ).rejects.toThrow();
    await expect(t.testDb.db.query('delete from audit_events where request_id = $1', [id])).rejects.toThrow();
    expect(await auditKinds(t, id)).toEqual(kinds);
    expect(await verifyAuditChain(t.testDb.db)).toEqual({ ok: true });
  });
});
