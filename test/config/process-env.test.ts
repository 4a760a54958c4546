import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

function* typescriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

it('no file but src/config.ts reads process.env', () => {
  const readers: string[] = [];
  for (const root of ['src', 'commands', 'schedules', 'approvals']) {
    let files: string[];
    try {
      files = [...typescriptFiles(root)];
    } catch {
      continue; // the folder does not exist yet
    }
    for (const file of files) {
      if (file === join('src', 'config.ts')) continue;
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line));
      if (code.some((line) => /process\.env\b/.test(line))) readers.push(file);
    }
  }
  expect(readers, 'take the value from Config (config.variable(name) for others)').toEqual([]);
});
