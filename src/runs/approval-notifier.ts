/**
 * How the engine tells people about approval requests, whatever the front end: Slack posts and edits cards,
 * the console prints lines. Every transition calls `changed`, so every card shows the real state (case 38).
 */
import type { PolicyDefinition } from '../define.js';
import type { ApprovalRequest } from '../store/approvals.js';
import type { Replies } from './outcome.js';

export interface ApprovalNotifier {
  /** A new request: its card goes to the approvals channel and to the requester's channel. */
  opened(request: ApprovalRequest): Promise<void>;
  /** Any transition (decision, expiry, execution, outcome): every card is redrawn; final ones lose their buttons. */
  changed(request: ApprovalRequest): Promise<void>;
  /** A break-glass change: announced in the environment's channel and the approvals channel, review pending. */
  breakGlass(request: ApprovalRequest): Promise<void>;
  /** Half the request's time to live is gone and nobody decided: approvers are reminded, once. */
  reminder(request: ApprovalRequest): Promise<void>;
  /** A break-glass review nobody acknowledged in time: said again, loudly, once. */
  reviewOverdue(request: ApprovalRequest): Promise<void>;
  /** Where an approved request's run reports: the requester's thread under its card. */
  repliesFor(request: ApprovalRequest): Replies;
  /** The approvals channel, to say where the card is. */
  approvalsChannel?: string | undefined;
}

export interface ApprovalSettings {
  notifier: ApprovalNotifier;
  /** This replica's id, recorded on the execution it claims. */
  replica: string;
}

export type PolicyLookup = (name: string) => PolicyDefinition | undefined;
