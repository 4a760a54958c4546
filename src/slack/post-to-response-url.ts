/**
 * Answers on a response_url over node:http(s) keep-alive connections, in place of Bolt's `respond()`,
 * which POSTs with the global fetch. Every command is answered this way, and undici's fetch (WHATWG
 * Request, Headers and streams per call) was the largest per-command cost left after Kubernetes in
 * the CPU profile of `npm run bench`, and garbage that raised peak memory.
 * Like Bolt's respond(), a refused post (expired response_url, rate limit) rejects.
 */
import http from 'node:http';
import https from 'node:https';

// An idle connection is closed after 4 s, before a server would close it (Node's servers: 5 s; load
// balancers: 60 s or more), so a post is never written into a connection the other side just dropped.
// A post is not repeated on failure: the answer could show twice.
const pool = { keepAlive: true, timeout: 4_000 };
const agents = { http: new http.Agent(pool), https: new https.Agent(pool) };
const TIMEOUT_MS = 10_000;

export function respondVia(responseUrl: string): (message: object) => Promise<void> {
  return (message) => postJson(responseUrl, message);
}

export function postJson(target: string, message: object): Promise<void> {
  const url = new URL(target);
  const secure = url.protocol === 'https:';
  const body = JSON.stringify(message);
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
      (response) => {
        // Read to the end so the connection goes back to the pool.
        response.resume();
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
          reject(new Error(`Failed to respond to the response_url: ${status} ${response.statusMessage ?? ''}`.trim()));
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
