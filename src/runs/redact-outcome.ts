/** Every outcome passes through the redactor before anyone sees it: commands cannot forget. */

import type { Plan } from '../define.js';
import type { Redactor } from '../redact/redact.js';
import type { Outcome } from './outcome.js';

export function redactPlan(plan: Plan, redact: Redactor): Plan {
  const changes = plan.changes.map((c) => ({ ...c, from: redact(c.from), to: redact(c.to) }));
  return { summary: redact(plan.summary), changes };
}

export function redactOutcome(outcome: Outcome, redact: Redactor): Outcome {
  if (outcome.kind === 'error') {
    return { ...outcome, message: redact(outcome.message), ...(outcome.hint ? { hint: redact(outcome.hint) } : {}) };
  }
  if (outcome.kind === 'plan') return { ...outcome, plan: redactPlan(outcome.plan, redact) };
  // The request's plan was redacted before it was stored; its reason is the requester's own words.
  if (outcome.kind === 'approval') return outcome;
  const { result } = outcome;
  return {
    ...outcome,
    result: {
      ...result,
      summary: redact(result.summary),
      ...(result.details ? { details: redact(result.details) } : {}),
    },
  };
}
