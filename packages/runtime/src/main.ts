import { ConfigError } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createShutdown, onSignals, type ShutdownStep } from './shutdown.js';

export interface RunningService {
  /** Shutdown steps in order: stop intake first, disconnect stores last. */
  readonly shutdownSteps: readonly ShutdownStep[];
}

/**
 * The body of every service's main.ts: parse config (an invalid environment prints every problem and exits 1,
 * with no stack trace), create the root logger, start, and own SIGTERM/SIGINT.
 */
export async function runMain<C extends { logLevel: string; version: string; shutdownTimeoutMs: number }>(options: {
  service: string;
  loadConfig: () => C;
  start: (config: C, logger: Logger) => Promise<RunningService>;
}): Promise<void> {
  let config: C;
  try {
    config = options.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`vigie ${options.service}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ service: options.service, version: config.version, level: config.logLevel });
  let steps: readonly ShutdownStep[] = [];
  const shutdown = createShutdown(logger, () => steps, config.shutdownTimeoutMs);
  onSignals(shutdown);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  try {
    const running = await options.start(config, logger);
    steps = running.shutdownSteps;
  } catch (error) {
    logger.fatal({ err: error }, `${options.service} failed to start`);
    await shutdown('start-up failure');
    process.exitCode = 1;
  }
}
