/** Outcome → terminal text for the console front end. */
import { approvalLine } from '../runs/approval-text.js';
import type { Outcome } from '../runs/outcome.js';

export function renderOutcomeText(outcome: Outcome): string {
  const tag = outcome.sandbox ? '[SANDBOX] ' : '';
  const footer = `  (run ${outcome.runId})`;
  if (outcome.kind === 'error') {
    return [`${tag}✗ ${outcome.message}`, ...(outcome.hint ? [outcome.hint] : []), footer].join('\n');
  }
  if (outcome.kind === 'plan') {
    const changes = outcome.plan.changes.map((c) => `  • ${c.what}: ${c.from} → ${c.to}`);
    return [`${tag}Plan (dry run, nothing changed): ${outcome.plan.summary}`, ...changes, footer].join('\n');
  }
  if (outcome.kind === 'approval') return [`${tag}${approvalLine(outcome)}`, footer].join('\n');
  const { result } = outcome;
  const mark = result.ok === false ? '✗ ' : outcome.audience === 'channel' ? '✓ ' : '';
  const file = result.attachment ? [`--- ${result.attachment.filename} ---`, result.attachment.content.trimEnd()] : [];
  return [`${tag}${mark}${result.summary}`, ...(result.details ? [result.details] : []), ...file, footer].join('\n');
}
