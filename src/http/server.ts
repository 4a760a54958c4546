/**
 * opsbot's one HTTP server: probes and metrics in every mode, and in HTTP mode
 * the Slack endpoint, verified here before Bolt's receiver handles it.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { verifySlackRequest } from '../slack/verify-slack-request.js';
import { readBody } from './read-body.js';

export interface HttpServerOptions {
  logger: Logger;
  /** Liveness: the process answers. */
  health?: () => boolean;
  /** Readiness: the store answers and Slack is connected. */
  ready: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  metrics: () => Promise<{ contentType: string; body: string }>;
  slack?: {
    signingSecret: string;
    listener: RequestListener;
    onRejected?: (reason: string, req: IncomingMessage) => void;
  };
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

export function createHttpServer(options: HttpServerOptions): Server {
  const { logger } = options;
  return createServer((req, res) => {
    handle(req, res).catch((error) => {
      logger.error({ err: error, url: req.url }, 'http handler failed');
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /healthz') return send(res, 200, 'ok');
    if (route === 'GET /readyz') {
      const { ok, checks } = await options.ready();
      return send(res, ok ? 200 : 503, JSON.stringify({ ok, checks }), 'application/json');
    }
    if (route === 'GET /metrics') {
      const { contentType, body } = await options.metrics();
      return send(res, 200, body, contentType);
    }
    if (url.pathname === '/slack/events' && options.slack) {
      if (req.method !== 'POST') return send(res, 405, 'POST only');
      return slackEvent(req, res, options.slack);
    }
    const custom = options.routes?.[route];
    if (custom) return custom(req, res);
    send(res, 404, 'not found');
  }

  async function slackEvent(req: IncomingMessage, res: ServerResponse, slack: NonNullable<HttpServerOptions['slack']>) {
    const body = await readBody(req);
    if (!body) return send(res, 413, 'request too large');
    const isSslCheck =
      req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
      /(^|&)ssl_check=1(&|$)/.test(body.toString());
    if (!isSslCheck) {
      const verdict = verifySlackRequest(
        slack.signingSecret,
        {
          signature: req.headers['x-slack-signature'] as string | undefined,
          timestamp: req.headers['x-slack-request-timestamp'] as string | undefined,
        },
        body,
      );
      if (!verdict.ok) {
        logger.warn({ reason: verdict.reason, ip: req.socket.remoteAddress }, 'refused a Slack request');
        slack.onRejected?.(verdict.reason, req);
        res.writeHead(401);
        return res.end();
      }
    }
    // Bolt reads a pre-buffered body from rawBody instead of the consumed stream.
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    slack.listener(req, res);
  }
}
