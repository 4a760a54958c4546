/** The approval engine's core: the state machine and its exactly-once guarantees, as PostgreSQL transactions. */
export type {
  ApprovalDecision,
  ApprovalRequest,
  ApprovalState,
  Execution,
  ExecutionOutcome,
} from '../store/approvals.js';
export { APPROVAL_STATES, FINAL_STATES, getApprovalRequest, getExecution, listDecisions } from '../store/approvals.js';
export { isApprovalMessage, listApprovalMessages, recordApprovalMessage } from './approval-messages.js';
export { type CancelInput, type CancelOutcome, type CancelRefusal, cancel } from './cancel.js';
export { type ClaimOptions, type ClaimRefusal, type ClaimResult, claimExecution } from './claim-execution.js';
export {
  type CreateApprovalResult,
  createApprovalRequest,
  type NewApprovalRequest,
  newApprovalId,
} from './create-request.js';
export { type DecideInput, type DecisionOutcome, type DecisionRefusal, decide } from './decide.js';
export { type EligibilityOptions, eligibleApprover, hasOtherEligibleApprover } from './eligibility.js';
export { expireDue } from './expire-due.js';
export { finishExecution } from './finish-execution.js';
export { heartbeat } from './heartbeat.js';
export { APPROVAL_LIMITS } from './limits.js';
export { listPendingFor, listPendingOf } from './list-pending.js';
export { canonicalJson, matchesParamsHash, paramsHash } from './params-hash.js';
export { personOf } from './person.js';
export { reconcileStale } from './reconcile-stale.js';
export { stateSentence } from './state-text.js';
export { type Approver, type EligibilityCheck, type SlackActor, SYSTEM_ACTOR } from './types.js';
