/** Approval requests in the console: no cards, so each transition is a line in the terminal. */
import type { Writable } from 'node:stream';
import { stateSentence } from '../approvals/state-text.js';
import type { ApprovalNotifier } from '../runs/approval-notifier.js';
import { textOf as what } from '../runs/approval-text.js';
import type { Replies } from '../runs/outcome.js';
import { renderOutcomeText } from './render-text.js';

export function createConsoleApprovalNotifier(output: Writable): ApprovalNotifier {
  const line = (text: string) => output.write(`${text}\n`);
  return {
    async opened(r) {
      line(
        `[approval ${r.id}] ${what(r)} by ${r.requester} waits for ${r.quorum} approver(s) until ${r.expiresAt.toISOString()}.`,
      );
      line(
        `  Another approver decides it with ":as <name>" then "approvals approve ${r.id}" (or "approvals reject ${r.id} --reason …").`,
      );
    },
    async changed(r) {
      line(`[approval ${r.id}] ${stateSentence(r)}${r.summary ? ` ${r.summary}` : ''}`);
    },
    async breakGlass(r) {
      line(
        `[approval ${r.id}] BREAK-GLASS by ${r.requester} for ${r.incidentId}: ${what(r)} runs without a second approver. An approver must review it within 24 hours.`,
      );
    },
    async reminder(r) {
      line(`[approval ${r.id}] Still waiting for approval: ${what(r)}, expires ${r.expiresAt.toISOString()}.`);
    },
    async reviewOverdue(r) {
      line(`[approval ${r.id}] The review of break-glass change ${what(r)} is overdue.`);
    },
    repliesFor(): Replies {
      return {
        started: async (run) => void line(`Running: ${run.plan.summary}`),
        progress: async (text) => void line(`  … ${text}`),
        send: async (outcome) => void line(renderOutcomeText(outcome)),
      };
    },
  };
}
