/**
 * The runtime path never loads @kubernetes/client-node (~80 MB of memory to import): opsbot started as
 * main starts it, on a KUBECONFIG file, runs reads and a change through the real pipeline in a child
 * process that records every module it resolves (test/fixtures/kube-runtime/).
 */
import { execa } from 'execa';
import { expect, it } from 'vitest';

it('runs Kubernetes commands end to end without loading @kubernetes/client-node', async () => {
  const child = await execa(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/fixtures/kube-runtime/run-opsbot-console.ts',
      '/ops status api-gateway prod',
      '/ops history api-gateway prod',
      '/ops logs api-gateway dev',
      '/ops diagnose api-gateway dev',
      '/ops scale worker dev 2',
    ],
    { timeout: 120_000 },
  );
  const report = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as {
    text: string;
    sandbox: boolean;
    duringCommands: string[];
    afterImport: string[];
  };
  // Real answers from the API servers the kubeconfig names (not the built-in sandbox).
  expect(report.sandbox).toBe(false);
  expect(report.text).toMatch(/api-gateway in prod: 4\/4 ready, revision 4/);
  expect(report.text).toMatch(/api-gateway in prod: 4 revisions/);
  expect(report.text).toMatch(/api-gateway in dev: \d+ log lines from 1 pod/);
  expect(report.text).toContain('Recent events:');
  expect(report.text).toMatch(/worker in dev.*rollout complete/);
  const clientNode = (urls: string[]) => urls.filter((u) => u.includes('/@kubernetes/client-node/'));
  expect(report.duringCommands.some((u) => u.endsWith('/src/kubernetes/kube-api.ts'))).toBe(true);
  expect(clientNode(report.duringCommands)).toEqual([]);
  // The recording sees it when it is imported: the check above could fail.
  expect(clientNode(report.afterImport).length).toBeGreaterThan(0);
}, 150_000);
