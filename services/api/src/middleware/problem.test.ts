import { describe, expect, it } from 'vitest';
import express from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '@vigie/contracts';
import { DocumentLockTimeoutError } from '@vigie/db';
import { createLogger } from '@vigie/runtime';
import { notFoundHandler, problemHandler } from './problem.js';

async function run(thrown: unknown) {
  const app = express();
  app.get('/boom', () => {
    throw thrown;
  });
  app.use(notFoundHandler);
  app.use(problemHandler(createLogger({ service: 't', version: 't', level: 'silent' })));
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const res = await fetch(`http://127.0.0.1:${port}/boom`);
  const body = (await res.json()) as Record<string, unknown>;
  server.close();
  return { status: res.status, type: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), body };
}

describe('problem+json', () => {
  it('maps zod errors to 400 with field paths', async () => {
    const error = z.object({ limit: z.number() }).safeParse({ limit: 'x' }).error;
    const { status, type, body } = await run(error);
    expect(status).toBe(400);
    expect(type).toContain('application/problem+json');
    expect(body.errors).toEqual([{ path: 'limit', message: expect.any(String) }]);
  });

  it('maps typed errors and hides internal ones', async () => {
    expect((await run(new NotFoundError('No alert x.'))).status).toBe(404);
    expect((await run(new ForbiddenError('no'))).status).toBe(403);
    const internal = await run(new Error('db password is hunter2'));
    expect(internal.status).toBe(500);
    expect(JSON.stringify(internal.body)).not.toContain('hunter2');
  });

  it('answers a lock timeout with a retryable 503 that names no lock holder', async () => {
    const busy = await run(new DocumentLockTimeoutError('alert:MONUSCO:x', 30_000, 'classifier-host-1'));
    expect(busy.status).toBe(503);
    expect(busy.retryAfter).toBe('5');
    expect(busy.body.type).toBe('https://vigie.dev/problems/busy');
    expect(JSON.stringify(busy.body)).not.toContain('classifier-host-1');
  });
});
