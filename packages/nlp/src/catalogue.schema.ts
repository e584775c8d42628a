/**
 * The narrative catalogue as data: definitions, tiers, multilingual lexicons, cues and gazetteers. Admins edit it
 * through the API, so everything the classifier knows about words lives here and is validated on load.
 */
import { z } from 'zod';
import { MISSION_CODES, NARRATIVE_KEYS, type NarrativeKey } from '@vigie/contracts';

/** Language tags used in lexicons: ISO 639-1 where one exists (en, fr, ar, sw, ln, sg), 639-2 for Bambara (bm). */
export const LexiconLanguage = z.enum(['en', 'fr', 'ar', 'sw', 'ln', 'sg', 'bm']);
export type LexiconLanguage = z.infer<typeof LexiconLanguage>;

/** One lexicon entry. `weight` is relative evidence (≈1 = one strong phrase); `suggested` entries are discounted. */
export const LexiconEntrySchema = z
  .object({
    text: z.string().trim().min(1, 'lexicon text must not be empty'),
    lang: LexiconLanguage,
    weight: z.number().positive('weight must be > 0').max(5, 'weight must be ≤ 5'),
    status: z.enum(['attested', 'suggested']),
    validated: z.boolean(),
    kind: z.enum(['phrase', 'term']),
    /**
     * Match the words as written (folded), never by stem: for a word whose stem is shared with unrelated words (the
     * target "unit" and "United" both stem to unit). Inflected forms that should count are listed as entries of their own.
     */
    asWritten: z.boolean().optional(),
    /** Source number in shared/taxonomy/SOURCES.md, when attested. */
    source: z.string().optional(),
  })
  .strict();
export type LexiconEntry = z.infer<typeof LexiconEntrySchema>;

const Bilingual = z.object({ en: z.string().min(1), fr: z.string().min(1) });

export const NarrativeEntrySchema = z
  .object({
    tier: z.enum(['S1', 'S2', 'S3', 'S4', 'special']),
    /** Human-readable conditions on the tier (e.g. "S2 when a contingent is named"); the logic is in severity.ts. */
    tierNote: z.string().optional(),
    definition: Bilingual,
    lexicon: z.array(LexiconEntrySchema).min(1, 'every narrative needs at least one lexicon entry'),
    exemplars: z.array(z.object({ text: z.string().min(1), lang: LexiconLanguage })),
    counterMessaging: z.object({ en: z.array(z.string().min(1)).min(1), fr: z.array(z.string().min(1)).min(1) }),
  })
  .strict();
export type NarrativeEntry = z.infer<typeof NarrativeEntrySchema>;

const Surface = z.object({ text: z.string().trim().min(1), lang: LexiconLanguage });

export const MissionGazetteerSchema = z.object({
  code: z.enum(MISSION_CODES),
  names: z.object({ en: z.array(z.string()), fr: z.array(z.string()), ar: z.array(z.string()), other: z.array(z.string()) }),
  /** Acronyms that on their own name the mission (MONUSCO, FINUL). */
  acronyms: z.array(z.string().min(2)).min(1),
  /** Known evasive spellings; most are also caught by the normaliser. */
  evasions: z.array(z.string()),
  /** Places in the mission area: with a generic "blue helmets" mention they attribute a text to the mission. */
  places: z.array(z.string().min(2)),
  armedGroups: z.array(z.string().min(2)),
  countries: z.array(z.string().min(2)),
  /** Troop-contributing nationalities and their surface forms; naming one raises some narratives' severity. */
  contingents: z.array(z.object({ nationality: z.string(), forms: z.array(z.string().min(2)) })),
});
export type MissionGazetteer = z.infer<typeof MissionGazetteerSchema>;

const SourceSchema = z.object({
  name: z.string().min(2),
  domains: z.array(z.string().min(3)),
  mission: z.enum(MISSION_CODES).optional(),
  handles: z.array(z.string()).default([]),
});
export type SourceEntry = z.infer<typeof SourceSchema>;

const narrativesShape = Object.fromEntries(NARRATIVE_KEYS.map((k) => [k, NarrativeEntrySchema])) as Record<
  NarrativeKey,
  typeof NarrativeEntrySchema
>;

export const CatalogueSchema = z
  .object({
    version: z.string().regex(/^\d{4}\.\d{1,2}\.\d+$/, 'version must look like YYYY.MM.N (e.g. 2025.11.1)'),
    description: z.string().optional(),
    /** Multipliers applied to entry weights by status; validated entries use `validated`. */
    weights: z.object({
      attested: z.number().min(0).max(2),
      suggested: z.number().min(0).max(2),
      validated: z.number().min(0).max(2),
    }),
    narratives: z.object(narrativesShape).strict(),
    cues: z.object({
      callToAct: z.array(LexiconEntrySchema).min(1),
      targets: z.array(LexiconEntrySchema).min(1),
      logistics: z.array(LexiconEntrySchema).min(1),
      counter: z.array(LexiconEntrySchema).min(1),
      report: z.array(LexiconEntrySchema).min(1),
      leadership: z.array(LexiconEntrySchema),
      /**
       * Words of a notice or a question about the mission's movements ("anyone knows if…", « patientez au rond-point »), or
       * of thanks ("kudos to", « شكرا »): with no call to act, the escalation model's reading of a patrol's time and place
       * as an attack's logistics is set aside. Not a model feature (see `classify`), so entries can be added without a
       * retrain.
       */
      benign: z.array(LexiconEntrySchema).default([]),
      /**
       * Praise and acclaim ("bravo", « مبروك », "hongera", "heroes"): a call verb that tells of a deed (past tense, a noun
       * after "the") in a text that praises is praise of an attack, an S1 case of its own in TAXONOMY.md, and stays a
       * call. Not a model feature either.
       */
      praise: z.array(LexiconEntrySchema).default([]),
    }),
    gazetteers: z.object({
      missions: z
        .array(MissionGazetteerSchema)
        .refine((ms) => new Set(ms.map((m) => m.code)).size === ms.length, 'mission codes must be unique'),
      genericPeacekeepers: z.array(Surface).min(1),
      /**
       * Peacekeepers named by how they look — their white vehicles, "the blue ones" — which are as often a trader's
       * trucks or a football team: they attribute a text to a mission with a place of its area, like the generic names,
       * but alone they are no reference to the UN ("White trucks for sale in Nairobi, call now").
       */
      genericPeacekeepersByLook: z.array(Surface).default([]),
      genericUn: z.array(Surface),
      sources: z.object({ official: z.array(SourceSchema), factCheckers: z.array(SourceSchema) }),
    }),
  })
  .strict();
export type Catalogue = z.infer<typeof CatalogueSchema>;
