import { describe, expect, it } from 'vitest';
import { loadCatalogue } from './catalogue.js';
import { applyCatalogueChanges, CatalogueChange, CatalogueChangeError, CatalogueChanges, describeChange } from './catalogue-patch.js';

const base = loadCatalogue();
const parse = (v: unknown) => CatalogueChanges.parse(v);

describe('applyCatalogueChanges', () => {
  it('adds, re-weights and removes terms, edits lines and definitions, without touching the input', () => {
    const existing = base.narratives.collusion_armed_groups.lexicon[0]!;
    const next = applyCatalogueChanges(
      base,
      parse([
        { op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'sw', text: 'vigie test phrase wazi', weight: 1.2 },
        { op: 'updateTerm', narrative: 'collusion_armed_groups', lang: existing.lang, text: existing.text.toUpperCase(), weight: 0.4, validated: false },
        { op: 'setCounterMessaging', narrative: 'collusion_armed_groups', lang: 'fr', lines: ['La MONUSCO ne fournit aucune arme à aucun groupe armé.'] },
        { op: 'setDefinition', narrative: 'collusion_armed_groups', lang: 'en', text: 'Claims that the mission helps armed groups.' },
      ]),
      '2026.11.7',
    );
    const lex = next.narratives.collusion_armed_groups.lexicon;
    expect(lex.find((e) => e.text === 'vigie test phrase wazi')).toMatchObject({ lang: 'sw', weight: 1.2, status: 'suggested', validated: false, kind: 'phrase' });
    expect(lex.find((e) => e.text === existing.text)).toMatchObject({ weight: 0.4, validated: false, status: existing.status });
    expect(next.narratives.collusion_armed_groups.counterMessaging.fr).toEqual(['La MONUSCO ne fournit aucune arme à aucun groupe armé.']);
    expect(next.narratives.collusion_armed_groups.definition.en).toBe('Claims that the mission helps armed groups.');
    expect(next.version).toBe('2026.11.7');
    // The input is not mutated.
    expect(base.narratives.collusion_armed_groups.lexicon[0]).toEqual(existing);
    const removed = applyCatalogueChanges(next, parse([{ op: 'removeTerm', narrative: 'collusion_armed_groups', lang: 'sw', text: 'vigie test phrase wazi' }]), '2026.11.8');
    expect(removed.narratives.collusion_armed_groups.lexicon.some((e) => e.text === 'vigie test phrase wazi')).toBe(false);
  });

  it('adds a term to be matched as written, and refuses a flag that is not a boolean', () => {
    const next = applyCatalogueChanges(base, parse([{ op: 'addTerm', narrative: 'hate_speech', lang: 'en', text: 'termites', weight: 1, asWritten: true }]), '2026.11.9');
    expect(next.narratives.hate_speech.lexicon.find((e) => e.text === 'termites' && e.lang === 'en')).toMatchObject({ asWritten: true, kind: 'term' });
    expect(CatalogueChanges.safeParse([{ op: 'addTerm', narrative: 'hate_speech', lang: 'en', text: 'vermin', weight: 1, asWritten: 'yes' }]).success).toBe(false);
  });

  it('reports every change that cannot apply, with its path', () => {
    const existing = base.narratives.collusion_armed_groups.lexicon[0]!;
    try {
      applyCatalogueChanges(
        base,
        parse([
          { op: 'removeTerm', narrative: 'collusion_armed_groups', lang: 'en', text: 'no such term here' },
          { op: 'addTerm', narrative: 'collusion_armed_groups', lang: existing.lang, text: existing.text, weight: 1 },
        ]),
        '2026.11.9',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogueChangeError);
      expect((error as CatalogueChangeError).issues.map((i) => i.path)).toEqual(['changes.0.text', 'changes.1.text']);
    }
  });

  it('refuses an edit that leaves a narrative without any lexicon entry (schema re-validation)', () => {
    const only = { ...base, narratives: { ...base.narratives, hate_speech: { ...base.narratives.hate_speech, lexicon: [base.narratives.hate_speech.lexicon[0]!] } } };
    const t = only.narratives.hate_speech.lexicon[0]!;
    expect(() => applyCatalogueChanges(only, parse([{ op: 'removeTerm', narrative: 'hate_speech', lang: t.lang, text: t.text }]), '2026.11.10')).toThrow(/lexicon/);
  });

  it('rejects hostile changes at the schema with field paths', () => {
    const bad = [
      { op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'fr', text: 'x'.repeat(10_000), weight: 1 },
      { op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'fr', text: '<script>alert(1)</script>', weight: 1 },
      { op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'fr', text: 'ok', weight: 1, $where: 'sleep(1000)' },
      { op: 'addTerm', narrative: 'not_a_narrative', lang: 'fr', text: 'ok', weight: 1 },
      { op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'xx', text: 'ok', weight: 1 },
      { op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'fr', text: 'ok', weight: 1e9 },
      { op: 'updateTerm', narrative: 'collusion_armed_groups', lang: 'fr', text: 'ok' },
      { op: '$set', narrative: 'collusion_armed_groups' },
    ];
    for (const [i, change] of bad.entries()) {
      const r = CatalogueChange.safeParse(change);
      expect(r.success, `change ${i} should be refused`).toBe(false);
    }
    const r = CatalogueChanges.safeParse([bad[0]]);
    expect(r.error?.issues[0]?.path).toEqual([0, 'text']);
    expect(r.error?.issues[0]?.message).toMatch(/at most 120/);
  });

  it('keeps regex-like and operator-like text as literal terms', () => {
    const next = applyCatalogueChanges(base, parse([{ op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'en', text: '.* $where', weight: 1 }]), '2026.11.11');
    expect(next.narratives.collusion_armed_groups.lexicon.some((e) => e.text === '.* $where')).toBe(true);
    expect(describeChange({ op: 'removeTerm', narrative: 'collusion_armed_groups', lang: 'en', text: '.* $where' })).toBe('- collusion_armed_groups/en ".* $where"');
  });
});
