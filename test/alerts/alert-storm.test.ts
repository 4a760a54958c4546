/**
 * A storm: 200 alerts at once. In one notification they make one message; as 200 separate groups, the
 * first ten get their own message and the rest are counted in one storm message kept up to date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORM_AFTER } from '../../src/alerts/alert-notifier.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import { crashLooping, deliver, notification } from './alertmanager-fixtures.js';

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({ env: { ALERTMANAGER_TOKEN: 'am-token-0123456789' } });
  t.slack.setChannel({ id: 'C0ALERTS', name: 'alerts' });
});
afterAll(async () => t?.close());

const pods = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('an alert storm', () => {
  it('posts 200 alerts of one notification as one message within Slack’s limits', async () => {
    const body = crashLooping('worker', 'dev', pods(200, 'worker')) as { alerts: Array<{ fingerprint: string }> };
    body.alerts.forEach((a, i) => {
      a.fingerprint = `f${String(i).padStart(15, '0')}`;
    });
    expect((await deliver(t.baseUrl, body)).body).toEqual({ status: 'posted' });
    const messages = t.slack.messagesIn('C0ALERTS');
    expect(messages.map((m) => m.text)).toEqual([':fire: KubePodCrashLooping on worker (dev): 200 firing']);
    expect(JSON.stringify(messages[0]?.blocks)).toContain('… and 190 more');
    expect(t.slack.violations).toEqual([]);
  });

  it('folds 200 separate groups into the first few messages and one storm message with exact counts', async () => {
    const before = t.slack.messagesIn('C0ALERTS').length;
    for (const [i, pod] of pods(200, 'backend').entries()) {
      const alertname = i % 4 === 0 ? 'KubePodNotReady' : 'KubePodCrashLooping';
      const body = notification({
        groupKey: `{}/{}:{alertname="${alertname}", pod="${pod}"}`,
        groupLabels: { alertname, pod },
        commonLabels: { alertname, service: 'backend', env: 'dev', pod },
        alerts: [{ alertname, fingerprint: `b${String(i).padStart(15, '0')}`, summary: `${pod} is unhappy` }],
      });
      const { status } = await deliver(t.baseUrl, body);
      expect(status).toBe(200);
    }
    const posted = t.slack.messagesIn('C0ALERTS').slice(before);
    const individually = STORM_AFTER - before; // the first notification's group counts towards the window too
    expect(posted).toHaveLength(individually + 1);
    const storm = posted.at(-1);
    const folded = 200 - individually;
    await expect
      .poll(() => t.slack.messagesIn('C0ALERTS').find((m) => m.ts === storm?.ts)?.text, { timeout: 5_000 })
      .toMatch(
        new RegExp(
          `^:rotating_light: Alert storm: ${folded} more alert groups since \\d\\d:\\d\\d UTC \\(${folded} still firing, ${folded} alerts\\)$`,
        ),
      );
    const final = t.slack.messagesIn('C0ALERTS').find((m) => m.ts === storm?.ts);
    const notReady = pods(200, 'x').filter((_, i) => i % 4 === 0 && i >= individually).length;
    expect(JSON.stringify(final?.blocks)).toContain(`• KubePodCrashLooping ×${folded - notReady} (backend)`);
    expect(JSON.stringify(final?.blocks)).toContain(`• KubePodNotReady ×${notReady} (backend)`);
    expect(t.slack.violations).toEqual([]);
  }, 60_000);
});
