/**
 * Two replicas sharing one PostgreSQL database (and one Slack workspace and cluster) receive simultaneous
 * Approve clicks from two approvers, quorum 1, one hundred times: every request executes exactly once — one
 * `executions` row, one change to the deployment, one approval.executed audit event. Two services run their
 * trials side by side (50 each) to keep the test short.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/kubernetes/fake-apiserver/index.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import {
  ACTIONS,
  ask,
  auditCount,
  cardOf,
  click,
  executionsOf,
  prodCluster,
  replicasOf,
  textsOf,
  waitForState,
} from './support.js';

const TRIALS = 100;
const LANES = ['worker', 'frontend'];

let a: TestOpsbot;
let b: TestOpsbot;
/** Calls to the deploy API that change replicas, by service: counted as they arrive at the fake API server. */
const deployCalls = new Map<string, number>();

beforeAll(async () => {
  a = await startTestOpsbot();
  b = await startTestOpsbot({ replicaOf: a });
  const recorded = prodCluster(a).requests;
  const record = recorded.push.bind(recorded);
  recorded.push = (...requests: RecordedRequest[]) => {
    for (const r of requests) {
      const service = /\/deployments\/([\w-]+)\/scale$/.exec(r.path)?.[1];
      if (r.method === 'PATCH' && service) deployCalls.set(service, (deployCalls.get(service) ?? 0) + 1);
    }
    return record(...requests);
  };
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** One trial: Alice asks, Bob (through a) and Dave (through b) approve at the same moment. */
async function trial(service: string, n: number): Promise<'a' | 'b'> {
  const label = `${service} trial ${n}`;
  // Between 2 and 3 replicas: a change the sandbox completes at once.
  const target = replicasOf(a, service) === 2 ? 3 : 2;
  const { id } = await ask(n % 2 ? b : a, `scale ${service} prod ${target}`);
  expect(id, label).toBeDefined();
  const card = await cardOf(a, id);
  const calls = deployCalls.get(service) ?? 0;
  const clicks = await Promise.all([
    click(a, 'U0BOB', ACTIONS.approve, card),
    click(a, 'U0DAVE', ACTIONS.approve, card, { via: b }),
  ]);
  expect(clicks.map((c) => c.status)).toEqual([200, 200]);
  await waitForState(a, id, 'executed');
  expect(await executionsOf(a, id), `${label}: executions`).toBe(1);
  expect(await auditCount(a, id, 'approval.approved'), `${label}: approvals`).toBe(1);
  expect(await auditCount(a, id, 'approval.executed'), `${label}: executed`).toBe(1);
  expect((deployCalls.get(service) ?? 0) - calls, `${label}: deploy calls`).toBe(1);
  expect(replicasOf(a, service)).toBe(target);
  // Exactly one click lost, and its approver was told privately; the winner's click ran the change.
  const answers = () => clicks.map((c) => a.slack.responses.filter((r) => c.responseUrl.endsWith(`/${r.id}`)));
  await expect.poll(() => answers().flat().length, { timeout: 5_000 }).toBe(1);
  const told = answers();
  expect(told.map((posts) => posts.length).sort(), `${label}: answers`).toEqual([0, 1]);
  expect(textsOf(told.flat()[0]?.body).join('\n')).toMatch(/is already approved and about to run|is running|has run/);
  return told[0]?.length === 0 ? 'a' : 'b';
}

describe('simultaneous approvals on two replicas', () => {
  it(`each of ${TRIALS} requests executes exactly once`, { timeout: 120_000 }, async () => {
    const winners = { a: 0, b: 0 };
    await Promise.all(
      LANES.map(async (service) => {
        for (let n = 0; n < TRIALS / LANES.length; n++) winners[await trial(service, n)]++;
      }),
    );
    expect(winners.a + winners.b).toBe(TRIALS);
    console.info(`simultaneous approvals: replica a won ${winners.a}, replica b won ${winners.b}`);
  });
});
