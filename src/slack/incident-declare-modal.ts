/**
 * `/ops incident declare` with nothing after it opens this modal: title, severity, affected services and
 * environment, commander (you, unless you pick someone). Submitting runs `incident declare` through the
 * same pipeline as the typed command.
 */
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog.js';
import type { Engine } from '../runs/engine.js';
import type { Token } from '../runs/parse-command-text.js';
import { createSlackReplies } from './slack-replies.js';

export const DECLARE_MODAL = 'incident_declare_modal';
const plain = (text: string) => ({ type: 'plain_text', text: text.slice(0, 75) });
const option = (value: string, label = value) => ({ text: plain(label), value });
const input = (blockId: string, label: string, element: Record<string, unknown>, optional = false) => ({
  type: 'input',
  block_id: blockId,
  label: plain(label),
  optional,
  element: { action_id: blockId, ...element },
});

export function declareModal(catalog: Catalog, meta: { channelId: string; userId: string }): Record<string, unknown> {
  const services = Object.keys(catalog.services).slice(0, 100);
  const environments = Object.keys(catalog.environments).slice(0, 100);
  return {
    type: 'modal',
    callback_id: DECLARE_MODAL,
    private_metadata: JSON.stringify({ channelId: meta.channelId }),
    title: plain('Declare an incident'),
    submit: plain('Declare'),
    close: plain('Cancel'),
    blocks: [
      input('title', 'What is wrong', {
        type: 'plain_text_input',
        max_length: 200,
        placeholder: plain('checkout errors'),
      }),
      input('severity', 'Severity', {
        type: 'static_select',
        options: [
          option('SEV1', 'SEV1 — critical, customers down'),
          option('SEV2', 'SEV2 — major, degraded'),
          option('SEV3', 'SEV3 — minor'),
          option('SEV4', 'SEV4 — low'),
        ],
        initial_option: option('SEV2', 'SEV2 — major, degraded'),
      }),
      ...(services.length
        ? [
            input(
              'services',
              'Affected services',
              { type: 'multi_static_select', options: services.map((s) => option(s)) },
              true,
            ),
          ]
        : []),
      input('env', 'Environment', { type: 'static_select', options: environments.map((e) => option(e)) }, true),
      input('commander', 'Commander', { type: 'users_select', initial_user: meta.userId }, true),
    ],
  };
}

type Values = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_options?: Array<{ value: string }>;
      selected_user?: string | null;
    }
  >
>;

export function declareTokens(values: Values): Token[] {
  const v = (block: string) => values[block]?.[block];
  const tokens: Token[] = [
    { kind: 'word', value: v('severity')?.selected_option?.value ?? 'SEV2' },
    { kind: 'word', value: (v('title')?.value ?? '').trim() },
  ];
  for (const s of v('services')?.selected_options ?? []) tokens.push({ kind: 'flag', name: 'service', value: s.value });
  const env = v('env')?.selected_option?.value;
  if (env) tokens.push({ kind: 'flag', name: 'env', value: env });
  const commander = v('commander')?.selected_user;
  if (commander) tokens.push({ kind: 'flag', name: 'commander', value: commander });
  return tokens;
}

export function registerDeclareModal(app: App, options: { engine: Engine; logger: Logger }): void {
  const { engine, logger } = options;
  app.view(DECLARE_MODAL, async ({ ack, body, view, client }) => {
    const tokens = declareTokens(view.state.values as Values);
    if (!(tokens[1] as { value: string }).value) {
      await ack({ response_action: 'errors', errors: { title: 'Say in a few words what is wrong.' } });
      return;
    }
    await ack();
    const { channelId } = JSON.parse(view.private_metadata || '{}') as { channelId: string };
    const actor = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id ?? '' };
    const text = [
      'incident declare',
      ...tokens.map((t) => (t.kind === 'word' ? JSON.stringify(t.value) : `--${t.name}=${t.value}`)),
    ].join(' ');
    await engine.run(
      { text, form: { command: 'incident declare', tokens }, actor, channelId, source: 'modal' },
      createSlackReplies({ client, catalog: engine.deps.catalog, logger, userId: actor.userId, channelId }),
    );
  });
}
