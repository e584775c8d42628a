import { describe, expect, it } from 'vitest';
import { allowedMissions } from './auth.js';

const unscoped = { id: '1', name: 'hq', role: 'viewer' as const, missions: [] };
const goma = { id: '2', name: 'goma', role: 'viewer' as const, missions: ['MONUSCO' as const] };

describe('allowedMissions', () => {
  it('lets an unscoped key filter freely, or see everything', () => {
    expect(allowedMissions(unscoped)).toBeNull();
    expect(allowedMissions(unscoped, ['UNIFIL'])).toEqual(['UNIFIL']);
  });

  it('intersects a scoped key with what it asks for', () => {
    expect(allowedMissions(goma)).toEqual(['MONUSCO']);
    expect(allowedMissions(goma, ['MONUSCO', 'UNIFIL'])).toEqual(['MONUSCO']);
    expect(allowedMissions(goma, ['UNIFIL'])).toEqual([]);
  });
});
