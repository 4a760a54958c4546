/** The ApprovalPort behind `/ops approvals` and `/ops policy`. */
import { cancel } from '../approvals/cancel.js';
import { decide } from '../approvals/decide.js';
import { personOf } from '../approvals/person.js';
import { policyFor } from '../approvals/policy-for.js';
import type { ApprovalInfo, ApprovalPort } from '../define.js';
import { type ApprovalRequest, getApprovalRequest, listDecisions, listPendingRequests } from '../store/approvals.js';
import { listOpenReviews } from '../store/break-glass-reviews.js';
import { approverCheck } from './approver-check.js';
import type { EngineDeps } from './engine.js';

async function info(deps: EngineDeps, r: ApprovalRequest): Promise<ApprovalInfo> {
  const approvals = (await listDecisions(deps.db, r.id)).filter((d) => d.decision === 'approve').length;
  const { id, command, service, env, requester, state, reason, incidentId, breakGlass, quorum, policy, plan } = r;
  return {
    id,
    command,
    service,
    env,
    requester,
    state,
    reason,
    incidentId,
    breakGlass,
    quorum,
    approvals,
    policy,
    plan,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    summary: r.summary,
  };
}

export function createApprovalPort(deps: EngineDeps, executeApproved: (id: string) => Promise<unknown>): ApprovalPort {
  const { db, catalog } = deps;
  const notifier = () => deps.approvals?.notifier;
  return {
    async pendingFor(actor) {
      const person = personOf(catalog, actor.userId);
      const pending = await listPendingRequests(db, { excludePerson: person, excludeUser: actor.userId, limit: 50 });
      const mayDecide: ApprovalInfo[] = [];
      for (const r of pending) {
        if (await approverCheck(deps, r)({ ...actor, person }).catch(() => false)) mayDecide.push(await info(deps, r));
      }
      return mayDecide;
    },
    async mine(actor) {
      const pending = await listPendingRequests(db, { requesterPerson: personOf(catalog, actor.userId), limit: 50 });
      return Promise.all(pending.map((r) => info(deps, r)));
    },
    async openReviews() {
      const reviews = await listOpenReviews(db);
      const out = [];
      for (const review of reviews) {
        const r = await getApprovalRequest(db, review.requestId);
        if (r) out.push({ request: await info(deps, r), dueAt: review.dueAt });
      }
      return out;
    },
    async cancel(id, actor) {
      const request = await getApprovalRequest(db, id);
      if (!request) return { ok: false, message: `There is no approval request ${id}. /ops approvals lists yours.` };
      const person = personOf(catalog, actor.userId);
      const isApprover =
        person !== request.requesterPerson && (await approverCheck(deps, request)({ ...actor, person }));
      const outcome = await cancel(db, { requestId: id, actor, person, isApprover });
      if (outcome.request) await notifier()?.changed(outcome.request);
      return { ok: outcome.kind === 'cancelled', message: outcome.message };
    },
    async decide(id, actor, decision, reason) {
      const request = await getApprovalRequest(db, id);
      if (!request)
        return { ok: false, message: `There is no approval request ${id}. /ops approvals lists those you may decide.` };
      const person = personOf(catalog, actor.userId);
      const outcome = await decide(db, {
        requestId: id,
        actor,
        person,
        decision,
        reason,
        // Typed by id: the request is immutable, so its id names exactly what the approver looked up.
        paramsHash: request.paramsHash,
        eligible: approverCheck(deps, request),
      });
      if (outcome.kind === 'refused') {
        if (outcome.request && outcome.request.state !== request.state) await notifier()?.changed(outcome.request);
        return { ok: false, message: outcome.message };
      }
      await notifier()?.changed(outcome.request);
      if (outcome.kind === 'approved') await executeApproved(id);
      return { ok: true, message: outcome.message };
    },
    explain(commandName, env, service) {
      const command = deps.registry.get(commandName);
      const production = catalog.environments[env]?.production ?? false;
      const tier = (service && catalog.services[service]?.tier) || 'standard';
      const choice = command ? policyFor(deps.registry.policies, { command, env, production, tier }) : undefined;
      const p = choice?.policy;
      return {
        production,
        mutates: command?.mutates ?? false,
        alsoMatched: choice?.alsoMatched.map((m) => m.name) ?? [],
        ...(choice && p
          ? {
              because: choice.because,
              policy: {
                name: p.name,
                ...(p.summary ? { summary: p.summary } : {}),
                approvals: p.require.approvals,
                fromRoles: p.require.fromRoles,
                expiresAfter: p.expiresAfter ?? '15m',
                schedules: p.schedules,
              },
            }
          : {}),
      };
    },
  };
}
