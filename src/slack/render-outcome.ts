/**
 * Outcome → Slack message (text + Block Kit), pure. Stays inside Slack's limits
 * (block-limits.ts): long details are split over several blocks, then cut with
 * a note saying how much was left out.
 */
import type { Outcome } from '../runs/outcome.js';
import { chunkText, escapeMrkdwn } from './mrkdwn.js';

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

// Section text may hold 3000 characters; keep room for the ``` fences.
const DETAIL_CHUNK = 2_900;
const MAX_DETAIL_BLOCKS = 8;

type Block = Record<string, unknown>;
const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

export function detailBlocks(details: string): Block[] {
  const chunks = chunkText(escapeMrkdwn(details), DETAIL_CHUNK);
  const shown = chunks.slice(0, MAX_DETAIL_BLOCKS).map((c) => section(`\`\`\`${c}\`\`\``));
  if (chunks.length > MAX_DETAIL_BLOCKS) {
    const hidden = chunks.slice(MAX_DETAIL_BLOCKS).join('\n').split('\n').length;
    shown.push(context(`… ${hidden} more lines not shown.`));
  }
  return shown;
}

function footer(outcome: Outcome): Block {
  const parts = [`run \`${outcome.runId}\``];
  if (outcome.sandbox) parts.unshift(':test_tube: *SANDBOX* — simulated cluster, nothing real was touched');
  return context(parts.join(' · '));
}

export function renderOutcome(outcome: Outcome): SlackMessage {
  const tag = outcome.sandbox ? '[SANDBOX] ' : '';
  if (outcome.kind === 'error') {
    const blocks: Block[] = [section(`:warning: ${escapeMrkdwn(outcome.message)}`)];
    if (outcome.hint) blocks.push(section(escapeMrkdwn(outcome.hint)));
    blocks.push(footer(outcome));
    return { text: `${tag}${outcome.message}`, blocks };
  }
  if (outcome.kind === 'plan') {
    const changes = outcome.plan.changes.map(
      (c) => `• ${escapeMrkdwn(c.what)}: \`${escapeMrkdwn(c.from)}\` → \`${escapeMrkdwn(c.to)}\``,
    );
    const blocks = [
      section(`:memo: *Plan* (dry run, nothing changed): ${escapeMrkdwn(outcome.plan.summary)}`),
      ...(changes.length ? [section(changes.join('\n').slice(0, 2_900))] : []),
      footer(outcome),
    ];
    return { text: `${tag}Plan: ${outcome.plan.summary}`, blocks };
  }
  const { result } = outcome;
  const icon = result.ok === false ? ':x:' : outcome.audience === 'channel' ? ':white_check_mark:' : '';
  const blocks = [
    section(`${icon ? `${icon} ` : ''}*${escapeMrkdwn(result.summary.slice(0, 2_800))}*`),
    ...(result.details ? detailBlocks(result.details) : []),
    footer(outcome),
  ];
  return { text: `${tag}${result.summary}`, blocks };
}
