/**
 * pino, JSON to stdout, with every configured secret and token-shaped field
 * redacted so a log line never carries a credential.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

export const REDACT_PATHS = [
  'token',
  '*.token',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
  'config.slackBotToken',
  'config.slackSigningSecret',
  'config.slackAppToken',
  'config.databaseUrl',
  'config.alertmanagerToken',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'opsbot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
