/**
 * The classifier's reason codes (contracts) against the dashboard's sentences: every code has one in English and in
 * French, with the placeholders the classifier fills, so an officer never sees a raw code or a missing translation.
 */
import { REASON_CODES } from '@vigie/contracts';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, reasonText, translator } from '../packages/dashboard/src/i18n.js';

describe('reason sentences', () => {
  it('has an English and a French sentence for every reason code the classifier emits', () => {
    for (const code of REASON_CODES) {
      expect(CATALOGUES.en, code).toHaveProperty([`why.${code}`]);
      expect(CATALOGUES.fr, code).toHaveProperty([`why.${code}`]);
    }
  });

  it('fills them in the officer’s language', () => {
    const reason = { code: 'severity.rule_target', values: { call: 'brûlons', target: 'la base' } };
    expect(reasonText(translator('fr'), 'fr', reason)).toBe('Escalade S1 : appel à l’action (« brûlons ») avec une cible (« la base »).');
    expect(reasonText(translator('en'), 'en', reason)).toBe('S1 escalation: a call to act (“brûlons”) with a target (“la base”).');
  });
});
