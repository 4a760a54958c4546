import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import { listAudit } from '../../src/store/audit.js';
import { blockActionsPayload } from '../support/slack-requests.js';
import { CHANNEL, startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';

const NS = 'neural-hive-mind';
let a: TestOpsbot;
let b: TestOpsbot;

beforeAll(async () => {
  a = await startTestOpsbot();
  b = await startTestOpsbot({ shareDbWith: a });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const devCluster = (t: TestOpsbot) => t.opsbot.sandbox?.servers['dev-cluster'] as FakeApiServer;
const answer = async (t: TestOpsbot, responseUrl: string) => {
  const id = new URL(responseUrl).pathname.replace(/^\/response\//, '');
  return (await t.slack.waitForResponse((p) => p.id === id, 8_000)).body as { text: string };
};

describe('a change over Slack, on two replicas sharing one database', () => {
  it('announces the change, edits one progress message in its thread, refuses a second change of the same target from the other replica, and offers a Roll back button that runs as the clicker', async () => {
    devCluster(a).cluster.setRolloutBehaviour({ mode: 'hold', updated: 0 }, { namespace: NS, name: 'worker' });
    const restart = await a.command('restart worker dev --timeout 3s');
    expect(restart.status).toBe(200);
    const header = await a.slack.waitFor('chat.postMessage', (c) =>
      String(c.args.text).includes('Running: restart all'),
    );
    const headerTs = (header.response as { ts: string }).ts;

    // The same target from the other replica, while the restart runs.
    const second = await b.command('scale worker dev 2', 'U0BOB');
    expect((await answer(b, second.responseUrl)).text).toMatch(
      /worker in dev is busy: <@U0ALICE> is running restart \(run r-\w+\) since \d\d:\d\d UTC\./,
    );

    // The outcome replaces the announcement; progress stayed in one message in its thread.
    const final = await a.slack.waitFor(
      'chat.update',
      (c) => c.args.ts === headerTs && String(c.args.text).includes('not done'),
      10_000,
    );
    expect(JSON.stringify(final.args.blocks)).toContain('"text":"Roll back"');
    const progress = a.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === headerTs);
    expect(progress).toHaveLength(1);
    expect(a.slack.violations).toEqual([]);

    // Bob clicks Roll back on the channel message: it runs as Bob, through the whole pipeline.
    devCluster(a).cluster.setRolloutBehaviour({ mode: 'complete' }, { namespace: NS, name: 'worker' });
    const message = a.slack.messagesIn(CHANNEL).find((m) => m.ts === headerTs);
    const click = blockActionsPayload({
      userId: 'U0BOB',
      teamId: TEAM,
      triggerId: a.slack.triggerId(),
      responseUrl: a.slack.responseUrl(),
      actionId: 'ops_run:0',
      message: message as never,
    });
    expect((await a.interact(click)).status).toBe(200);
    await a.slack.waitFor(
      'chat.postMessage',
      (c) => String(c.args.text).includes('Running: roll back worker in dev'),
      8_000,
    );
    await expect
      .poll(
        async () =>
          (await listAudit(a.testDb.db, { actor: 'U0BOB', command: 'rollback', limit: 5 })).map((e) => e.kind),
        {
          timeout: 8_000,
        },
      )
      .toContain('command.succeeded');
  });
});
