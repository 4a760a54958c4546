/**
 * The helm CLI for one run: argv only (never a shell), always with the environment's kube context and
 * namespace, an allow-listed environment, output redacted. `rollback` streams into the progress message
 * and stops with the Cancel button or the timeout, like a runbook script.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { Catalog } from '../catalog.js';
import { OpsError } from '../errors.js';
import type { Redactor } from '../redact/redact.js';
import type { RunCancellation } from '../runs/run-cancellation.js';
import type { Helm, HelmRevision } from '../runs/tool-ports.js';
import { createOutputCollector } from '../scripts/collect-output.js';
import { createGroupRegistry } from '../scripts/process-group.js';
import { buildScriptEnv } from '../scripts/script-env.js';
import { spawnInGroup } from '../scripts/spawn-in-group.js';

/** What helm reads from its environment: where the clusters are and where it keeps its own files. */
const HELM_ENV = ['KUBECONFIG', 'HELM_CACHE_HOME', 'HELM_CONFIG_HOME', 'HELM_DATA_HOME', 'HELM_DRIVER'];

export interface HelmOptions {
  catalog: Catalog;
  variable: (name: string) => string | undefined;
  redact: Redactor;
  cancellation: RunCancellation;
  progress(text: string, cancellable: boolean): Promise<void>;
}

async function findHelm(searchPath: string | undefined): Promise<string> {
  for (const dir of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, 'helm');
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  throw new OpsError('config', 'helm is not installed where opsbot can run it (not found on its PATH).', {
    hint: 'Install helm 3 in opsbot’s image or host, or add its directory to PATH.',
  });
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)}s`;

export function createHelm(o: HelmOptions): Helm {
  const groups = createGroupRegistry();
  const where = (env: string) => {
    const e = o.catalog.environments[env];
    if (!e) throw new OpsError('usage', `Unknown environment "${env}".`);
    return ['--kube-context', e.kubeContext, '--namespace', e.namespace];
  };
  const prepare = async () => {
    const { env } = buildScriptEnv(o.variable, HELM_ENV, []);
    return { env, helm: await findHelm(env.PATH) };
  };
  const failure = (what: string, output: string, env: string) => {
    const text = o.redact(output.trim()) || '(no output)';
    const notFound = /not found/i.test(text);
    const last = text.split('\n').slice(-3).join(' ');
    return new OpsError(notFound ? 'not_found' : 'script_failed', `${what} failed: ${last}`, {
      hint: notFound
        ? `Check the release name, and that it lives in namespace ${o.catalog.environments[env]?.namespace}.`
        : 'helm said why above; fix that and run the command again.',
    });
  };

  return {
    async history(release, env, options = {}) {
      const { env: vars, helm } = await prepare();
      const argv = ['history', release, ...where(env), '--max', String(options.max ?? 20), '--output', 'json'];
      const r = await execa(helm, argv, {
        env: vars,
        extendEnv: false,
        reject: false,
        timeout: 60_000,
        cancelSignal: o.cancellation.signal,
        stdin: 'ignore',
      });
      if (r.exitCode !== 0) throw failure(`helm history ${release} in ${env}`, `${r.stderr}\n${r.stdout}`, env);
      const rows = JSON.parse(r.stdout || '[]') as Array<Record<string, unknown>>;
      return rows.map(
        (row): HelmRevision => ({
          revision: Number(row.revision),
          updated: String(row.updated ?? ''),
          status: String(row.status ?? ''),
          chart: String(row.chart ?? ''),
          appVersion: String(row.app_version ?? ''),
          description: String(row.description ?? ''),
        }),
      );
    },

    async rollback(release, env, revision, options = {}) {
      const { env: vars, helm } = await prepare();
      const timeoutMs = options.timeoutMs ?? 10 * 60_000;
      const argv = [
        'rollback',
        release,
        ...(revision === undefined ? [] : [String(revision)]),
        ...where(env),
        '--wait',
        '--timeout',
        seconds(timeoutMs),
      ];
      const headline = `helm rollback ${release} in ${env}${revision === undefined ? '' : ` to revision ${revision}`}`;
      const lines: string[] = [];
      const show = () => o.progress([headline, ...lines].join('\n'), true).catch(() => {});
      const collector = createOutputCollector({
        redact: o.redact,
        onLine: (line) => {
          lines.push(line.slice(0, 300));
          if (lines.length > 8) lines.shift();
          void show();
        },
        maxBytes: 1024 * 1024,
        excerptLines: 20,
        onLineError: () => {},
      });
      const started = performance.now();
      const exit = await o.cancellation.during(async () => {
        await show();
        return spawnInGroup(helm, argv, {
          name: 'helm',
          cwd: process.cwd(),
          env: vars,
          // helm's own --timeout ends the wait; this one is the backstop if helm itself hangs.
          timeoutMs: timeoutMs + 60_000,
          signal: o.cancellation.signal,
          killGraceMs: 5_000,
          groups,
          onOutput: (chunk, stream) => collector.write(chunk, stream),
          onLeftovers: () => {},
        });
      });
      collector.end('stdout');
      collector.end('stderr');
      const by = o.cancellation.cancelledBy();
      return {
        script: 'helm rollback',
        ...exit,
        durationMs: Math.round(performance.now() - started),
        ...collector.result(),
        ok: exit.exitCode === 0 && !exit.timedOut && !exit.cancelled,
        ...(exit.cancelled && by ? { cancelledBy: by } : {}),
      };
    },
  };
}
