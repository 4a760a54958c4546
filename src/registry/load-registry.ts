/**
 * Loads the ops content at boot, as graphile-worker scans tasks/: every file in
 * commands/, schedules/ and approvals/ is imported and its default export
 * validated. A duplicate name, a file named differently from its command, or a
 * schedule naming an unknown command stops the start with the file to fix.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import cron from 'node-cron';
import type { z } from 'zod';
import type { CommandDefinition, PolicyDefinition, ScheduleDefinition } from '../define.js';
import { OpsError } from '../errors.js';
import { bindArgs } from '../runs/bind-args.js';
import { parseCommandText } from '../runs/parse-command-text.js';
import { createRegistry, type Registry } from './registry.js';
import { commandShape, policyShape, scheduleShape } from './validate-definitions.js';

const CONTENT_FILE = /^(?!.*\.d\.ts$)(?!.*\.test\.[jt]s$)[^.].*\.(ts|js|mjs)$/;

async function importAll(dir: string): Promise<Array<{ file: string; value: unknown }>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = names.filter((n) => CONTENT_FILE.test(n)).sort();
  return Promise.all(
    files.map(async (name) => {
      const file = path.join(dir, name);
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      return { file, value: module.default };
    }),
  );
}

function check<T>(shape: z.ZodType, file: string, value: unknown, kind: string): T {
  if (value === undefined) {
    throw new OpsError('config', `${file}: has no default export; export default define${kind}({...}).`);
  }
  const result = shape.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new OpsError('config', `${file}: not a valid ${kind.toLowerCase()} (${problems}).`);
  }
  return value as T;
}

function checkTiming(schedule: ScheduleDefinition): string | undefined {
  if (!cron.validate(schedule.cron)) {
    return `cron "${schedule.cron}" is not a valid expression; write five fields, e.g. "0 2 * * 5" for Fridays 02:00.`;
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: schedule.timezone ?? 'UTC' });
  } catch {
    return `timezone "${schedule.timezone}" is not an IANA time zone; write e.g. "UTC" or "Europe/Lisbon".`;
  }
  return undefined;
}

export async function loadRegistry(contentRoot: string): Promise<Registry> {
  const problems: string[] = [];
  const commands: CommandDefinition[] = [];
  const byName = new Map<string, string>();
  for (const { file, value } of await importAll(path.join(contentRoot, 'commands'))) {
    const command = check<CommandDefinition>(commandShape, file, value, 'Command');
    const expected = command.name.replaceAll(' ', '-');
    if (path.basename(file).replace(/\.(ts|js|mjs)$/, '') !== expected) {
      problems.push(`${file}: command "${command.name}" must live in commands/${expected}.ts.`);
    }
    if (command.mutates && !command.plan) {
      problems.push(`${file}: "${command.name}" mutates, so it needs plan(ctx, args) describing what will change.`);
    }
    const previous = byName.get(command.name);
    if (previous) problems.push(`${file}: command "${command.name}" is already defined in ${previous}.`);
    byName.set(command.name, file);
    commands.push(command);
  }

  const registry = createRegistry(commands, [], []);
  const schedules: ScheduleDefinition[] = [];
  for (const { file, value } of await importAll(path.join(contentRoot, 'schedules'))) {
    const schedule = check<ScheduleDefinition>(scheduleShape, file, value, 'Schedule');
    const timing = checkTiming(schedule);
    if (timing) problems.push(`${file}: ${timing}`);
    const runs = schedule.steps ?? [schedule];
    for (const [i, run] of runs.entries()) {
      const where = schedule.steps ? ` step ${i + 1}` : '';
      const command = registry.get(run.command);
      if (!command)
        problems.push(`${file}: schedule "${schedule.name}"${where} names unknown command "${run.command}".`);
      else {
        try {
          const words = Object.entries(run.args).map(([k, v]) => `--${k}=${JSON.stringify(String(v))}`);
          bindArgs(command, parseCommandText(words.join(' ')).tokens);
        } catch (error) {
          problems.push(`${file}:${where} arguments do not fit "${run.command}": ${(error as Error).message}`);
        }
      }
    }
    if (schedules.some((s) => s.name === schedule.name))
      problems.push(`${file}: duplicate schedule "${schedule.name}".`);
    schedules.push(schedule);
  }

  const policies: PolicyDefinition[] = [];
  for (const { file, value } of await importAll(path.join(contentRoot, 'approvals'))) {
    const policy = check<PolicyDefinition>(policyShape, file, value, 'Policy');
    for (const name of policy.appliesTo.commands ?? []) {
      if (!registry.get(name)) problems.push(`${file}: policy "${policy.name}" names unknown command "${name}".`);
    }
    if (policies.some((p) => p.name === policy.name)) problems.push(`${file}: duplicate policy "${policy.name}".`);
    policies.push(policy);
  }

  if (problems.length > 0) throw new OpsError('config', `The ops content has problems:\n${problems.join('\n')}`);
  return createRegistry(commands, schedules, policies);
}
