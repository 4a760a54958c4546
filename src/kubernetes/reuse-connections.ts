/**
 * client-node 1.4 builds a new http(s).Agent for every API call, so every call
 * opens a new TCP (and TLS) connection to the API server. That is the largest
 * avoidable cost of a command. This keeps one keep-alive agent per cluster and
 * TLS options instead. createAgent is private in client-node's types, hence the
 * cast; the version is pinned in package.json and a test counts connections.
 */
import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import type { Cluster as KubeCluster, KubeConfig } from '@kubernetes/client-node';

type CreateAgent = (cluster: KubeCluster | null, options: Record<string, unknown>) => Agent;

export function reuseConnections(kubeConfig: KubeConfig): KubeConfig {
  const target = kubeConfig as unknown as { createAgent: CreateAgent };
  const create = target.createAgent.bind(kubeConfig);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const key = createHash('sha256')
      .update(JSON.stringify([cluster?.name, cluster?.server, cluster?.proxyUrl, options]))
      .digest('hex');
    let agent = agents.get(key);
    if (!agent) {
      agent = create(cluster, { ...options, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
  return kubeConfig;
}
