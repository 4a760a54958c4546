import type { CommandDefinition, PolicyDefinition, ScheduleDefinition } from '../define.js';

export interface Registry {
  commands: readonly CommandDefinition[];
  schedules: readonly ScheduleDefinition[];
  policies: readonly PolicyDefinition[];
  get(name: string): CommandDefinition | undefined;
  /** The longest command name that the leading words spell ("db activity" before "db"). */
  match(words: readonly string[]): { command: CommandDefinition; consumed: number } | undefined;
  /** Group names of multi-word commands ("db", "schedule"), for help. */
  groups(): string[];
}

export function createRegistry(
  commands: readonly CommandDefinition[],
  schedules: readonly ScheduleDefinition[],
  policies: readonly PolicyDefinition[],
): Registry {
  const byName = new Map(commands.map((c) => [c.name, c]));
  return {
    commands: [...commands].sort((a, b) => a.name.localeCompare(b.name)),
    schedules,
    policies,
    get: (name) => byName.get(name),
    match(words) {
      for (let n = Math.min(3, words.length); n > 0; n--) {
        const command = byName.get(words.slice(0, n).join(' ').toLowerCase());
        if (command) return { command, consumed: n };
      }
      return undefined;
    },
    groups: () => [...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] as string))],
  };
}
