/**
 * Slack's Block Kit limits (numbers and sources in TESTING.md §2.3), checked before anything is sent.
 * Slack answers an over-limit payload with `invalid_blocks` and the user sees nothing, so renderers
 * truncate with `truncateText` + `BLOCK_KIT_LIMITS`, and the test fakes reject what would still fail.
 *
 * The checker is a walker over small rule tables: one list of rules per block type, per element type
 * and per composition object. A violation is one line with its path, e.g.
 * `blocks[2] (section).accessory (button).text.text: 81 chars, max 75`.
 */

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  id: 255,
  inputLabel: 2000,
  inputHint: 2000,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  optionText: 75,
  optionValue: 75,
  selectOptions: 100,
  overflowOptions: 5,
  checkboxOptions: 10,
  placeholder: 150,
  inputMaxLength: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  privateMetadata: 3000,
  markdownTotal: 12_000,
  tableRows: 100,
  tableCells: 20,
} as const;

const L = BLOCK_KIT_LIMITS;

/** Shortens `text` to at most `max` UTF-16 units, ending in `…`, without splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1; // keep surrogate pairs whole
  return `${text.slice(0, end)}…`;
}

type Obj = Record<string, unknown>;
type Walk = {
  problems: string[];
  blockIds: Set<string>;
  actionIds: Set<string>;
  markdownChars: number;
  tables: number;
};
type Rule = (obj: Obj, at: string, walk: Walk) => void;
type Visit = (value: unknown, at: string, walk: Walk) => void;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const report = (walk: Walk, at: string, message: string) => void walk.problems.push(`${at}: ${message}`);

function checkLength(value: unknown, at: string, walk: Walk, max: number, min = 0) {
  if (typeof value !== 'string') report(walk, at, 'must be a string');
  else if (value.length > max) report(walk, at, `${value.length} chars, max ${max}`);
  else if (value.length < min) report(walk, at, 'must not be empty');
}

/** Runs `visit` on `obj[key]` when present; reports it when missing and required. */
const field =
  (key: string, required: boolean, visit: Visit): Rule =>
  (obj, at, walk) => {
    if (obj[key] !== undefined) visit(obj[key], `${at}.${key}`, walk);
    else if (required) report(walk, at, `${key} is required`);
  };

const textObject =
  (max: number, plainOnly = false): Visit =>
  (value, at, walk) => {
    if (!isObj(value)) return report(walk, at, 'must be a text object { type, text }');
    if (plainOnly && value.type !== 'plain_text') report(walk, at, `must be plain_text, not ${String(value.type)}`);
    else if (value.type !== 'plain_text' && value.type !== 'mrkdwn')
      report(walk, at, 'type must be plain_text or mrkdwn');
    checkLength(value.text, `${at}.text`, walk, Math.min(max, L.textObject), 1);
  };

const child = (key: string, visit: Visit, required = false) => field(key, required, visit);
const text = (key: string, max: number, opts: { plain?: boolean; required?: boolean } = {}) =>
  field(key, opts.required ?? false, textObject(max, opts.plain));
const plain = (key: string, max: number, required = false) => text(key, max, { plain: true, required });
const str = (key: string, max: number, required = false) =>
  field(key, required, (value, at, walk) => checkLength(value, at, walk, max, required ? 1 : 0));
const num = (key: string, max: number) =>
  field(key, false, (value, at, walk) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
      report(walk, at, `must be an integer 0–${max}`);
  });
const oneOf = (key: string, values: readonly string[], required = false) =>
  field(key, required, (value, at, walk) => {
    if (!values.includes(value as string)) report(walk, at, `must be one of ${values.join(', ')}`);
  });
const list = (key: string, max: number, each?: Visit, opts: { min?: number; required?: boolean } = {}) =>
  field(key, opts.required ?? false, (value, at, walk) => {
    if (!Array.isArray(value)) return report(walk, at, 'must be an array');
    if (value.length > max) report(walk, at, `${value.length} items, max ${max}`);
    if (value.length < (opts.min ?? 0)) report(walk, at, `needs at least ${opts.min} item(s)`);
    if (each) for (const [i, item] of value.entries()) each(item, `${at}[${i}]`, walk);
  });
const anyOf =
  (...keys: string[]): Rule =>
  (obj, at, walk) => {
    if (keys.every((key) => obj[key] === undefined)) report(walk, at, `needs ${keys.join(' or ')}`);
  };
const uniqueId = (key: 'block_id' | 'action_id'): Rule =>
  field(key, false, (value, at, walk) => {
    checkLength(value, at, walk, L.id, 1);
    const seen = key === 'block_id' ? walk.blockIds : walk.actionIds;
    if (typeof value === 'string' && seen.has(value)) report(walk, at, `duplicate ${key} "${value}"`);
    else if (typeof value === 'string') seen.add(value);
  });

/** Applies a rule table to an object whose `type` picks the rules. */
const byType =
  (kind: string, table: Record<string, Rule[]>): Visit =>
  (value, at, walk) => {
    if (!isObj(value)) return report(walk, at, `must be a ${kind} object`);
    const rules = typeof value.type === 'string' ? table[value.type] : undefined;
    if (!rules) return report(walk, at, `unknown ${kind} type ${JSON.stringify(value.type)}`);
    for (const rule of rules) rule(value, `${at} (${value.type})`, walk);
  };
const shape =
  (kind: string, rules: Rule[]): Visit =>
  (value, at, walk) => {
    if (!isObj(value)) return report(walk, at, `must be a ${kind} object`);
    for (const rule of rules) rule(value, at, walk);
  };

const STYLES = ['primary', 'danger'] as const;
const confirm = shape('confirm dialog', [
  plain('title', L.confirmTitle, true),
  text('text', L.confirmText, { required: true }),
  plain('confirm', L.confirmButton, true),
  plain('deny', L.confirmButton, true),
  oneOf('style', STYLES),
]);
const option = (plainOnly: boolean) =>
  shape('option', [
    text('text', L.optionText, { plain: plainOnly, required: true }),
    str('value', L.optionValue, true),
    plain('description', L.optionText),
    str('url', L.url),
  ]);
const selectOption = option(true);
const choiceOption = option(false);
const optionGroup = shape('option group', [
  plain('label', L.optionText, true),
  list('options', L.selectOptions, selectOption, { min: 1, required: true }),
]);

const interactive: Rule[] = [uniqueId('action_id'), child('confirm', confirm)];
const select: Rule[] = [...interactive, plain('placeholder', L.placeholder)];
const staticOptions: Rule[] = [
  list('options', L.selectOptions, selectOption),
  list('option_groups', L.selectOptions, optionGroup),
  anyOf('options', 'option_groups'),
];
const textInput: Rule[] = [uniqueId('action_id'), plain('placeholder', L.placeholder)];
const imageElement: Rule[] = [str('image_url', L.url), str('alt_text', 2000, true), anyOf('image_url', 'slack_file')];

const ELEMENTS: Record<string, Rule[]> = {
  button: [
    ...interactive,
    plain('text', L.buttonText, true),
    str('value', L.buttonValue),
    str('url', L.url),
    oneOf('style', STYLES),
    str('accessibility_label', L.buttonText),
  ],
  workflow_button: [...interactive, plain('text', L.buttonText, true), oneOf('style', STYLES)],
  static_select: [...select, ...staticOptions, child('initial_option', selectOption)],
  multi_static_select: [...select, ...staticOptions, list('initial_options', L.selectOptions, selectOption)],
  external_select: [...select, child('initial_option', selectOption)],
  multi_external_select: [...select, list('initial_options', L.selectOptions, selectOption)],
  ...Object.fromEntries(
    ['users', 'conversations', 'channels'].flatMap((kind) =>
      [`${kind}_select`, `multi_${kind}_select`].map((t) => [t, select]),
    ),
  ),
  overflow: [...interactive, list('options', L.overflowOptions, selectOption, { min: 1, required: true })],
  checkboxes: [
    ...interactive,
    list('options', L.checkboxOptions, choiceOption, { min: 1, required: true }),
    list('initial_options', L.checkboxOptions, choiceOption),
  ],
  radio_buttons: [
    ...interactive,
    list('options', L.checkboxOptions, choiceOption, { min: 1, required: true }),
    child('initial_option', choiceOption),
  ],
  datepicker: select,
  timepicker: select,
  datetimepicker: interactive,
  plain_text_input: [
    ...textInput,
    str('initial_value', L.inputMaxLength),
    num('min_length', L.inputMaxLength),
    num('max_length', L.inputMaxLength),
  ],
  ...Object.fromEntries(
    ['email_text_input', 'url_text_input', 'number_input', 'rich_text_input'].map((t) => [t, textInput]),
  ),
  file_input: [uniqueId('action_id')],
  image: imageElement,
};
const element = byType('element', ELEMENTS);
const textElement = [str('text', L.textObject, true)];
const contextElement = byType('context element', { image: imageElement, plain_text: textElement, mrkdwn: textElement });

const countMarkdown: Rule = (obj, _at, walk) => {
  if (typeof obj.text === 'string') walk.markdownChars += obj.text.length;
};
const tableRow: Visit = (row, at, walk) => {
  if (!Array.isArray(row)) return report(walk, at, 'must be an array of cells');
  if (row.length > L.tableCells) report(walk, at, `${row.length} cells, max ${L.tableCells}`);
};

const BLOCKS: Record<string, Rule[]> = {
  section: [
    text('text', L.sectionText),
    list('fields', L.sectionFields, textObject(L.sectionField)),
    anyOf('text', 'fields'),
    child('accessory', element),
  ],
  header: [plain('text', L.headerText, true)],
  context: [list('elements', L.contextElements, contextElement, { min: 1, required: true })],
  actions: [list('elements', L.actionsElements, element, { min: 1, required: true })],
  input: [plain('label', L.inputLabel, true), plain('hint', L.inputHint), child('element', element, true)],
  divider: [],
  image: [...imageElement, plain('title', 2000)],
  markdown: [str('text', L.markdownTotal, true), countMarkdown],
  rich_text: [list('elements', Number.POSITIVE_INFINITY, undefined, { required: true })],
  file: [str('external_id', L.id, true), oneOf('source', ['remote'], true)],
  video: [plain('title', 200, true), str('video_url', L.url, true), str('thumbnail_url', L.url, true)],
  table: [list('rows', L.tableRows, tableRow, { min: 1, required: true }), (_obj, _at, walk) => void walk.tables++],
};
const visitBlock = byType('block', BLOCKS);

const newWalk = (): Walk => ({ problems: [], blockIds: new Set(), actionIds: new Set(), markdownChars: 0, tables: 0 });

function walkBlocks(blocks: unknown, max: number, walk: Walk) {
  if (!Array.isArray(blocks)) return report(walk, 'blocks', 'must be an array');
  if (blocks.length > max) report(walk, 'blocks', `${blocks.length} blocks, max ${max}`);
  blocks.forEach((block, i) => {
    walk.actionIds = new Set(); // action_id must be unique within its block
    uniqueId('block_id')(isObj(block) ? block : {}, `blocks[${i}]`, walk);
    visitBlock(block, `blocks[${i}]`, walk);
  });
  if (walk.markdownChars > L.markdownTotal)
    report(walk, 'blocks', `markdown blocks total ${walk.markdownChars} chars, max ${L.markdownTotal}`);
}

/** Violations of Slack's limits in a message (chat.postMessage/update/postEphemeral, response_url, ack body). */
export function checkMessage(payload: { text?: string; blocks?: unknown[] }): string[] {
  const walk = newWalk();
  if (payload.text !== undefined) checkLength(payload.text, 'text', walk, L.messageText);
  if (payload.blocks !== undefined) walkBlocks(payload.blocks, L.messageBlocks, walk);
  if (walk.tables > 1) report(walk, 'blocks', `${walk.tables} table blocks, max 1 per message`);
  return walk.problems;
}

const VIEW: Rule[] = [
  oneOf('type', ['modal', 'home'], true),
  str('private_metadata', L.privateMetadata),
  str('callback_id', L.id),
  str('external_id', L.id),
];
const MODAL: Rule[] = [
  plain('title', L.viewTitle, true),
  plain('submit', L.viewTitle),
  plain('close', L.viewTitle),
  (view, at, walk) => {
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (view.submit === undefined && hasInput) report(walk, at, 'submit is required when there are input blocks');
  },
];

/** Violations of Slack's limits in a modal or Home tab view (views.open/update/push/publish, response_action). */
export function checkView(view: unknown): string[] {
  const walk = newWalk();
  if (!isObj(view)) return ['view: must be an object'];
  for (const rule of [...VIEW, ...(view.type === 'modal' ? MODAL : [])]) rule(view, 'view', walk);
  walkBlocks(view.blocks, L.viewBlocks, walk);
  return walk.problems;
}
