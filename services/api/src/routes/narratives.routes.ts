import { Router } from 'express';
import { NARRATIVE_KEYS, NarrativeKey, NotFoundError } from '@vigie/contracts';
import { loadCatalogue } from '@vigie/nlp';
import { requireRole } from '../middleware/auth.js';

/**
 * The narrative catalogue as officers and spokespeople read it: definition, tier, approved counter-messaging in
 * FR and EN, and the lexicon's size and validation state per language. Read-only for now; admins edit the
 * catalogue file (packages/nlp/data/catalogue.json) and retrain.
 */
export function narrativesRouter(): Router {
  const router = Router();
  const catalogue = loadCatalogue();

  function describe(key: NarrativeKey) {
    const entry = catalogue.narratives[key];
    if (!entry) return null;
    const byLanguage: Record<string, { terms: number; validated: number }> = {};
    for (const term of entry.lexicon) {
      const bucket = (byLanguage[term.lang] ??= { terms: 0, validated: 0 });
      bucket.terms++;
      if (term.validated) bucket.validated++;
    }
    return { key, tier: entry.tier, definition: entry.definition, counterMessaging: entry.counterMessaging, lexicon: byLanguage };
  }

  router.get('/', requireRole('viewer'), (_req, res) => {
    res.json({ version: catalogue.version, data: NARRATIVE_KEYS.map(describe).filter((n) => n !== null) });
  });

  router.get('/:key', requireRole('viewer'), (req, res) => {
    const key = NarrativeKey.parse(req.params.key);
    const narrative = describe(key);
    if (!narrative) throw new NotFoundError(`The catalogue has no entry for ${key}.`);
    res.json({ version: catalogue.version, ...narrative, exemplars: catalogue.narratives[key]?.exemplars ?? [] });
  });

  return router;
}
