/**
 * POST /webhooks/alertmanager: Alertmanager's webhook receiver (v4 JSON) with
 * `http_config.authorization.credentials` set to ALERTMANAGER_TOKEN. A wrong or missing token is 401;
 * a body that is not a v4 notification is 400 with the reason, so the sender's log says what to fix.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { NotifyResult } from '../alerts/alert-notifier.js';
import type { AlertmanagerPayload } from '../alerts/alertmanager-payload.js';
import { parseAlertmanager } from '../alerts/alertmanager-payload.js';
import { readBody } from './read-body.js';

const json = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

function tokenMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function alertmanagerWebhook(options: {
  token: string | undefined;
  notify(payload: AlertmanagerPayload): Promise<NotifyResult>;
  logger: Logger;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!tokenMatches(req.headers.authorization, options.token)) {
      options.logger.warn({ ip: req.socket.remoteAddress }, 'refused an Alertmanager request: wrong or missing token');
      res.writeHead(401, { 'www-authenticate': 'Bearer' });
      res.end();
      return;
    }
    // Large groups are legitimate (hundreds of alerts); 5 MB is far above any real notification.
    const body = await readBody(req, 5_000_000);
    if (!body) return json(res, 413, { error: 'request too large' });
    const parsed = parseAlertmanager(body.toString('utf8'));
    if ('problem' in parsed) return json(res, 400, { error: `not an Alertmanager v4 notification: ${parsed.problem}` });
    const result = await options.notify(parsed.payload);
    json(res, 200, { status: result });
  };
}
