/**
 * Alertmanager in HA mode sends each notification from every peer, and a load balancer may hand them to
 * different opsbot replicas at the same moment: one message, whichever replica claims it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import { crashLooping, deliver } from './alertmanager-fixtures.js';

const env = { ALERTMANAGER_TOKEN: 'am-token-0123456789' };
let a: TestOpsbot;
let b: TestOpsbot;
beforeAll(async () => {
  a = await startTestOpsbot({ env });
  b = await startTestOpsbot({ env, shareDbWith: a });
  for (const t of [a, b]) t.slack.setChannel({ id: 'C0ALERTS', name: 'alerts' });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('two replicas, one notification', () => {
  it('posts it once when both receive it at the same time', async () => {
    for (let round = 0; round < 5; round++) {
      const body = crashLooping('backend', 'staging', [`backend-${round}`]) as { groupKey: string };
      body.groupKey = `{}:{alertname="KubePodCrashLooping", round="${round}"}`;
      const answers = await Promise.all([deliver(a.baseUrl, body), deliver(b.baseUrl, body), deliver(a.baseUrl, body)]);
      expect(answers.map((r) => r.body.status).sort()).toEqual(['duplicate', 'duplicate', 'posted']);
    }
    const posted = [...a.slack.messagesIn('C0ALERTS'), ...b.slack.messagesIn('C0ALERTS')];
    expect(posted).toHaveLength(5);
  });
});
