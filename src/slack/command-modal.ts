/**
 * `/ops` with no text opens this modal: pick a command, and its fields appear,
 * generated from the command's zod schema. Submitting runs the same pipeline;
 * problems are shown on the fields (response_action: errors).
 */
import type { Catalog } from '../catalog.js';
import type { CommandDefinition } from '../define.js';
import type { Token } from '../runs/parse-command-text.js';
import { type FieldInfo, fieldsOf } from '../runs/schema-fields.js';

export const MODAL_CALLBACK = 'ops_command_modal';
export const PICK_ACTION = 'ops_pick_command';
const PICK_BLOCK = 'ops_command';
const FIELD_BLOCK = 'arg:';
const DRY_RUN_BLOCK = 'flag:dry-run';
const REASON_BLOCK = 'flag:reason';

type Block = Record<string, unknown>;
const plain = (text: string) => ({ type: 'plain_text', text: text.slice(0, 75) });
const option = (value: string, label = value) => ({ text: plain(label), value: value.slice(0, 75) });

export interface ModalMetadata {
  channelId: string;
  command?: string;
}

function picker(commands: readonly CommandDefinition[], selected?: string): Block {
  const element: Record<string, unknown> = {
    type: 'static_select',
    action_id: PICK_ACTION,
    placeholder: plain('Choose a command'),
    options: commands.slice(0, 100).map((c) => option(c.name, `${c.name} — ${c.summary}`)),
  };
  if (selected)
    element.initial_option = option(
      selected,
      `${selected} — ${commands.find((c) => c.name === selected)?.summary ?? ''}`,
    );
  return { type: 'input', block_id: PICK_BLOCK, dispatch_action: true, label: plain('Command'), element };
}

function fieldElement(field: FieldInfo, catalog: Catalog): Record<string, unknown> {
  const action_id = field.key;
  const choices =
    field.catalog === 'service'
      ? Object.keys(catalog.services)
      : field.catalog === 'environment'
        ? Object.keys(catalog.environments)
        : field.options;
  if (choices) return { type: 'static_select', action_id, options: choices.slice(0, 100).map((c) => option(c)) };
  if (field.kind === 'boolean') return { type: 'checkboxes', action_id, options: [option('true', field.flag)] };
  if (field.kind === 'number') return { type: 'number_input', action_id, is_decimal_allowed: false };
  return { type: 'plain_text_input', action_id, max_length: 3000 };
}

export function buildCommandModal(
  commands: readonly CommandDefinition[],
  catalog: Catalog,
  meta: ModalMetadata,
): Record<string, unknown> {
  const command = meta.command ? commands.find((c) => c.name === meta.command) : undefined;
  const blocks: Block[] = [picker(commands, command?.name)];
  if (command) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: command.summary.slice(0, 2000) }] });
    for (const field of fieldsOf(command.args, command.positional)) {
      blocks.push({
        type: 'input',
        block_id: `${FIELD_BLOCK}${field.key}`,
        optional: field.optional || field.kind === 'boolean',
        label: plain(field.key),
        ...(field.description ? { hint: plain(field.description) } : {}),
        element: fieldElement(field, catalog),
      });
    }
    if (command.mutates) {
      blocks.push({
        type: 'input',
        block_id: DRY_RUN_BLOCK,
        optional: true,
        label: plain('Dry run'),
        element: { type: 'checkboxes', action_id: 'dry-run', options: [option('true', 'Only show the plan')] },
      });
      blocks.push({
        type: 'input',
        block_id: REASON_BLOCK,
        optional: true,
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: 'reason', max_length: 500 },
      });
    }
  }
  return {
    type: 'modal',
    callback_id: MODAL_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: plain('opsbot'),
    submit: plain(command ? 'Run' : 'Next'),
    close: plain('Cancel'),
    blocks,
  };
}

type StateValues = Record<
  string,
  Record<
    string,
    {
      type: string;
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_options?: Array<{ value: string }>;
    }
  >
>;

/** Reads the submitted fields as flag tokens, so the modal binds exactly like typed text. */
export function tokensFromState(values: StateValues): { command?: string; tokens: Token[] } {
  const command = values[PICK_BLOCK]?.[PICK_ACTION]?.selected_option?.value;
  const tokens: Token[] = [];
  for (const [blockId, actions] of Object.entries(values)) {
    if (!blockId.startsWith(FIELD_BLOCK) && !blockId.startsWith('flag:')) continue;
    const name = blockId.startsWith(FIELD_BLOCK) ? blockId.slice(FIELD_BLOCK.length) : blockId.slice('flag:'.length);
    // One element per input block; its action_id is the argument's key.
    const input = Object.values(actions)[0];
    if (!input) continue;
    const flag = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (input.type === 'checkboxes') {
      if (input.selected_options?.length) tokens.push({ kind: 'flag', name: flag });
      continue;
    }
    const value = input.selected_option?.value ?? input.value;
    if (value !== undefined && value !== null && value !== '') tokens.push({ kind: 'flag', name: flag, value });
  }
  return command ? { command, tokens } : { tokens };
}

/** Maps problems by argument key to the input blocks that show them. */
export function fieldErrors(problems: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [key, message] of Object.entries(problems)) errors[`${FIELD_BLOCK}${key}`] = message.slice(0, 2000);
  return errors;
}

export { PICK_BLOCK };
