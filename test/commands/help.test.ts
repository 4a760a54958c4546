/** /ops help as people read it: the whole list fits one message, groups are one line, and only what you may run. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultOf, startToolsEngine, type ToolsEngine, tempDir } from '../support/tools-engine.js';

let t: ToolsEngine;
let remove: () => void;
beforeAll(async () => {
  const tmp = tempDir('opsbot-help-');
  remove = tmp.remove;
  t = await startToolsEngine({ scriptsDir: tmp.dir });
});
afterAll(async () => {
  await t?.close();
  remove?.();
});

describe('help', () => {
  it('lists every command in one message short enough not to become a file, a group per line', async () => {
    const help = resultOf((await t.run('help')).outcome);
    const lines = (help.details ?? '').split('\n');
    // Slack replies turn more than 3,500 characters or 60 lines into an uploaded file.
    expect((help.details ?? '').length).toBeLessThan(3_500);
    expect(lines.length).toBeLessThan(60);
    expect(lines.find((l) => l.startsWith('incident '))).toMatch(/declare, .*status.*\(\/ops help incident\)$/);
    expect(lines.find((l) => l.startsWith('db '))).toMatch(/activity, locks, terminate, vacuum \(\/ops help db\)$/);
    expect(lines.filter((l) => l.startsWith('incident'))).toHaveLength(1);
  });

  it('shows a group in full, and a viewer only what a viewer may run', async () => {
    const group = resultOf((await t.run('help incident')).outcome);
    expect(group.details?.split('\n').length).toBeGreaterThanOrEqual(10);
    const viewer = resultOf((await t.run('help', { userId: 'U0CAROL' })).outcome);
    expect(viewer.details).toMatch(/^status /m);
    expect(viewer.details).not.toMatch(/^restart /m);
    expect(viewer.details).not.toMatch(/^rollback /m);
  });
});
