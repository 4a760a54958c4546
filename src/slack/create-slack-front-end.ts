/**
 * Builds the Bolt app for HTTP mode (an HTTPReceiver whose request listener our
 * own HTTP server mounts after its stricter checks) or Socket Mode.
 */
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { boltLogger } from './bolt-logger.js';

export interface SlackFrontEndOptions {
  logger: Logger;
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  slackApiUrl?: string;
  /** Tests turn retries off so a failing fake does not hang them. */
  retries?: number;
}

export interface SlackFrontEnd {
  app: App;
  client: WebClient;
  /** HTTP mode: the request listener to mount on POST /slack/events. */
  httpReceiver?: HTTPReceiver;
  socketReceiver?: SocketModeReceiver;
}

export function createSlackFrontEnd(options: SlackFrontEndOptions): SlackFrontEnd {
  const { logger } = options;
  const clientOptions = {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.retries !== undefined ? { retryConfig: { retries: options.retries } } : {}),
  };
  const log = boltLogger(logger);
  const httpReceiver = options.appToken
    ? undefined
    : new HTTPReceiver({
        signingSecret: options.signingSecret ?? '',
        logger: log,
        unhandledRequestTimeoutMillis: 2_500,
      });
  const socketReceiver = options.appToken
    ? new SocketModeReceiver({ appToken: options.appToken, logger: log, installerOptions: { clientOptions } })
    : undefined;
  const app = new App({
    token: options.botToken,
    receiver: (httpReceiver ?? socketReceiver) as HTTPReceiver,
    clientOptions,
    logger: log,
    deferInitialization: true,
    // Bolt keeps per-conversation state in memory by default; opsbot keeps its state in PostgreSQL.
    convoStore: false,
  });
  return {
    app,
    client: app.client,
    ...(httpReceiver ? { httpReceiver } : {}),
    ...(socketReceiver ? { socketReceiver } : {}),
  };
}
