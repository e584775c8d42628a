import { z } from 'zod';
import { Language, MissionCode, NarrativeKey, Severity, Stance } from './taxonomy.js';

export const NarrativeScore = z.object({
  key: NarrativeKey,
  /** Confidence in [0,1] that the text carries this narrative. */
  score: z.number().min(0).max(1),
});
export type NarrativeScore = z.infer<typeof NarrativeScore>;

/** One matched lexicon entry, so an officer can see why a text was flagged. */
export const MatchedTerm = z.object({
  term: z.string(),
  narrative: NarrativeKey.or(z.literal('_call_to_act')).or(z.literal('_target')).or(z.literal('_counter')),
  language: z.string(),
  /** The text as it appeared in the item (before normalisation), when it can be located. */
  surface: z.string().optional(),
  weight: z.number(),
});
export type MatchedTerm = z.infer<typeof MatchedTerm>;

export const Explanation = z
  .object({
    matchedTerms: z.array(MatchedTerm),
    missionEvidence: z.array(z.object({ mission: MissionCode, evidence: z.array(z.string()) })),
    notes: z.array(z.string()),
  })
  .catchall(z.unknown());
export type Explanation = z.infer<typeof Explanation>;

/** What the classifier says about one item. Stored on the item and echoed by `vigie classify`. */
export const Classification = z.object({
  language: Language.or(z.string()),
  missions: z.array(MissionCode),
  narratives: z.array(NarrativeScore),
  topNarrative: NarrativeKey.nullable(),
  stance: Stance,
  harmful: z.boolean(),
  severity: Severity.nullable(),
  classifierVersion: z.string(),
  explanation: Explanation,
});
export type Classification = z.infer<typeof Classification>;
