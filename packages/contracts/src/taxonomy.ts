/**
 * The shared vocabulary of Vigie, from shared/taxonomy/TAXONOMY.md. These keys are persisted (Mongo fields,
 * API values, CLI output): never rename one without a data migration.
 */
import { z } from 'zod';

export const NARRATIVE_KEYS = [
  'collusion_armed_groups',
  'covert_arms_transport',
  'resource_plunder',
  'failure_to_protect',
  'expulsion_demand',
  'incitement_violence',
  'espionage',
  'partiality_contingent',
  'sovereignty_partition',
  'false_flag',
  'disease_health',
  'sexual_exploitation_abuse',
  'forged_media',
  'geopolitical_proxy',
  'hate_speech',
] as const;
export const NarrativeKey = z.enum(NARRATIVE_KEYS);
export type NarrativeKey = z.infer<typeof NarrativeKey>;

export const MISSION_CODES = [
  'MONUSCO',
  'MINUSCA',
  'UNMISS',
  'UNIFIL',
  'UNISFA',
  'MINURSO',
  'UNFICYP',
  'UNMIK',
  'UNDOF',
  'UNTSO',
  'MINUSMA',
] as const;
export const MissionCode = z.enum(MISSION_CODES);
export type MissionCode = z.infer<typeof MissionCode>;

/** S1 incitement/threat, S2 high-harm false narrative, S3 reputational/political, S4 grievance. */
export const SEVERITIES = ['S1', 'S2', 'S3', 'S4'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Lower rank = more severe; used to keep "the highest severity among items". */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.freeze({ S1: 1, S2: 2, S3: 3, S4: 4 });

export function mostSevere(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;
}

/** endorse: the text pushes the narrative; counter: debunk/denial/fact-check; report: neutral news about it. */
export const STANCES = ['endorse', 'counter', 'report', 'none'] as const;
export const Stance = z.enum(STANCES);
export type Stance = z.infer<typeof Stance>;

/** Languages Vigie identifies; `und` when it cannot tell. ISO 639-1 where one exists, 639-3 otherwise. */
export const LANGUAGES = ['en', 'fr', 'ar', 'sw', 'ln', 'sg', 'bm', 'und'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;
