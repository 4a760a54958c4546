/**
 * Turns a script name declared by a command into the real path of a file under SCRIPTS_DIR, or refuses.
 * Users never name files: this guards against a mistaken or hostile command file and against symlinks
 * that lead out of the tree.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { OpsError } from '../errors.js';

export interface ResolvedScript {
  /** Real path of SCRIPTS_DIR: the working directory of every script. */
  root: string;
  /** Real path of the script, inside `root`. */
  file: string;
}

/** Real path of SCRIPTS_DIR; a missing directory is a configuration problem, not a refusal. */
export async function resolveScriptsRoot(scriptsDir: string): Promise<string> {
  try {
    return await realpath(scriptsDir);
  } catch (cause) {
    throw new OpsError('config', `SCRIPTS_DIR=${scriptsDir} does not exist or cannot be read`, {
      hint: 'Set SCRIPTS_DIR to the directory holding the runbook scripts.',
      cause,
    });
  }
}

export async function resolveScript(scriptsDir: string, script: string): Promise<ResolvedScript> {
  // What was wrong in the message, what to do in the hint: both reach the user.
  const refuse = (what: string, todo: string, cause?: unknown) =>
    new OpsError(
      'refused',
      `Refused to run script ${JSON.stringify(script)}: ${what}; scripts must live under SCRIPTS_DIR=${scriptsDir}`,
      { hint: todo, cause },
    );

  if (script.trim() === '' || script.includes('\0')) {
    throw refuse('the name is empty or invalid', 'Declare the script by its path relative to SCRIPTS_DIR.');
  }
  if (path.isAbsolute(script)) {
    throw refuse('absolute paths are not allowed', 'Name it relative to SCRIPTS_DIR, e.g. "backup/backup.sh".');
  }
  if (script.split(/[\\/]/).includes('..')) {
    throw refuse('".." is not allowed in script names', 'Move the script into SCRIPTS_DIR and name it from there.');
  }

  const root = await resolveScriptsRoot(scriptsDir);
  let file: string;
  try {
    file = await realpath(path.join(root, script));
  } catch (cause) {
    throw refuse('no such file', 'Check the script name in the command file, or add the script to SCRIPTS_DIR.', cause);
  }
  const inside = root.endsWith(path.sep) ? root : root + path.sep;
  if (file !== root && !file.startsWith(inside)) {
    throw refuse(
      `it resolves to ${file}, outside the scripts directory (a symlink?)`,
      'Copy the script into SCRIPTS_DIR instead of linking to a file outside it.',
    );
  }
  if (!(await stat(file)).isFile()) {
    throw refuse('it is not a file', 'Name a script file, not a directory.');
  }
  try {
    await access(file, constants.X_OK);
  } catch (cause) {
    throw refuse(
      'the file is not executable',
      `Make it executable (chmod +x ${path.join(scriptsDir, script)}) and give it a #! line.`,
      cause,
    );
  }
  return { root, file };
}
