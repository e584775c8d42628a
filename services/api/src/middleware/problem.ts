import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AuthenticationError, ConflictError, ForbiddenError, NotFoundError, ValidationError, VigieError } from '@vigie/contracts';
import { DocumentLockTimeoutError } from '@vigie/db';
import type { Logger } from '@vigie/runtime';

/** RFC 9457 problem details. `type` URIs are stable and documented in the README. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  requestId?: string;
}

const TYPE_BASE = 'https://vigie.dev/problems/';

function toProblem(error: unknown): Problem {
  if (error instanceof ZodError) {
    return {
      type: `${TYPE_BASE}validation`,
      title: 'Invalid request',
      status: 400,
      detail: 'Some fields are missing or invalid; see `errors` for each one.',
      errors: error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
    };
  }
  if (error instanceof ValidationError) {
    return { type: `${TYPE_BASE}validation`, title: 'Invalid request', status: 400, detail: error.message, errors: [...error.issues] };
  }
  if (error instanceof AuthenticationError) return { type: `${TYPE_BASE}unauthenticated`, title: 'Authentication required', status: 401, detail: error.message };
  if (error instanceof ForbiddenError) return { type: `${TYPE_BASE}forbidden`, title: 'Forbidden', status: 403, detail: error.message };
  if (error instanceof NotFoundError) return { type: `${TYPE_BASE}not-found`, title: 'Not found', status: 404, detail: error.message };
  if (error instanceof ConflictError) return { type: `${TYPE_BASE}conflict`, title: 'Conflict', status: 409, detail: error.message };
  // Another writer held the alert's write lock (FerretDB only) for too long: the change was not made; retrying is safe.
  if (error instanceof DocumentLockTimeoutError) {
    return { type: `${TYPE_BASE}busy`, title: 'Busy', status: 503, detail: 'Another change to this record is still being written. Nothing was changed; try again in a few seconds.' };
  }
  if (error instanceof VigieError && error.code === 'rate_limited') {
    return { type: `${TYPE_BASE}rate-limited`, title: 'Too many requests', status: 429, detail: error.message };
  }
  if (error instanceof VigieError) return { type: `${TYPE_BASE}${error.code}`, title: error.code, status: 400, detail: error.message };
  // body-parser errors carry a status and a type: malformed JSON, body too large.
  if (error && typeof error === 'object' && 'type' in error && 'status' in error && typeof error.status === 'number') {
    if (error.type === 'entity.too.large') {
      return { type: `${TYPE_BASE}too-large`, title: 'Request body too large', status: 413, detail: 'Send a smaller body, or split it into several requests.' };
    }
    if (error.type === 'entity.parse.failed') {
      return { type: `${TYPE_BASE}malformed-json`, title: 'Malformed JSON', status: 400, detail: 'The request body is not valid JSON.' };
    }
    if (error.status >= 400 && error.status < 500) {
      return { type: `${TYPE_BASE}bad-request`, title: 'Bad request', status: error.status, detail: 'The request could not be read.' };
    }
  }
  return { type: `${TYPE_BASE}internal`, title: 'Internal error', status: 500, detail: 'Something went wrong on our side; the error has been logged with the request id.' };
}

/** The one place errors become HTTP. Stack traces stay in the logs. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = toProblem(error);
    problem.instance = req.originalUrl.split('?')[0];
    problem.requestId = String(req.id ?? '');
    if (problem.status === 503) res.setHeader('Retry-After', '5');
    if (problem.status >= 500) logger.error({ err: error, requestId: req.id }, 'request failed');
    res.status(problem.status).type('application/problem+json').json(problem);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${req.path}. The API lives under /api/v1; see /api/v1/openapi.json.`));
};
