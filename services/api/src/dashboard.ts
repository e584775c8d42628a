import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';
import { dashboardDir } from '@vigie/dashboard';

/**
 * The officers' dashboard (@vigie/dashboard's built files) at `/`, with `/app/*` answering index.html so deep
 * links work. Its CSP allows only this server: no inline script or style, nothing from another origin (the
 * machines of many missions have poor connectivity, and a key-holding page must not run foreign code).
 */
export function dashboardRouter(dir: string = dashboardDir): Router {
  const router = Router();
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'"],
          'connect-src': ["'self'"],
          'font-src': ["'self'"],
          'object-src': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
        },
      },
    }),
  );
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    // Not built (e.g. `tsx` on a fresh clone): say how to get it rather than a bare 404.
    const notBuilt = (_req: express.Request, res: express.Response) => {
      res
        .status(503)
        .type('html')
        .send('<!doctype html><html lang="en"><meta charset="utf-8"><title>Vigie</title><h1>Vigie dashboard not built</h1><p>Run <code>npm run build</code> at the repository root, then reload. The API itself is at <a href="/docs">/docs</a>.</p></html>');
    };
    router.get('/', notBuilt);
    router.get(/^\/app(\/.*)?$/, notBuilt);
    return router;
  }
  // Hashed assets never change; index.html must always be revalidated so a new build is picked up.
  router.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  const sendIndex = (_req: express.Request, res: express.Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  router.get('/', sendIndex);
  router.get(/^\/app(\/.*)?$/, sendIndex);
  return router;
}
