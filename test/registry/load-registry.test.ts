import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/registry/load-registry.js';
import { CONTENT_ROOT } from '../../src/start-opsbot.js';

const define = pathToFileURL(path.resolve('src/define.ts')).href;
const zod = pathToFileURL(path.resolve('node_modules/zod/index.js')).href;
let root: string;

async function content(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(path.join(tmpdir(), 'opsbot-registry-'));
  for (const [file, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), `import { z } from '${zod}';\nimport * as d from '${define}';\n${body}`);
  }
  return root;
}

const command = (name: string, extra = '') =>
  `export default d.defineCommand({ name: '${name}', summary: 's', usage: ['${name}'], args: z.object({ env: d.arg.env() }), mutates: false, requiredRole: 'viewer', run: async () => ({ summary: 'ok' }) ${extra} });`;

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the registry', () => {
  it('loads the shipped commands, schedules and policies', async () => {
    const registry = await loadRegistry(CONTENT_ROOT);
    const names = registry.commands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['help', 'whoami', 'status', 'history', 'pods']));
    expect(registry.match(['status', 'api-gateway', 'prod'])?.command.name).toBe('status');
  });

  it('matches the longest multi-word name first and lists groups', async () => {
    const dir = await content({
      'commands/db.ts': command('db'),
      'commands/db-activity.ts': command('db activity'),
    });
    const registry = await loadRegistry(dir);
    expect(registry.match(['db', 'activity', 'prod'])).toMatchObject({ command: { name: 'db activity' }, consumed: 2 });
    expect(registry.match(['db', 'prod'])).toMatchObject({ command: { name: 'db' }, consumed: 1 });
    expect(registry.groups()).toEqual(['db']);
  });

  it('refuses a duplicate name, naming both files', async () => {
    const dir = await content({
      'commands/status.ts': command('status'),
      'commands/status-copy.ts': command('status'),
    });
    const error = await loadRegistry(dir).catch((e: Error) => e);
    expect(String(error)).toMatch(/status-copy\.ts: command "status" must live in commands\/status\.ts/);
    expect(String(error)).toMatch(/status\.ts: command "status" is already defined in .*status-copy\.ts/);
  });

  it('refuses a mutating command without a plan', async () => {
    const dir = await content({ 'commands/restart.ts': command('restart').replace('mutates: false', 'mutates: true') });
    await expect(loadRegistry(dir)).rejects.toThrow(/"restart" mutates, so it needs plan\(ctx, args\)/);
  });

  it('refuses a file without a valid definition, saying what to export', async () => {
    const dir = await content({
      'commands/broken.ts': 'export const x = 1;',
      'commands/bad.ts': 'export default { name: "bad" };',
    });
    await expect(loadRegistry(dir)).rejects.toThrow(/bad\.ts: not a valid command \(summary: /);
    const dir2 = await content({ 'commands/broken.ts': 'export const x = 1;' });
    await expect(loadRegistry(dir2)).rejects.toThrow(/broken\.ts: has no default export; export default defineCommand/);
  });

  it('refuses a schedule that names an unknown command or whose arguments do not parse', async () => {
    const dir = await content({
      'commands/status.ts': command('status'),
      'schedules/nightly.ts': `export default d.defineSchedule({ name: 'nightly', cron: '0 1 * * *', command: 'statuss', args: {} });`,
      'schedules/other.ts': `export default d.defineSchedule({ name: 'other', cron: '0 1 * * *', command: 'status', args: { colour: 'red' } });`,
    });
    await expect(loadRegistry(dir)).rejects.toThrow(
      /names unknown command "statuss"[\s\S]*other\.ts: arguments do not fit "status": Unknown option --colour/,
    );
  });

  it('loads the shipped schedules: the seeds’ routines, checklists naming existing commands', async () => {
    const registry = await loadRegistry(CONTENT_ROOT);
    const byName = new Map(registry.schedules.map((s) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual(
      expect.arrayContaining([
        'certificate-check',
        'daily-backup',
        'health-monitor',
        'monthly-maintenance',
        'weekly-maintenance',
      ]),
    );
    expect(byName.get('monthly-maintenance')?.cron).toBe('0 4 1-7 * 6');
    expect(byName.get('weekly-maintenance')?.steps?.map((step) => step.command)).toEqual([
      'backup',
      'health',
      'cleanup',
      'certificates',
      'health',
    ]);
    for (const schedule of registry.schedules) {
      for (const step of schedule.steps ?? []) expect(registry.get(step.command)).toBeDefined();
    }
  });

  it('refuses a checklist step that names an unknown command or whose arguments do not parse', async () => {
    const dir = await content({
      'commands/status.ts': command('status'),
      'schedules/weekly.ts': `export default d.defineChecklist({ name: 'weekly', cron: '0 2 * * 5', steps: [
        { title: 'a', command: 'status', args: { env: 'prod' }, expect: 'ok' },
        { title: 'b', command: 'statsu', args: {}, expect: 'ok' },
        { title: 'c', command: 'status', args: { colour: 'red' }, expect: 'ok' },
      ] });`,
    });
    await expect(loadRegistry(dir)).rejects.toThrow(
      /schedule "weekly" step 2 names unknown command "statsu"[\s\S]*weekly\.ts: step 3 arguments do not fit "status": Unknown option --colour/,
    );
  });

  it('refuses a policy that names an unknown command', async () => {
    const dir = await content({
      'commands/status.ts': command('status'),
      'approvals/p.ts': `export default d.definePolicy({ name: 'p', appliesTo: { commands: ['rollbak'] }, require: { approvals: 1, fromRoles: ['approver'] }, schedules: 'preapproved' });`,
    });
    await expect(loadRegistry(dir)).rejects.toThrow(/policy "p" names unknown command "rollbak"/);
  });
});
