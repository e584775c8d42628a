import { ForbiddenError, type MissionCode } from '@vigie/contracts';
import type { AuthenticatedKey } from '@vigie/db';

/**
 * Mission scope for notification settings (webhooks, silences). A setting with no missions covers every mission,
 * so only unscoped keys see or manage it; a scoped key sees and manages only settings whose missions are all
 * inside its scope. A MONUSCO key therefore never learns where UNIFIL alerts are sent, nor mutes them.
 */
export function withinScope(principal: AuthenticatedKey, missions: readonly string[]): boolean {
  const scope = principal.missions;
  return scope.length === 0 || (missions.length > 0 && missions.every((m) => scope.includes(m as MissionCode)));
}

export function assertWithinScope(principal: AuthenticatedKey, missions: readonly string[], what: string): void {
  if (!withinScope(principal, missions)) {
    throw new ForbiddenError(
      `Your key is limited to ${principal.missions.join(', ')}; a ${what} you manage must name missions, all of them among those.`,
    );
  }
}

/** A Mongo pre-filter for lists (any overlap); `withinScope` then keeps only rows wholly inside the scope. */
export function scopePrefilter(principal: AuthenticatedKey): { missions?: { $in: MissionCode[] } } {
  return principal.missions.length ? { missions: { $in: [...principal.missions] } } : {};
}
