import express, { type Express } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Models } from '@vigie/db';
import type { Logger } from '@vigie/runtime';
import type { ApiConfig } from './config.js';
import { authenticate } from './middleware/auth.js';
import { rateLimitPerKey } from './middleware/rate-limit.js';
import { announceKeyChange, createVerifiedKeyCache, type VerifiedKeyCache } from './middleware/key-cache.js';
import { notFoundHandler, problemHandler } from './middleware/problem.js';
import { healthRouter } from './routes/health.routes.js';
import { alertsRouter } from './routes/alerts.routes.js';
import { itemsRouter } from './routes/items.routes.js';
import { keysRouter } from './routes/keys.routes.js';
import { auditRouter } from './routes/audit.routes.js';
import { earlyWarningRouter } from './routes/early-warning.routes.js';
import { statsRouter } from './routes/stats.routes.js';
import { narrativesRouter } from './routes/narratives.routes.js';
import { classifierRouter } from './routes/classifier.routes.js';
import { classifierVersions } from './classifier-versions.js';
import swaggerUi from 'swagger-ui-express';
import { buildOpenApiDocument } from './openapi.js';
import { sourcesRouter } from './routes/sources.routes.js';
import { intakeRouter } from './routes/intake.routes.js';
import type { AlertEventRelay } from './alert-events.js';
import { responsesRouter } from './routes/responses.routes.js';
import { reportsRouter } from './routes/reports.routes.js';
import { webhooksRouter } from './routes/webhooks.routes.js';
import { silencesRouter } from './routes/silences.routes.js';
import { streamRouter } from './routes/stream.routes.js';
import { dashboardRouter } from './dashboard.js';

export interface AppDeps {
  readonly config: ApiConfig;
  readonly models: Models;
  readonly redis: Redis;
  readonly logger: Logger;
  /** Publishes the alert events that lifecycle actions record in the outbox (absent: the classifier's relay does). */
  readonly relay?: Pick<AlertEventRelay, 'kick'>;
  /** Recently verified API keys (startApi shares it with the key-change subscriber); default: a new one. */
  readonly keyCache?: VerifiedKeyCache;
}

/** Builds the Express app; main.ts owns listening and shutdown, tests use it directly. */
export function createApp({ config, models, redis, logger, relay, keyCache }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.set('query parser', 'simple');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Never log bodies or auth headers; the request line, status and timing are enough.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  app.use(helmet());
  // Browsers on other origins get CORS headers only when their origin is on the allow-list (CORS_ORIGINS);
  // the bundled dashboard is same-origin and needs none.
  const allowed = new Set(config.http.corsOrigins);
  app.use(
    cors({
      origin: (origin, done) => done(null, Boolean(origin && allowed.has(origin))),
      allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id', 'Last-Event-ID'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining'],
      maxAge: 600,
    }),
  );
  app.use(express.json({ limit: config.http.bodyLimit, strict: true }));

  app.use(healthRouter(models, redis));
  // The API description is public (no secrets in it), so integrators can read it before they have a key.
  const openApi = buildOpenApiDocument(config.version);
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  // Swagger UI's assets come from the swagger-ui-dist package: nothing is loaded from outside the server.
  app.use('/docs', helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'] } } }), swaggerUi.serve, swaggerUi.setup(openApi, { customSiteTitle: 'Vigie API' }));
  const v1 = express.Router();
  const verifiedKeys = keyCache ?? createVerifiedKeyCache({ ttlMs: config.http.keyCacheMs });
  v1.use(authenticate(models, verifiedKeys));
  v1.use(rateLimitPerKey(redis, config.redis.queuePrefix, config.http.rateLimitPerMinute));
  // Who am I: the key's name, role and missions, so clients can adapt without probing.
  v1.get('/me', (req, res) => {
    const p = req.principal!;
    res.json({ id: p.id, name: p.name, role: p.role, missions: p.missions });
  });
  // Before the alerts router: its `/:id/:action` would take `/alerts/:id/responses` for an unknown action.
  v1.use(responsesRouter(models));
  v1.use('/alerts', alertsRouter(models, relay ? { relay } : {}));
  v1.use('/items', intakeRouter({ models, redis, config, logger }));
  v1.use('/items', itemsRouter(models));
  v1.use('/sources', sourcesRouter(models, { redis, prefix: config.redis.queuePrefix }));
  v1.use('/keys', keysRouter(models, { onKeyChanged: () => announceKeyChange(redis, config.redis.queuePrefix, verifiedKeys, logger) }));
  v1.use('/audit', auditRouter(models));
  v1.use('/webhooks', webhooksRouter({ models, redis, config, logger }));
  v1.use('/silences', silencesRouter(models));
  v1.use('/stream', streamRouter(app, { redis, config, logger }));
  v1.use(earlyWarningRouter(models));
  v1.use(statsRouter(models));
  const versions = classifierVersions(models);
  const classifierRoutes = classifierRouter({ models, redis, queuePrefix: config.redis.queuePrefix, logger, versions, margins: config.classifier.activationMargins });
  // Before the catalogue router, whose `/:key` would take `/versions` and `/terms`.
  v1.use('/narratives', classifierRoutes.narratives);
  v1.use('/narratives', narrativesRouter(versions));
  v1.use('/classifier', classifierRoutes.classifier);
  v1.use(reportsRouter(models));
  app.use('/api/v1', v1);
  app.use(dashboardRouter());

  app.use(notFoundHandler);
  app.use(problemHandler(logger));
  return app;
}
