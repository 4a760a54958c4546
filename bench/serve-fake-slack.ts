/**
 * The services outside opsbot, in a process of their own: the test suite's fake Slack (auth.test,
 * users.info, usergroups.users.list, chat.*, response_url) and the sandbox cluster (its fake
 * kube-apiservers, reached through a kubeconfig file). In production Slack and Kubernetes are other
 * machines; measuring them inside opsbot's process would charge their CPU and memory to opsbot.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalog } from '../src/catalog.js';
import { sandboxEnvironments, startSandbox } from '../src/kubernetes/sandbox.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { serveBench } from './child-side.js';

const sandbox = await startSandbox(sandboxEnvironments(loadCatalog('catalog.yaml')));
// JSON is YAML, so client-node and kubectl read this as a kubeconfig.
const kubeconfig = path.join(tmpdir(), `opsbot-bench-kubeconfig-${process.pid}.json`);
writeFileSync(kubeconfig, sandbox.kubeConfig.exportConfig());

// Like startTestOpsbot: the catalog's S0SRE group exists (empty); every U… id is a full member.
const slack = await startFakeSlack({ usergroups: { S0SRE: [] } });

/** response_url posts to ids starting with `prefix`: how many came, were accepted, and distinct URLs answered. */
function responseStats(prefix: string) {
  const posts = slack.responses.filter((post) => post.id.startsWith(prefix));
  const accepted = posts.filter((post) => post.status === 200);
  const rejected = posts.filter((post) => post.status !== 200);
  return {
    posts: posts.length,
    accepted: accepted.length,
    answered: new Set(accepted.map((post) => post.id)).size,
    rejected: rejected.length,
    firstRejected: rejected[0] ? `${rejected[0].status} ${rejected[0].reply}` : undefined,
    lastAt: posts.reduce((last, post) => Math.max(last, post.at), 0),
    violations: slack.violations.length,
    firstViolation: slack.violations[0] ? JSON.stringify(slack.violations[0]).slice(0, 300) : undefined,
    apiCalls: slack.calls.length,
    // What the answers said (the first few different ones), to show the commands did their work (not, say, a refusal for a missing role).
    samples: [...new Set(posts.map((post) => (post.body as { text?: string }).text?.slice(0, 100)))].slice(0, 3),
  };
}

// How busy the fake's event loop was since the last ask: near 100% would mean it delays opsbot's posts.
let since = performance.eventLoopUtilization();
function busy() {
  const { utilization } = performance.eventLoopUtilization(since);
  since = performance.eventLoopUtilization();
  return { utilization };
}

serveBench(
  { url: slack.url, origin: slack.origin, kubeconfig },
  async () => {
    await slack.close();
    await sandbox.close();
  },
  (message) => (message.type === 'busy' ? busy() : responseStats(String(message.prefix ?? ''))),
);
