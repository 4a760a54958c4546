import { describe, expect, it } from 'vitest';
import { BLOCK_KIT_LIMITS, checkMessage, checkView, truncateText } from '../../src/slack/block-limits.js';
import { approvalMessage, rollbackModal } from './fixtures.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: mrkdwn(text),
  ...extra,
});
const button = (extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'go',
  text: plain('Go'),
  value: 'v',
  ...extra,
});
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
const option = (text: string, value = 'v') => ({ text: plain(text), value });
const select = (options: unknown[]) => ({ type: 'static_select', action_id: 'pick', options });
const x = (n: number) => 'x'.repeat(n);

describe('checkMessage', () => {
  it('accepts a realistic approval message', () => {
    expect(checkMessage(approvalMessage())).toEqual([]);
  });

  it('accepts text alone, and exactly-at-limit values', () => {
    expect(checkMessage({ text: x(40_000) })).toEqual([]);
    expect(checkMessage({ blocks: [section(x(3000)), { type: 'header', text: plain(x(150)) }] })).toEqual([]);
  });

  const cases: Array<[string, { text?: string; blocks?: unknown[] }, string]> = [
    ['message text over 40,000', { text: x(40_001) }, 'text: 40001 chars, max 40000'],
    ['51 blocks', { blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, '51 blocks, max 50'],
    ['section text over 3000', { blocks: [section(x(3001))] }, 'blocks[0] (section).text.text: 3001 chars, max 3000'],
    ['empty section text', { blocks: [section('')] }, 'text.text: must not be empty'],
    ['section without text or fields', { blocks: [{ type: 'section' }] }, 'needs text or fields'],
    [
      '11 section fields',
      { blocks: [section('s', { fields: Array.from({ length: 11 }, () => mrkdwn('f')) })] },
      'fields: 11 items, max 10',
    ],
    [
      'section field over 2000',
      { blocks: [section('s', { fields: [mrkdwn(x(2001))] })] },
      'fields[0].text: 2001 chars',
    ],
    ['header over 150', { blocks: [{ type: 'header', text: plain(x(151)) }] }, 'text.text: 151 chars, max 150'],
    ['mrkdwn header', { blocks: [{ type: 'header', text: mrkdwn('*h*') }] }, 'must be plain_text, not mrkdwn'],
    [
      '11 context elements',
      { blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }] },
      'elements: 11 items, max 10',
    ],
    [
      '26 actions elements',
      { blocks: [actions(...Array.from({ length: 26 }, (_, i) => button({ action_id: `b${i}` })))] },
      'elements: 26 items, max 25',
    ],
    ['empty actions block', { blocks: [actions()] }, 'needs at least 1 item'],
    ['block_id over 255', { blocks: [{ type: 'divider', block_id: x(256) }] }, 'block_id: 256 chars, max 255'],
    [
      'duplicate block_id',
      { blocks: [{ type: 'divider', block_id: 'a' }, section('s', { block_id: 'a' })] },
      'duplicate block_id "a"',
    ],
    ['action_id over 255', { blocks: [actions(button({ action_id: x(256) }))] }, 'action_id: 256 chars, max 255'],
    ['duplicate action_id in a block', { blocks: [actions(button(), button())] }, 'duplicate action_id "go"'],
    ['button text over 75', { blocks: [actions(button({ text: plain(x(76)) }))] }, 'text.text: 76 chars, max 75'],
    ['mrkdwn button text', { blocks: [actions(button({ text: mrkdwn('*Go*') }))] }, 'must be plain_text'],
    ['button value over 2000', { blocks: [actions(button({ value: x(2001) }))] }, 'value: 2001 chars, max 2000'],
    ['button url over 3000', { blocks: [actions(button({ url: x(3001) }))] }, 'url: 3001 chars, max 3000'],
    ['button style', { blocks: [actions(button({ style: 'secondary' }))] }, 'style: must be one of primary, danger'],
    ['option text over 75', { blocks: [actions(select([option(x(76))]))] }, 'options[0].text.text: 76 chars'],
    ['option value over 75', { blocks: [actions(select([option('o', x(76))]))] }, 'value: 76 chars, max 75'],
    ['mrkdwn option in a select', { blocks: [actions(select([{ text: mrkdwn('o'), value: 'v' }]))] }, 'plain_text'],
    [
      '101 select options',
      { blocks: [actions(select(Array.from({ length: 101 }, (_, i) => option(`o${i}`))))] },
      'options: 101 items, max 100',
    ],
    ['select without options', { blocks: [actions({ type: 'static_select', action_id: 's' })] }, 'needs options'],
    [
      '6 overflow options',
      {
        blocks: [
          section('s', { accessory: { type: 'overflow', action_id: 'o', options: Array(6).fill(option('o')) } }),
        ],
      },
      'options: 6 items, max 5',
    ],
    [
      'confirm dialog limits',
      {
        blocks: [
          actions(
            button({
              confirm: { title: plain(x(101)), text: mrkdwn(x(301)), confirm: plain(x(31)), deny: plain('No') },
            }),
          ),
        ],
      },
      'confirm.title.text: 101 chars, max 100',
    ],
    ['text object over 3000', { blocks: [{ type: 'context', elements: [mrkdwn(x(3001))] }] }, '3001 chars, max 3000'],
    ['unknown block type', { blocks: [{ type: 'sectoin' }] }, 'unknown block type "sectoin"'],
    ['unknown element type', { blocks: [actions({ type: 'buton', action_id: 'b' })] }, 'unknown element type "buton"'],
    [
      'cumulative markdown over 12,000',
      {
        blocks: [
          { type: 'markdown', text: x(7000) },
          { type: 'markdown', text: x(5001) },
        ],
      },
      'markdown blocks total 12001 chars, max 12000',
    ],
    ['blocks not an array', { blocks: 'nope' as unknown as unknown[] }, 'blocks: must be an array'],
  ];

  it.each(cases)('reports %s', (_name, payload, expected) => {
    const problems = checkMessage(payload);
    expect(problems.join('\n')).toContain(expected);
  });

  it('reports every problem, each with its path', () => {
    const message = approvalMessage();
    (message.blocks[0] as { text: unknown }).text = plain(x(151));
    (message.blocks[3] as { block_id: string }).block_id = 'summary';
    expect(checkMessage(message)).toEqual([
      'blocks[0] (header).text.text: 151 chars, max 150',
      'blocks[3].block_id: duplicate block_id "summary"',
    ]);
  });
});

describe('checkView', () => {
  it('accepts a realistic modal and a home tab', () => {
    expect(checkView(rollbackModal())).toEqual([]);
    expect(checkView({ type: 'home', blocks: [section('Hello')] })).toEqual([]);
  });

  const modal = (change: Record<string, unknown>) => ({ ...rollbackModal(), ...change });
  const input = (element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'input',
    label: plain('L'),
    element,
    ...extra,
  });
  const cases: Array<[string, unknown, string]> = [
    ['title over 24', modal({ title: plain(x(25)) }), 'view.title.text: 25 chars, max 24'],
    ['mrkdwn title', modal({ title: mrkdwn('Rollback') }), 'view.title: must be plain_text'],
    ['missing title', modal({ title: undefined }), 'view: title is required'],
    ['submit over 24', modal({ submit: plain(x(25)) }), 'view.submit.text: 25 chars'],
    ['close over 24', modal({ close: plain(x(25)) }), 'view.close.text: 25 chars'],
    ['input blocks without submit', modal({ submit: undefined }), 'submit is required when there are input blocks'],
    ['private_metadata over 3000', modal({ private_metadata: x(3001) }), 'private_metadata: 3001 chars, max 3000'],
    ['callback_id over 255', modal({ callback_id: x(256) }), 'callback_id: 256 chars, max 255'],
    ['101 blocks', modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }), '101 blocks, max 100'],
    [
      'input label over 2000',
      modal({ blocks: [input({ type: 'plain_text_input', action_id: 'a' }, { label: plain(x(2001)) })] }),
      'label.text: 2001 chars',
    ],
    [
      'input hint over 2000',
      modal({ blocks: [input({ type: 'plain_text_input', action_id: 'a' }, { hint: plain(x(2001)) })] }),
      'hint.text: 2001 chars',
    ],
    [
      'plain_text_input max_length over 3000',
      modal({ blocks: [input({ type: 'plain_text_input', action_id: 'a', max_length: 3001 })] }),
      'max_length: must be an integer 0–3000',
    ],
    ['input without element', modal({ blocks: [{ type: 'input', label: plain('L') }] }), 'element is required'],
    ['unknown view type', { type: 'dialog', blocks: [] }, 'view.type: must be one of modal, home'],
    ['not an object', 'modal', 'view: must be an object'],
  ];

  it.each(cases)('reports %s', (_name, view, expected) => {
    expect(checkView(view).join('\n')).toContain(expected);
  });

  it('allows 100 blocks in a modal but only 50 in a message', () => {
    const blocks = Array.from({ length: 100 }, () => ({ type: 'divider' }));
    expect(checkView({ type: 'home', blocks })).toEqual([]);
    expect(checkMessage({ blocks })).toEqual(['blocks: 100 blocks, max 50']);
  });
});

describe('truncateText', () => {
  it('keeps short text and cuts long text to the limit with an ellipsis', () => {
    expect(truncateText('short', 10)).toBe('short');
    const cut = truncateText(x(5000), BLOCK_KIT_LIMITS.sectionText);
    expect(cut).toHaveLength(3000);
    expect(cut.endsWith('…')).toBe(true);
    expect(checkMessage({ blocks: [section(cut)] })).toEqual([]);
  });

  it('does not split a surrogate pair', () => {
    const cut = truncateText(`ab${'🚀'.repeat(10)}`, 5);
    expect(cut).toBe('ab🚀…');
    expect(cut.length).toBeLessThanOrEqual(5);
  });
});
