/** The RunContext a command receives: the same for a typed command, a schedule tick and an approved request. */
import type { Logger } from 'pino';
import { resolveTarget } from '../catalog.js';
import type {
  Actor,
  ApprovalPort,
  AuditPort,
  CommandDefinition,
  CommandInfo,
  FreezePort,
  Role,
  RunContext,
} from '../define.js';
import type { Redactor } from '../redact/redact.js';
import { swapMemory } from '../store/command-memory.js';
import { requiredRoleFor, satisfies } from './authorize.js';
import type { EngineDeps } from './engine.js';
import type { Replies } from './outcome.js';
import { createRunTools } from './run-tools.js';
import { fieldsOf, synopsisOf } from './schema-fields.js';

export interface ContextInput {
  runId: string;
  actor: { userId: string; teamId: string; kind?: Actor['kind'] };
  roles: Role[];
  replies: Replies;
  log: Logger;
  reason?: string | undefined;
  command: string;
  env: string | undefined;
  /** The conversation the request was typed in, when there is one. */
  channelId?: string | undefined;
}

// A command's synopsis comes from walking its zod schema; `help` lists them all on every call.
const synopses = new WeakMap<CommandDefinition, string>();
function synopsis(c: CommandDefinition): string {
  let text = synopses.get(c);
  if (text === undefined) {
    text = synopsisOf(fieldsOf(c.args, c.positional));
    synopses.set(c, text);
  }
  return text;
}

export interface ContextPorts {
  /** Cancellable runs on this replica, by run id (the Cancel button of a script's progress message). */
  live: Map<string, AbortController>;
  freezes: FreezePort;
  approvals?: ApprovalPort | undefined;
  audit: AuditPort;
}

export function buildRunContext(
  deps: EngineDeps,
  ports: ContextPorts,
  redact: Redactor,
  input: ContextInput,
): RunContext {
  const { roles } = input;
  const tools = createRunTools(
    { ...deps, redact, live: ports.live },
    { runId: input.runId, command: input.command, env: input.env, requester: input.actor.userId },
    input.replies,
    input.log,
  );
  const commandInfo = (c: CommandDefinition): CommandInfo => ({
    name: c.name,
    summary: c.summary,
    usage: c.usage,
    ...(c.whenToUse ? { whenToUse: c.whenToUse } : {}),
    mutates: c.mutates,
    synopsis: synopsis(c),
    allowed: satisfies(roles, requiredRoleFor(c.requiredRole, false)),
  });
  return {
    runId: input.runId,
    actor: { kind: input.actor.kind ?? 'user', userId: input.actor.userId, teamId: input.actor.teamId, roles },
    ...(input.reason ? { reason: input.reason } : {}),
    catalog: deps.catalog,
    log: input.log,
    signal: tools.signal,
    scripts: tools.scripts,
    helm: tools.helm,
    database: tools.database,
    progress: (text) => input.replies.progress(redact(text)),
    k8s: deps.cluster,
    target: (service, env) => resolveTarget(deps.catalog, service, env),
    ...(deps.schedules ? { schedules: deps.schedules } : {}),
    ...(deps.incidents ? { incidents: deps.incidents } : {}),
    ...(deps.reports ? { reports: deps.reports } : {}),
    ...(input.channelId ? { channelId: input.channelId } : {}),
    freezes: ports.freezes,
    memory: { swap: (key, value) => swapMemory(deps.db, key, value) },
    ...(ports.approvals ? { approvals: ports.approvals } : {}),
    audit: ports.audit,
    commands: {
      list: () => deps.registry.commands.map(commandInfo),
      get: (name) => {
        const c = deps.registry.get(name);
        return c ? commandInfo(c) : undefined;
      },
    },
  };
}
