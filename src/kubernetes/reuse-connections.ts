/**
 * One keep-alive agent per API server and TLS identity, kept for the process: a new TCP (and TLS)
 * connection per API call was once the largest avoidable cost of a command (client-node 1.4 builds
 * a new agent for every call). A test counts the connections.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

const agents = new Map<string, http.Agent>();

export function keepAliveAgent(server: string, tls: https.AgentOptions): http.Agent {
  const key = createHash('sha256')
    .update(
      JSON.stringify([server, Object.entries(tls).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('base64') : v])]),
    )
    .digest('hex');
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true };
    agent = server.startsWith('https:') ? new https.Agent({ ...options, ...tls }) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}
