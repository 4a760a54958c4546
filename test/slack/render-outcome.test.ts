import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/slack/block-limits.js';
import { renderOutcome } from '../../src/slack/render-outcome.js';

const base = { runId: 'r-abc123', sandbox: false };
const texts = (blocks: Array<Record<string, unknown>>) => JSON.stringify(blocks);

describe('rendering outcomes for Slack', () => {
  it('keeps a huge result within Slack limits and says how much was left out', () => {
    const details = Array.from({ length: 5_000 }, (_, i) => `pod-${i}  Running  0 restarts`).join('\n');
    const message = renderOutcome({
      ...base,
      kind: 'result',
      command: 'pods',
      result: { summary: 'x', details },
      audience: 'requester',
    });
    expect(checkMessage(message)).toEqual([]);
    expect(texts(message.blocks)).toMatch(/… \d+ more lines not shown\./);
  });

  it('escapes user-controlled text so it cannot mention or link', () => {
    const message = renderOutcome({ ...base, kind: 'error', code: 'usage', message: 'Unknown service "<!here>"' });
    expect(texts(message.blocks)).not.toContain('<!here>');
    expect(texts(message.blocks)).toContain('&lt;!here&gt;');
  });

  it('labels everything from the sandbox', () => {
    const message = renderOutcome({
      ...base,
      sandbox: true,
      kind: 'result',
      command: 'status',
      result: { summary: 'ok' },
      audience: 'requester',
    });
    expect(message.text.startsWith('[SANDBOX] ')).toBe(true);
    expect(texts(message.blocks)).toContain('SANDBOX');
  });

  it('shows a plan as from → to lines and says nothing changed', () => {
    const message = renderOutcome({
      ...base,
      kind: 'plan',
      command: 'scale',
      env: 'dev',
      reason: 'dry-run',
      plan: { summary: 'scale worker in dev', changes: [{ what: 'replicas', from: '2', to: '5' }] },
    });
    expect(texts(message.blocks)).toContain('nothing changed');
    expect(texts(message.blocks)).toContain('replicas: `2` → `5`');
    expect(checkMessage(message)).toEqual([]);
  });
});
