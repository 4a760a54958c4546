/**
 * A real RunContext for command tests: the sandbox cluster (fake kube-apiservers over HTTP, read
 * through the real client-node adapter), a real pino logger collecting JSON lines, and a small
 * catalog in the shape of catalog.yaml.
 */
import type { Catalog } from '../../src/catalog.js';
import { resolveTarget } from '../../src/catalog.js';
import type { Actor, CommandDefinition, CommandResult, RunContext } from '../../src/define.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { type CollectedLogs, collectLogs } from './collect-logs.js';

const service = (deployment: string, extra: Partial<Catalog['services'][string]> = {}) => ({
  deployment,
  maxReplicas: 20,
  owners: ['U0ALICE'],
  tier: 'standard' as const,
  healthChecks: [],
  env: {},
  ...extra,
});

const notWired = (what: string) => () => {
  throw new Error(`ctx.${what} is not wired in createRunContext; drive the command through the engine instead`);
};

export function testCatalog(): Catalog {
  return {
    environments: {
      dev: { kubeContext: 'dev-cluster', namespace: 'neural-hive-mind', production: false, freezes: [] },
      staging: { kubeContext: 'staging-cluster', namespace: 'neural-hive-mind', production: false, freezes: [] },
      prod: {
        kubeContext: 'prod-cluster',
        namespace: 'neural-hive-mind',
        production: true,
        channel: 'C0PRODOPS',
        freezes: [],
      },
    },
    services: {
      'api-gateway': service('api-gateway', { tier: 'critical', env: { prod: { namespace: 'edge' } } }),
      'neural-engine': service('neural-engine'),
      backend: service('backend'),
      frontend: service('frontend'),
      worker: service('worker'),
    },
    roles: {
      viewer: ['*'],
      operator: ['U0ALICE', 'U0BOB'],
      approver: ['U0ALICE', 'U0BOB'],
      admin: ['U0ALICE'],
      'break-glass': ['U0ALICE'],
    },
    people: { alice: ['U0ALICE'], bob: ['U0BOB'] },
    channels: { alerts: 'C0ALERTS', approvals: 'C0APPROVALS' },
  };
}

export interface TestRunContext {
  ctx: RunContext;
  sandbox: Sandbox;
  logs: CollectedLogs;
  /** Every progress text, in order. */
  progress: string[];
  /** Parse the words as the engine would map positional args, then run the command. */
  run<S extends CommandDefinition['args']>(
    command: CommandDefinition<S>,
    args: Record<string, unknown>,
  ): Promise<CommandResult>;
  close(): Promise<void>;
}

export async function createRunContext(
  options: { catalog?: Catalog; actor?: Partial<Actor> } = {},
): Promise<TestRunContext> {
  const catalog = options.catalog ?? testCatalog();
  const sandbox = await startSandbox(sandboxEnvironments(catalog));
  const logs = collectLogs();
  const progress: string[] = [];
  const runId = `run-${Math.random().toString(16).slice(2, 10)}`;
  const ctx: RunContext = {
    runId,
    actor: { kind: 'user', userId: 'U0ALICE', teamId: 'T0TEAM', roles: ['viewer', 'operator'], ...options.actor },
    catalog,
    log: logs.logger.child({ runId }),
    signal: new AbortController().signal,
    async progress(text) {
      progress.push(text);
    },
    // Look at rollouts every 50 ms instead of every second: the fake answers at once.
    k8s: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true, rolloutPollMs: 50 }),
    target: (name, env) => resolveTarget(catalog, name, env),
    commands: { list: () => [], get: () => undefined },
    // Script, helm and database commands are tested through the engine (test/support/tools-engine.ts).
    scripts: { run: notWired('scripts') },
    helm: { history: notWired('helm'), rollback: notWired('helm') },
    database: notWired('database'),
  };
  return {
    ctx,
    sandbox,
    logs,
    progress,
    run: async (command, args) => command.run(ctx, command.args.parse(args)),
    close: () => sandbox.close(),
  };
}
