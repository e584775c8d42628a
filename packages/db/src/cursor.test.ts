import { describe, expect, it } from 'vitest';
import { ValidationError } from '@vigie/contracts';
import { decodeCursor, encodeCursor } from './cursor.js';
import { dedupKeyFor } from './repositories/alert.repository.js';
import { generateKey, hashKey, isWellFormedKey } from './repositories/api-key.repository.js';
import { isDuplicateKeyError } from './errors.js';

describe('cursors', () => {
  it('round-trips positions', () => {
    const c = encodeCursor({ v: 1764136800000, id: '0123456789abcdef01234567' });
    expect(decodeCursor(c)).toEqual({ v: 1764136800000, id: '0123456789abcdef01234567' });
  });

  it('rejects forged or broken cursors with a message that says what to do', () => {
    for (const bad of ['garbage', encodeCursor({ v: 1, id: 'zz' }), Buffer.from('{"v":{"$gt":1},"id":"0123456789abcdef01234567"}').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(ValidationError);
    }
    expect(() => decodeCursor('garbage')).toThrow(/nextCursor/);
  });
});

describe('alert dedup keys', () => {
  it('keys by mission and narrative, and by target for targeted S1 items', () => {
    expect(dedupKeyFor('MONUSCO', 'collusion_armed_groups')).toBe('MONUSCO:collusion_armed_groups');
    expect(dedupKeyFor('MONUSCO', 'incitement_violence', 'Base de Munigi ')).toBe('MONUSCO:incitement_violence:base-de-munigi');
    expect(dedupKeyFor('MONUSCO', 'incitement_violence', 'Base de Munigi')).toBe(dedupKeyFor('MONUSCO', 'incitement_violence', 'base  DE munigi!'));
    expect(dedupKeyFor('UNIFIL', 'incitement_violence', 'قاعدة الناقورة')).toBe('UNIFIL:incitement_violence:قاعدة-الناقورة');
    expect(dedupKeyFor('UNIFIL', 'incitement_violence', '!!!')).toBe('UNIFIL:incitement_violence');
  });
});

describe('API keys', () => {
  it('generates well-formed, unique keys whose hash is not the key', () => {
    const a = generateKey();
    const b = generateKey();
    expect(isWellFormedKey(a.key)).toBe(true);
    expect(a.key.startsWith(`vk_${a.prefix}_`)).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(hashKey(a.key)).toMatch(/^[a-f0-9]{64}$/);
    expect(hashKey(a.key)).not.toContain(a.key);
    expect(isWellFormedKey('vk_short_x')).toBe(false);
  });
});

describe('isDuplicateKeyError', () => {
  it('recognises MongoDB E11000 and FerretDB SQLite unique violations, nothing else', () => {
    expect(isDuplicateKeyError({ code: 11000, message: 'E11000 duplicate key' })).toBe(true);
    expect(isDuplicateKeyError({ code: 1, message: 'sqlite: UNIQUE constraint failed: sources.name' })).toBe(true);
    expect(isDuplicateKeyError({ code: 1, message: 'something else' })).toBe(false);
    expect(isDuplicateKeyError(new Error('E11000'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
  });
});
