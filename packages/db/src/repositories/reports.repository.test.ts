import { describe, expect, it } from 'vitest';
import { placesOfEvidence } from './reports.repository.js';

const codes = new Set(['monusco', 'unifil']);

describe('placesOfEvidence', () => {
  it('takes the places out of the classifier evidence and nothing else', () => {
    expect(placesOfEvidence(['named "MONUSCO"', 'place "Goma"', 'group "M23"'], codes)).toEqual(['Goma']);
    expect(placesOfEvidence(['patrol "dawriye"', 'place "3adise"'], codes)).toEqual(['3adise']);
    expect(placesOfEvidence(['their installation "leur camp"', 'place "Ippy"', 'place "Bria"'], codes)).toEqual(['Ippy', 'Bria']);
    expect(placesOfEvidence(['generic "casques bleus", "ONU"', 'country "Syria"', 'mission area (hate speech)'], codes)).toEqual([]);
  });

  it('keeps a bare place of older results, but not a bare mission code or an empty string', () => {
    expect(placesOfEvidence(['Goma', 'MONUSCO', ''], codes)).toEqual(['Goma']);
  });
});
