import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '@vigie/contracts';
import { assertWithinScope, scopePrefilter, withinScope } from './notify-scope.js';

const hq = { id: '1', name: 'hq', role: 'admin' as const, missions: [] };
const goma = { id: '2', name: 'goma', role: 'admin' as const, missions: ['MONUSCO' as const] };

describe('notification settings scope', () => {
  it('lets unscoped keys see everything, scoped keys only settings wholly inside their missions', () => {
    expect(withinScope(hq, [])).toBe(true);
    expect(withinScope(hq, ['UNIFIL'])).toBe(true);
    expect(withinScope(goma, ['MONUSCO'])).toBe(true);
    expect(withinScope(goma, [])).toBe(false);
    expect(withinScope(goma, ['MONUSCO', 'UNIFIL'])).toBe(false);
  });

  it('refuses writes outside the scope with a 403-class error, and pre-filters lists', () => {
    expect(() => assertWithinScope(goma, ['UNIFIL'], 'webhook')).toThrow(ForbiddenError);
    expect(() => assertWithinScope(goma, ['MONUSCO'], 'webhook')).not.toThrow();
    expect(scopePrefilter(hq)).toEqual({});
    expect(scopePrefilter(goma)).toEqual({ missions: { $in: ['MONUSCO'] } });
  });
});
