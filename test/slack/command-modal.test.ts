import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog.js';
import { loadRegistry } from '../../src/registry/load-registry.js';
import { checkView } from '../../src/slack/block-limits.js';
import { buildCommandModal, tokensFromState } from '../../src/slack/command-modal.js';
import { CONTENT_ROOT } from '../../src/start-opsbot.js';

describe('the command modal', async () => {
  const registry = await loadRegistry(CONTENT_ROOT);
  const catalog = loadCatalog('catalog.yaml');

  it('stays within Slack’s modal limits with the picker alone', () => {
    expect(checkView(buildCommandModal(registry.commands, catalog, { channelId: 'C0123OPS01' }))).toEqual([]);
  });

  it.each(registry.commands.map((c) => c.name))('stays within Slack’s modal limits with the fields of %s', (name) => {
    const view = buildCommandModal(registry.commands, catalog, { channelId: 'C0123OPS01', command: name });
    expect(checkView(view)).toEqual([]);
  });

  it('offers the catalog’s services and environments as choices', () => {
    const view = buildCommandModal(registry.commands, catalog, { channelId: 'C0123OPS01', command: 'status' });
    const text = JSON.stringify(view);
    for (const name of [...Object.keys(catalog.services), ...Object.keys(catalog.environments)]) {
      expect(text).toContain(`"value":"${name}"`);
    }
  });

  it('reads submitted fields back as flags, skipping empty ones', () => {
    const read = tokensFromState({
      ops_command: { ops_pick_command: { type: 'static_select', selected_option: { value: 'status' } } },
      'arg:service': { service: { type: 'static_select', selected_option: { value: 'api-gateway' } } },
      'arg:env': { env: { type: 'static_select', selected_option: null } },
      'flag:dry-run': { 'dry-run': { type: 'checkboxes', selected_options: [{ value: 'true' }] } },
    });
    expect(read).toEqual({
      command: 'status',
      tokens: [
        { kind: 'flag', name: 'service', value: 'api-gateway' },
        { kind: 'flag', name: 'dry-run' },
      ],
    });
  });
});
