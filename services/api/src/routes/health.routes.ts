import { Router } from 'express';
import type { Redis } from 'ioredis';
import { pingMongo, type Models } from '@vigie/db';

/** /healthz: the process is up. /readyz: Redis and the database answer; says which one does not. */
export function healthRouter(models: Models, redis: Redis): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [mongo, redisOk] = await Promise.all([
      pingMongo(models.connection),
      redis
        .ping()
        .then((r) => r === 'PONG')
        .catch(() => false),
    ]);
    const checks = { database: mongo ? 'ok' : 'unreachable', redis: redisOk ? 'ok' : 'unreachable' };
    const ready = mongo && redisOk;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
