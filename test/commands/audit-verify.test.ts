/** /ops audit verify: intact after real use; an entry edited behind the database's back is found and named. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listAudit } from '../../src/store/audit.js';
import { resultOf, startToolsEngine, type ToolsEngine, tempDir } from '../support/tools-engine.js';

let t: ToolsEngine;
let remove: () => void;
beforeAll(async () => {
  const tmp = tempDir('opsbot-audit-');
  remove = tmp.remove;
  t = await startToolsEngine({ scriptsDir: tmp.dir });
});
afterAll(async () => {
  await t?.close();
  remove?.();
});

it('says the trail is intact, then names the entry someone edited with the trigger switched off', async () => {
  await t.run('status api-gateway prod');
  await t.run('scale worker dev 2');
  const intact = resultOf((await t.run('audit verify')).outcome);
  expect(intact.summary).toMatch(/^The audit trail is intact: \d+ entries/);

  const [scaled] = await listAudit(t.testDb.db, { command: 'scale', kind: 'command.succeeded', limit: 1 });
  // What a person with direct database access could do; opsbot's own role cannot.
  await t.testDb.db.transaction(async (tx) => {
    await tx.query('alter table audit_events disable trigger audit_events_append_only');
    await tx.query(`update audit_events set actor = 'U0SOMEONE' where id = $1`, [scaled?.id]);
    await tx.query('alter table audit_events enable trigger audit_events_append_only');
  });
  const broken = resultOf((await t.run('audit verify')).outcome);
  expect(broken).toMatchObject({
    ok: false,
    summary: `The audit trail is BROKEN at entry ${scaled?.id}: its content no longer matches its hash (it was edited).`,
  });
});
