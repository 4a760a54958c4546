/**
 * The baseline: a bare Bolt app in HTTP mode whose /ops command only acks. Whatever opsbot costs beyond
 * this (its own HTTP server, the store, the engine, the sandbox cluster) is what the bench measures.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { serveBench } from './child-side.js';

const app = new App({
  token: 'xoxb-1-bench-bot-token',
  signingSecret: process.env.BENCH_SIGNING_SECRET ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? '' },
  // Same level as opsbot gets in the bench, so neither pays for logging the other skips.
  logLevel: LogLevel.WARN,
});
app.command('/ops', async ({ ack }) => {
  await ack();
});

const server = (await app.start(0)) as Server;
serveBench({ port: (server.address() as AddressInfo).port }, () => app.stop().then(() => {}));
