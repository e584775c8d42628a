import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear. Secrets must never reach logs: API keys, auth headers, webhook
 * secrets, connection strings with passwords.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  'apiKey',
  'key',
  'secret',
  'password',
  'token',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.token',
  'config.mongo.url',
  'config.redis.url',
];

/** One root logger per process, carrying the service name and version. */
export function createLogger(options: { service: string; version: string; level: string; destination?: NodeJS.WritableStream }): Logger {
  const opts: LoggerOptions = {
    level: options.level,
    base: { service: options.service, version: options.version },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(opts, options.destination as pino.DestinationStream) : pino(opts);
}

/** Strips the password from a connection URL so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.username && u.password) return u.toString();
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
