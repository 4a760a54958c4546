/**
 * `npm start`: read the environment, start opsbot, stop cleanly on SIGTERM.
 * A configuration problem prints one clear message and exits with status 2.
 */
import { loadConfig } from './config.js';
import { isOpsError } from './errors.js';
import { startOpsbot } from './start-opsbot.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (isOpsError(error)) {
      process.stderr.write(`opsbot cannot start:\n${error.userMessage}\n`);
      process.exit(2);
    }
    throw error;
  }
  const opsbot = await startOpsbot(config).catch((error: unknown) => {
    if (isOpsError(error)) {
      process.stderr.write(`opsbot cannot start:\n${error.userMessage}\n`);
      process.exit(2);
    }
    throw error;
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    opsbot.logger.info({ signal }, 'stopping');
    await opsbot.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  if (opsbot.consoleDone) {
    await opsbot.consoleDone;
    await stop('console closed');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`opsbot crashed while starting: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
