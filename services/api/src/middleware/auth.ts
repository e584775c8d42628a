import type { RequestHandler } from 'express';
import { AuthenticationError, ForbiddenError, type MissionCode } from '@vigie/contracts';
import { hashKey, verifyApiKey, type AuthenticatedKey, type Models, type Role } from '@vigie/db';
import type { VerifiedKeyCache } from './key-cache.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: AuthenticatedKey;
  }
}

const ROLE_LEVEL: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

function keyFromRequest(authorization: string | undefined, headerKey: string | string[] | undefined): string | null {
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1] ?? null;
  }
  if (typeof headerKey === 'string') return headerKey.trim();
  return null;
}

/**
 * Authenticates `Authorization: Bearer <key>` (or `X-API-Key`). 401 when absent or wrong. A key verified in the
 * last few seconds is taken from `cache` (see key-cache.ts for why that is safe).
 */
export function authenticate(models: Models, cache: VerifiedKeyCache): RequestHandler {
  return async (req, _res, next) => {
    try {
      const key = keyFromRequest(req.headers.authorization, req.headers['x-api-key']);
      if (!key) throw new AuthenticationError();
      const keyHash = hashKey(key);
      let principal = cache.get(keyHash) ?? null;
      if (!principal) {
        principal = await verifyApiKey(models, key);
        if (!principal) throw new AuthenticationError('This API key is not valid or has been revoked. Ask an administrator for a new one.');
        cache.remember(keyHash, principal);
      }
      req.principal = principal;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** 403 when the authenticated key's role is below `minimum`. */
export function requireRole(minimum: Role): RequestHandler {
  return (req, _res, next) => {
    const principal = req.principal;
    if (!principal) return next(new AuthenticationError());
    if (ROLE_LEVEL[principal.role] < ROLE_LEVEL[minimum]) {
      return next(new ForbiddenError(`This action needs the ${minimum} role; your key has the ${principal.role} role.`));
    }
    next();
  };
}

/**
 * The missions a request may touch: the intersection of what it asks for and what its key allows. A key
 * limited to some missions never sees the others, whatever filter it sends.
 */
export function allowedMissions(principal: AuthenticatedKey, requested?: readonly MissionCode[]): MissionCode[] | null {
  const scope = principal.missions;
  if (scope.length === 0) return requested && requested.length > 0 ? [...requested] : null;
  if (!requested || requested.length === 0) return [...scope];
  return requested.filter((m) => scope.includes(m));
}
