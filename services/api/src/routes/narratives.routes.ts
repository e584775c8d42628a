import { Router } from 'express';
import { NARRATIVE_KEYS, NarrativeKey, NotFoundError } from '@vigie/contracts';
import type { Catalogue } from '@vigie/nlp';
import { requireRole } from '../middleware/auth.js';
import type { ClassifierVersions } from '../classifier-versions.js';

/**
 * The narrative catalogue as officers and spokespeople read it: definition, tier, approved counter-messaging in
 * FR and EN, and the lexicon's size and validation state per language — from the active classifier version (the
 * built-in catalogue until an admin activates an edited one). `lexicon=full` lists the terms themselves.
 */
export function narrativesRouter(versions: ClassifierVersions): Router {
  const router = Router();

  function describe(catalogue: Catalogue, key: NarrativeKey) {
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

  router.get('/', requireRole('viewer'), async (_req, res) => {
    const active = await versions.active();
    res.json({ version: active.catalogue.version, classifierVersion: active.label, data: NARRATIVE_KEYS.map((k) => describe(active.catalogue, k)).filter((n) => n !== null) });
  });

  router.get('/:key', requireRole('viewer'), async (req, res) => {
    const key = NarrativeKey.parse(req.params.key);
    const active = await versions.active();
    const narrative = describe(active.catalogue, key);
    if (!narrative) throw new NotFoundError(`The catalogue has no entry for ${key}.`);
    const entry = active.catalogue.narratives[key];
    res.json({
      version: active.catalogue.version,
      classifierVersion: active.label,
      ...narrative,
      exemplars: entry?.exemplars ?? [],
      // The terms as admins edit them (POST /narratives/versions).
      terms: (entry?.lexicon ?? []).map((t) => ({ text: t.text, lang: t.lang, weight: t.weight, status: t.status, validated: t.validated, kind: t.kind })),
    });
  });

  return router;
}
