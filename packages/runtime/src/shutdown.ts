import type { Logger } from './logger.js';

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<unknown>;
}

/**
 * Runs shutdown steps once, in order (stop intake → close workers → close queues → quit Redis → disconnect
 * Mongo), with a hard timeout behind it. Each main.ts calls this from its SIGTERM/SIGINT handler; libraries
 * never register signal handlers themselves.
 */
export function createShutdown(logger: Logger, steps: () => readonly ShutdownStep[], timeoutMs: number) {
  let started: Promise<void> | undefined;
  return function shutdown(reason: string): Promise<void> {
    if (started) return started;
    started = (async () => {
      logger.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown timed out; exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      let failed = false;
      for (const step of steps()) {
        try {
          await step.run();
          logger.debug({ step: step.name }, 'shutdown step done');
        } catch (error) {
          failed = true;
          logger.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      process.exitCode = failed ? 1 : 0;
      logger.info('stopped');
    })();
    return started;
  };
}

/** Wires SIGTERM and SIGINT to `shutdown`, once. */
export function onSignals(shutdown: (reason: string) => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(signal));
  }
}
