/**
 * pino, JSON to stdout, with every configured secret and token-shaped field
 * redacted so a log line never carries a credential.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
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

/**
 * JSON to stdout; in the console front end to <dataDir>/opsbot.log instead, so log lines do not
 * interleave with the conversation in the terminal.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'frontEnd' | 'dataDir'>,
  destination?: DestinationStream,
): Logger {
  if (!destination && config.frontEnd === 'console') {
    mkdirSync(config.dataDir, { recursive: true });
    destination = pino.destination({ dest: consoleLogPath(config), sync: false });
  }
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

export const consoleLogPath = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'opsbot.log');
