/** The defaults of APPROVALS.md §2, with their allowed ranges. */
export const APPROVAL_LIMITS = {
  /** Pending TTL. */
  ttlMinutes: { default: 15, min: 5, max: 60 },
  /** Approved → must start within. */
  approvalWindowMinutes: { default: 5, min: 1, max: 15 },
  quorum: { min: 1, max: 3 },
  /** Case 40: keeps approver attention scarce. */
  pendingPerRequester: 3,
  /** Case 35. */
  breakGlassPerDay: 3,
  reasonMaxLength: 500,
} as const;
