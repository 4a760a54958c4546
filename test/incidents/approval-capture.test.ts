/**
 * Approvals of changes to an incident's service land on its timeline by themselves (the approval
 * engine writes approval.* audit rows; the timeline trigger copies them), and the postmortem lists them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/approvals/index.js';
import { listTimeline } from '../../src/incidents/timeline-store.js';
import { approveBy, openRequest, rejectBy } from '../approvals/support.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import { PEOPLE, slash } from './incident-support.js';

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({ users: PEOPLE });
});
afterAll(async () => t?.close());

describe('approvals on the incident timeline', () => {
  it('records requests, approvals and rejections on the incident’s service, in order, and lists them in the postmortem', async () => {
    const answer = await slash(t, 'incident declare sev1 gateway 502s --service api-gateway --env prod', 'U0ALICE');
    const [, id = '', channel = ''] = answer.match(/^(INC-\d+) SEV1 declared: <#(C\w+)>/) ?? [];
    const db = t.testDb.db;
    const requester = { userId: 'U0CAROL', teamId: 'T01OPSTEAM' };
    const first = await openRequest(db, { service: 'api-gateway', requester });
    expect((await decide(db, rejectBy({ userId: 'U0BOB', teamId: 'T01OPSTEAM' }, first, 'wrong revision'))).kind).toBe(
      'rejected',
    );
    const second = await openRequest(db, { service: 'api-gateway', requester });
    expect((await decide(db, approveBy({ userId: 'U0ALICE', teamId: 'T01OPSTEAM' }, second))).kind).toBe('approved');
    const other = await openRequest(db, { service: 'payments', requester }); // another service: not on this timeline

    const approvals = (await listTimeline(db, id)).filter((e) => e.kind.startsWith('approval.'));
    expect(approvals.map((e) => [e.kind, e.actor, e.requestId])).toEqual([
      ['approval.requested', 'U0CAROL', first.id],
      ['approval.rejected', 'U0BOB', first.id],
      ['approval.requested', 'U0CAROL', second.id],
      ['approval.approved', 'U0ALICE', second.id],
    ]);
    expect(approvals.some((e) => e.requestId === other.id)).toBe(false);

    await slash(t, 'incident postmortem', 'U0ALICE', channel);
    const file = [...t.slack.files.values()].find((f) => f.filename === `postmortem-${id.toLowerCase()}.md`);
    const section = String(file?.content).split('## Approvals\n\n')[1]?.split('\n\n')[0];
    expect(section?.split('\n').map((l) => l.replace(/^- \S+ \S+ UTC — /, ''))).toEqual([
      'Carol Support: approval requested — rollback api-gateway prod',
      'Bob Dev: approval rejected — rollback api-gateway prod: wrong revision',
      'Carol Support: approval requested — rollback api-gateway prod',
      'Alice Ops: approval approved — rollback api-gateway prod',
    ]);
  });
});
