/**
 * The installed kubectl as an oracle (TESTING.md 3.8): run it against a fake kube-apiserver with a
 * temporary kubeconfig and its own discovery cache, arguments as argv (never a shell).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';

const CLOUD_SDK_BIN = '/usr/lib/google-cloud-sdk/bin';

/** A versioned kubectl (skips the gcloud dispatcher's version logic), else the one on PATH; undefined when absent. */
export function findKubectl(): string | undefined {
  if (existsSync(CLOUD_SDK_BIN)) {
    const versioned = readdirSync(CLOUD_SDK_BIN)
      .filter((name) => /^kubectl\.1\.\d+$/.test(name))
      .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
    const newest = versioned.at(-1);
    if (newest) return path.join(CLOUD_SDK_BIN, newest);
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, 'kubectl');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface Kubectl {
  /** Run kubectl with these arguments; rejects on a non-zero exit unless `reject: false`. */
  run(
    args: string[],
    options?: { reject?: boolean; timeoutMs?: number },
  ): ResultPromise<{ reject: boolean; timeout: number }>;
  close(): Promise<void>;
}

/** `kubeConfig`: ours (src/kubernetes/kubeconfig.ts) or client-node's; both export a kubeconfig kubectl reads. */
export async function kubectlFor(binary: string, kubeConfig: { exportConfig(): string }): Promise<Kubectl> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-kubectl-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig.json');
  await writeFile(kubeconfigPath, kubeConfig.exportConfig());
  const env = { KUBECONFIG: kubeconfigPath, HOME: dir, PATH: process.env.PATH ?? '' };
  return {
    run: (args, options = {}) =>
      execa(binary, ['--cache-dir', path.join(dir, 'cache'), ...args], {
        env,
        extendEnv: false,
        reject: options.reject ?? true,
        timeout: options.timeoutMs ?? 15_000,
      }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
