/**
 * What the approval and audit commands may ask of the engine (part of the RunContext, re-exported by
 * define.ts). Commands see plain data; the rules stay in src/approvals/ and src/store/.
 */

export interface ApprovalInfo {
  id: string;
  command: string;
  service: string;
  env: string;
  /** Slack user id, or 'schedule:<name>'. */
  requester: string;
  state: string;
  reason: string | null;
  incidentId: string | null;
  breakGlass: boolean;
  quorum: number;
  approvals: number;
  policy: string;
  plan: { summary: string; changes: { what: string; from: string; to: string }[] };
  createdAt: Date;
  expiresAt: Date;
  summary: string | null;
}

export interface BreakGlassReviewInfo {
  request: ApprovalInfo;
  dueAt: Date;
}

export interface PolicyExplanation {
  /** Undefined: no policy applies, so no approval is needed (or, in production, the change is refused). */
  policy?: {
    name: string;
    summary?: string;
    approvals: number;
    fromRoles: readonly string[];
    expiresAfter: string;
    schedules: string;
  };
  because?: string;
  alsoMatched: string[];
  production: boolean;
  mutates: boolean;
}

export interface ApprovalPort {
  /** Pending requests this person may decide (not their own, not already decided by them). */
  pendingFor(actor: { userId: string; teamId: string }): Promise<ApprovalInfo[]>;
  /** This person's own open requests. */
  mine(actor: { userId: string; teamId: string }): Promise<ApprovalInfo[]>;
  /** Break-glass changes nobody has reviewed yet. */
  openReviews(): Promise<BreakGlassReviewInfo[]>;
  /** A sentence saying what happened (cancelled, or why not). */
  cancel(id: string, actor: { userId: string; teamId: string }): Promise<{ ok: boolean; message: string }>;
  /** Approve or reject by id (the console has no buttons); when the quorum is met the change runs. */
  decide(
    id: string,
    actor: { userId: string; teamId: string },
    decision: 'approve' | 'reject',
    reason?: string,
  ): Promise<{ ok: boolean; message: string }>;
  explain(command: string, env: string, service?: string): PolicyExplanation;
}

export interface AuditEntry {
  at: Date;
  actor: string;
  kind: string;
  command: string | null;
  environment: string | null;
  target: string | null;
  requestId: string | null;
  /** The one-line gist: the summary, message, or typed text. */
  gist: string;
}

export interface AuditPort {
  list(filter: { service?: string; env?: string; since: Date; limit: number }): Promise<AuditEntry[]>;
  /** Recomputes the hash chain: where it breaks first, if anywhere, and how many entries it covers. */
  verify(): Promise<{ ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string }>;
}
