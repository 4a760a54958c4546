/**
 * Text → command, checked arguments and engine flags. Unknown verbs get
 * "did you mean"; a bare group word ("db") shows that group's help.
 */

import type { Catalog } from '../catalog.js';
import type { CommandDefinition } from '../define.js';
import { OpsError } from '../errors.js';
import type { Registry } from '../registry/registry.js';
import { suggest } from '../suggest.js';
import { bindArgs, type EngineFlags, usage } from './bind-args.js';
import { checkArgs } from './check-args.js';
import { parseCommandText, type Token } from './parse-command-text.js';

export interface ParsedRequest {
  command: CommandDefinition;
  args: Record<string, unknown>;
  flags: EngineFlags;
  env?: string;
  service?: string;
}

function findCommand(registry: Registry, tokens: Token[]): { command: CommandDefinition; rest: Token[] } {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'word') break;
    words.push(token.value);
  }
  if (words.length === 0) {
    const help = registry.get('help');
    if (help && tokens.length === 0) return { command: help, rest: [] };
    throw new OpsError('usage', 'Start with a command, e.g. /ops status api-gateway prod.', {
      hint: 'Type /ops help to see every command.',
    });
  }
  const match = registry.match(words);
  if (match) return { command: match.command, rest: tokens.slice(match.consumed) };
  const first = (words[0] as string).toLowerCase();
  const help = registry.get('help');
  if (help && registry.groups().includes(first)) {
    return { command: help, rest: [{ kind: 'word', value: first }] };
  }
  const names = [...registry.commands.map((c) => c.name), ...registry.groups()];
  const twoWords = words.slice(0, 2).join(' ').toLowerCase();
  const guess = suggest(twoWords, names) ?? suggest(first, names);
  throw new OpsError('usage', `There is no command "${first}".${guess ? ` Did you mean "${guess}"?` : ''}`, {
    hint: 'Type /ops help to see the commands you can run.',
  });
}

/** Problems per argument: the modal shows each on its field, text gets them joined under the usage line. */
export class ArgumentProblems extends OpsError {
  constructor(
    command: CommandDefinition,
    readonly problems: Record<string, string>,
  ) {
    const { hint } = usage(command, '');
    super('usage', Object.values(problems).join('\n'), hint ? { hint } : {});
  }
}

function fromText(registry: Registry, text: string) {
  const { tokens, problem } = parseCommandText(text);
  if (problem) throw new OpsError('usage', problem);
  return findCommand(registry, tokens);
}

function fromForm(registry: Registry, form: { command: string; tokens: Token[] }) {
  const command = registry.get(form.command);
  if (!command) throw new OpsError('usage', `There is no command "${form.command}".`, { hint: 'Type /ops help.' });
  return { command, rest: form.tokens };
}

export async function parseRequest(
  deps: { registry: Registry; catalog: Catalog },
  request: { text: string; form?: { command: string; tokens: Token[] } },
): Promise<ParsedRequest> {
  const { command, rest } = request.form
    ? fromForm(deps.registry, request.form)
    : fromText(deps.registry, request.text);
  const { values, flags } = bindArgs(command, rest);
  const checked = checkArgs(command, values, deps.catalog);
  if (!checked.ok) throw new ArgumentProblems(command, checked.problems);
  return {
    command,
    args: checked.args,
    flags,
    ...(checked.env ? { env: checked.env } : {}),
    ...(checked.service ? { service: checked.service } : {}),
  };
}
