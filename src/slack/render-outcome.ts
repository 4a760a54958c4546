/**
 * Outcome → Slack message (text + Block Kit), pure. Stays inside Slack's limits
 * (block-limits.ts): long details are split over several blocks, then cut with
 * a note saying how much was left out.
 */
import type { NextAction } from '../define.js';
import { approvalLine } from '../runs/approval-text.js';
import type { Outcome, RunStarted } from '../runs/outcome.js';
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
  if (outcome.kind === 'approval') {
    // Only validated fields (command, service, env, ids) go into this line: it is mrkdwn on purpose.
    const line = approvalLine(
      outcome,
      (id) => `<@${id}>`,
      (id) => `<#${id}>`,
    );
    return { text: `${tag}${line}`, blocks: [section(`:lock: ${line}`), footer(outcome)] };
  }
  const { result } = outcome;
  const icon = result.ok === false ? ':x:' : outcome.audience === 'channel' ? ':white_check_mark:' : '';
  const blocks = [
    section(`${icon ? `${icon} ` : ''}*${escapeMrkdwn(result.summary.slice(0, 2_800))}*`),
    ...(result.details ? detailBlocks(result.details) : []),
    ...(result.actions?.length ? [actionButtons(result.actions)] : []),
    footer(outcome),
  ];
  return { text: `${tag}${result.summary}`, blocks };
}

export const RUN_ACTION_PREFIX = 'ops_run:';

/** Next steps as buttons; the value is the command text, re-parsed and re-authorized when clicked. */
export function actionButtons(actions: readonly NextAction[]): Block {
  return {
    type: 'actions',
    elements: actions.slice(0, 5).map((a, i) => ({
      type: 'button',
      action_id: `${RUN_ACTION_PREFIX}${i}`,
      text: { type: 'plain_text', text: a.label.slice(0, 75) },
      value: a.command.slice(0, 2_000),
      ...(a.style ? { style: a.style } : {}),
      ...(a.style === 'danger'
        ? {
            confirm: {
              title: { type: 'plain_text', text: `${a.label.slice(0, 90)}?` },
              text: { type: 'plain_text', text: `/ops ${a.command}`.slice(0, 300) },
              confirm: { type: 'plain_text', text: 'Run it' },
              deny: { type: 'plain_text', text: 'Cancel' },
              style: 'danger',
            },
          }
        : {}),
    })),
  };
}

/** The channel message that announces a change; edited to its outcome when it ends. */
export function renderStarted(run: RunStarted, userId: string): SlackMessage {
  const tag = run.sandbox ? '[SANDBOX] ' : '';
  const changes = run.plan.changes.map(
    (c) => `• ${escapeMrkdwn(c.what)}: \`${escapeMrkdwn(c.from)}\` → \`${escapeMrkdwn(c.to)}\``,
  );
  const blocks: Block[] = [
    section(`:hourglass_flowing_sand: <@${userId}> is running *${escapeMrkdwn(run.plan.summary.slice(0, 2_500))}*`),
    ...(changes.length ? [section(changes.join('\n').slice(0, 2_900))] : []),
    context(`${run.sandbox ? ':test_tube: *SANDBOX* · ' : ''}run \`${run.runId}\` · progress in the thread`),
  ];
  return { text: `${tag}Running: ${run.plan.summary}`, blocks };
}
