/** Every request writes an audit row: who asked what, where, and how it ended. */

import type { Plan } from '../define.js';
import { appendAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import type { Outcome } from './outcome.js';
import type { ParsedRequest } from './parse-request.js';

export async function auditRun(
  db: Db,
  request: {
    text: string;
    actor: { userId: string; teamId: string; kind?: string };
    channelId?: string;
    source: string;
  },
  parsed: ParsedRequest | undefined,
  outcome: Outcome,
): Promise<void> {
  const kind =
    outcome.kind === 'error'
      ? outcome.code === 'usage'
        ? 'command.rejected'
        : outcome.code === 'internal'
          ? 'command.failed'
          : 'command.refused'
      : outcome.kind === 'plan'
        ? 'command.planned'
        : outcome.kind === 'approval'
          ? 'command.awaiting_approval'
          : outcome.result.ok === false
            ? 'command.failed'
            : 'command.succeeded';
  await appendAudit(db, {
    actor: request.actor.userId,
    teamId: request.actor.teamId,
    kind,
    command: parsed?.command.name ?? null,
    environment: parsed?.env ?? null,
    target: parsed?.service ?? null,
    requestId: outcome.runId,
    payload: {
      text: request.text,
      source: request.source,
      channel: request.channelId ?? null,
      ...(outcome.kind === 'error' ? { code: outcome.code, message: outcome.message } : {}),
      ...(outcome.kind === 'result' ? { summary: outcome.result.summary } : {}),
      ...(outcome.kind === 'plan' ? { plan: outcome.plan } : {}),
      ...(outcome.kind === 'approval' ? { approval: outcome.request.id, existing: outcome.existing } : {}),
    },
  });
}

/** Before a change runs: if the process dies mid-way, the trail still shows it started. */
export async function auditStart(
  db: Db,
  request: { text: string; actor: { userId: string; teamId: string }; source: string; channelId?: string },
  parsed: ParsedRequest,
  runId: string,
  plan?: Plan,
): Promise<void> {
  await appendAudit(db, {
    actor: request.actor.userId,
    teamId: request.actor.teamId,
    kind: 'command.started',
    command: parsed.command.name,
    environment: parsed.env ?? null,
    target: parsed.service ?? null,
    requestId: runId,
    // The plan too (and the channel), so an incident timeline shows what the change was meant to do.
    payload: {
      text: request.text,
      source: request.source,
      args: parsed.args,
      ...(plan ? { plan } : {}),
      channel: request.channelId ?? null,
    },
  });
}
