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

/**
 * One reason behind a decision, as a code and its values, so that each reader gets it in their own language (the
 * dashboard translates `why.<code>`). `notes` keep the same facts as English sentences for logs and the CLI.
 */
/**
 * Every reason code the classifier emits. The dashboard has a sentence for each in English and French (`why.<code>`),
 * which a test checks; a code added here without one fails it.
 */
export const REASON_CODES = [
  'severity.rule_target',
  'severity.rule_logistics',
  'severity.rule_doxxing',
  'severity.rule_threat',
  'severity.model_target',
  'severity.model_logistics',
  'severity.model_alone',
  'severity.special_sea',
  'severity.criticism',
  'severity.contingent_named',
  'severity.no_contingent',
  'severity.leadership_named',
  'severity.tier',
  'stance.official_source',
  'stance.fact_checker',
  'stance.counter_terms',
  'stance.counter_denial',
  'stance.counter_spokesperson',
  'stance.counter_quoted',
  'stance.counter',
  'stance.report_terms',
  'stance.report',
  'stance.endorse_call',
  'stance.endorse',
  'note.no_text_field',
  'note.unknown_language_hint',
  'note.no_words',
  'note.empty',
  'note.mixed_scripts',
  'note.hate_layer_skipped',
  'note.read_as_criticism',
  'note.kept_by_harm_head',
  'note.call_rescue',
  'note.model_rescue',
  'note.doxxing',
  'note.mobilisation',
  'note.threat_of_more',
  'note.fragment',
  'note.benign_notice',
  'note.quoted_call',
  'note.no_un_reference',
  'note.model_only_not_endorsed',
  'note.hate_in_mission_area',
  'note.no_model',
  'note.html_removed',
  'note.truncated',
  'note.arabizi',
] as const;

export const Reason = z.object({
  code: z.string().min(1).max(64),
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type Reason = z.infer<typeof Reason>;

export const Explanation = z
  .object({
    matchedTerms: z.array(MatchedTerm),
    missionEvidence: z.array(z.object({ mission: MissionCode, evidence: z.array(z.string()) })),
    notes: z.array(z.string()),
    /** Severity first, then stance, then what else shaped the result; absent on results stored before 2026-11-27. */
    reasons: z.array(Reason).optional(),
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
