import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectMongo, createModels, ensureBootstrapKey, ensureIndexes, type Models } from '@vigie/db';
import { connectWithRetry, createRedisConnection, redactUrl, type Logger, type RunningService } from '@vigie/runtime';
import type { ApiConfig } from './config.js';
import { createApp } from './app.js';
import { closeStreams } from './routes/stream.routes.js';
import { attachAlertListReadModel, startAlertListReadModel, type AlertListReadModel } from './read-models/alert-list.sync.js';
import { startAlertEventRelay } from './alert-events.js';
import { createVerifiedKeyCache, subscribeToKeyChanges } from './middleware/key-cache.js';

export interface RunningApi extends RunningService {
  readonly url: string;
  readonly models: Models;
  /** The alert list read model when ALERT_READ_MODEL is on (its stats feed the benchmark). */
  readonly alertReadModel: AlertListReadModel | null;
}

/** Connects to the stores (retrying while they are down), prepares indexes and keys, and listens. */
export async function startApi(config: ApiConfig, logger: Logger): Promise<RunningApi> {
  logger.info({ mongo: redactUrl(config.mongo.url), redis: redactUrl(config.redis.url) }, 'starting API');
  const connection = await connectWithRetry(
    'database',
    () => connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-api' }),
    logger,
  );
  const models = createModels(connection);
  await ensureIndexes(models);
  if (config.bootstrapAdminKey) await ensureBootstrapKey(models, config.bootstrapAdminKey);

  const redis = createRedisConnection(config.redis.url, 'producer');
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  await connectWithRetry('redis', () => redis.connect(), logger);

  const relay = startAlertEventRelay(models, redis, config.redis.queuePrefix, logger);
  const keyCache = createVerifiedKeyCache({ ttlMs: config.http.keyCacheMs });
  const stopKeyChanges = subscribeToKeyChanges(redis, config.redis.queuePrefix, keyCache, logger);
  const app = createApp({ config, models, redis, logger, relay, keyCache });
  const alertReadModel = config.alertReadModel.enabled
    ? startAlertListReadModel({ models, redis, queuePrefix: config.redis.queuePrefix, logger, rebuildEveryMs: config.alertReadModel.rebuildEveryMs })
    : null;
  if (alertReadModel) attachAlertListReadModel(app, alertReadModel);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.http.port, config.http.host, () => resolve(s));
    s.once('error', reject);
  });
  // Slow-loris guard. requestTimeout bounds receiving a request, not sending the response: SSE streams are not
  // cut by it (and turn their socket timeout off).
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.http.host}:${port}`;
  logger.info({ url }, 'API listening');
  return {
    url,
    models,
    alertReadModel,
    shutdownSteps: [
      // Streams never end on their own: close them first, or server.close() would wait for the hard timeout.
      { name: 'close SSE streams', run: () => closeStreams(app) },
      { name: 'close HTTP server', run: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); }) },
      // After the server: the last actions' events get their chance to reach the queue (else they wait in the outbox).
      { name: 'stop outbox relay', run: () => relay.stop() },
      { name: 'stop API key change subscriber', run: () => stopKeyChanges() },
      { name: 'stop alert list read model', run: () => alertReadModel?.stop() ?? Promise.resolve() },
      { name: 'quit redis', run: () => redis.quit().catch(() => redis.disconnect()) },
      { name: 'disconnect database', run: () => connection.close() },
    ],
  };
}
