/**
 * Every accepted request for a change is a row in `requests`, from the moment
 * it is accepted until it ends: what reports count (changes, failures,
 * refusals). Read-only commands are in the audit trail only, which keeps
 * them to one database write each.
 */
import type { Redactor } from '../redact/redact.js';
import type { Db } from '../store/db.js';
import { finishRequest, insertRequest, markAwaitingApproval, type RunOutcome } from '../store/requests.js';
import type { Outcome } from './outcome.js';
import type { ParsedRequest } from './parse-request.js';

const REFUSALS = new Set(['usage', 'forbidden', 'refused', 'target_locked', 'approval_expired']);

export async function recordRunStart(
  db: Db,
  runId: string,
  request: { actor: { userId: string; teamId: string }; channelId?: string },
  parsed: ParsedRequest,
  redact: Redactor,
): Promise<void> {
  await insertRequest(db, {
    id: runId,
    command: parsed.command.name,
    args: JSON.parse(redact(JSON.stringify(parsed.args))) as Record<string, unknown>,
    environment: parsed.env ?? null,
    target: parsed.service ?? null,
    requester: request.actor.userId,
    teamId: request.actor.teamId,
    channel: request.channelId ?? null,
    state: 'running',
  });
}

export async function recordRunEnd(db: Db, outcome: Outcome): Promise<void> {
  // Waiting for approval: the request stays open; the approved execution (or its refusal) finishes it.
  if (outcome.kind === 'approval' && !outcome.existing) return markAwaitingApproval(db, outcome.runId);
  if (outcome.kind === 'approval') {
    await finishRequest(db, outcome.runId, 'refused', `already requested as ${outcome.request.id}`);
    return;
  }
  const [result, summary]: [RunOutcome, string] =
    outcome.kind === 'error'
      ? [REFUSALS.has(outcome.code) ? 'refused' : 'failed', outcome.message]
      : outcome.kind === 'plan'
        ? ['succeeded', `plan: ${outcome.plan.summary}`]
        : [outcome.result.ok === false ? 'failed' : 'succeeded', outcome.result.summary];
  await finishRequest(db, outcome.runId, result, summary.slice(0, 1_000));
}
