/**
 * The parent's half of the bench protocol (see child-side.ts): start a served process, wait for its
 * `{"bench":…}` line, ask it things over IPC, stop it. Every child is killed if the parent exits early.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child<Hello> {
  name: string;
  hello: Hello;
  ask<T>(type: string, fields?: Record<string, unknown>): Promise<T>;
  /** Asks it to close cleanly; kills it after 10 s. */
  stop(): Promise<void>;
}

const alive = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

let nextId = 0;

export async function startChild<Hello>(
  name: string,
  nodeArgs: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Child<Hello>> {
  const proc = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  alive.add(proc);
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      alive.delete(proc);
      resolve(code);
    }),
  );
  const replies = new Map<number, (reply: unknown) => void>();
  proc.on('message', (message: { id: number }) => {
    replies.get(message.id)?.(message);
    replies.delete(message.id);
  });

  const hello = await new Promise<Hello>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    void exited.then((code) => reject(new Error(`${name} exited with code ${code} before it was listening`)));
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('{"bench":')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { bench: Hello }).bench);
      } else process.stderr.write(`[${name}] ${line}\n`);
    });
  }).catch((error: unknown) => {
    proc.kill('SIGKILL');
    throw error;
  });

  return {
    name,
    hello,
    ask<T>(type: string, fields: Record<string, unknown> = {}) {
      const id = ++nextId;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not answer "${type}" within 10 s`)), 10_000);
        replies.set(id, (reply) => {
          clearTimeout(timer);
          resolve(reply as T);
        });
        proc.send({ ...fields, type, id });
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      if (proc.connected) proc.send({ type: 'stop', id: 0 });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
