/** A real pino logger writing JSON lines into memory, so tests assert logs as data. */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { REDACT_PATHS } from '../../src/logger.js';

export interface CollectedLogs {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  text(): string;
}

export function collectLogs(level: pino.Level = 'debug'): CollectedLogs {
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
  return { logger, lines, text: () => raw };
}
