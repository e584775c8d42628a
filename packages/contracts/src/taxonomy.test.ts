import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MISSION_CODES, NARRATIVE_KEYS, mostSevere } from './taxonomy.js';
import { ClassifyItemJob } from './queues.js';

const taxonomyPath = fileURLToPath(new URL('../../../../shared/taxonomy/TAXONOMY.md', import.meta.url));

describe('taxonomy', () => {
  it('lists exactly the narrative keys and mission codes of TAXONOMY.md', () => {
    let doc: string;
    try {
      doc = readFileSync(taxonomyPath, 'utf8');
    } catch {
      // The shared folder sits beside the checkout on developer and CI machines.
      throw new Error(`shared taxonomy not found at ${taxonomyPath}`);
    }
    const keys = [...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect([...NARRATIVE_KEYS].sort()).toEqual([...new Set(keys)].sort());
    const missionSection = doc.slice(doc.indexOf('## Mission codes'));
    const codes = [...missionSection.matchAll(/^\| ([A-Z]{5,8}) \|/gm)].map((m) => m[1]);
    expect([...MISSION_CODES].sort()).toEqual(codes.sort());
  });

  it('keeps the most severe tier', () => {
    expect(mostSevere('S3', 'S1')).toBe('S1');
    expect(mostSevere(null, 'S4')).toBe('S4');
    expect(mostSevere('S2', null)).toBe('S2');
    expect(mostSevere(null, null)).toBeNull();
  });

  it('rejects job payloads that are not bare references', () => {
    expect(ClassifyItemJob.safeParse({ itemId: '0123456789abcdef01234567' }).success).toBe(true);
    expect(ClassifyItemJob.safeParse({ itemId: { $gt: '' } }).success).toBe(false);
    expect(ClassifyItemJob.safeParse({ itemId: '0123456789abcdef01234567', text: 'x' }).success).toBe(false);
  });
});
