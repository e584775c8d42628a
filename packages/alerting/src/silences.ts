/**
 * Silences: time-bounded matchers that stop *notifications* for matching alerts. A silenced alert still exists,
 * still counts in statistics and still appears in the digest — silencing mutes the pager, never the record.
 *
 * Matching semantics (decided here, tested in silences.test.ts):
 * - fields combine with AND; values within a field with OR (`missions: [MONUSCO, MINUSCA]` matches either);
 * - `sources` and `terms` match only when **every** source (term) behind the alert is covered. Silencing a noisy
 *   satire site must not hide the same narrative pushed by ten other accounts; an alert whose sources or terms are
 *   unknown does not match such a silence;
 * - terms compare case-, accent- and width-insensitively (`Dégage` = `degage`);
 * - a silence is active on [startsAt, endsAt).
 */
import { z } from 'zod';
import {
  MissionCode,
  NarrativeKey,
  ValidationError,
  type FieldIssue,
  type MissionCode as MissionCodeT,
  type NarrativeKey as NarrativeKeyT,
} from '@vigie/contracts';

/** Longest allowed silence: long enough for a mandate cycle's noise, short enough that nobody forgets one. */
export const MAX_SILENCE_MS = 90 * 24 * 3_600_000;

const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(200).optional();

/** A silence as created through the API (before it has an id). */
export const SilenceInput = z
  .object({
    missions: nonEmpty(MissionCode),
    narratives: nonEmpty(NarrativeKey),
    /** Source ids. */
    sources: nonEmpty(z.string().trim().min(1)),
    /** Lexicon terms as matched by the classifier. */
    terms: nonEmpty(z.string().trim().min(1)),
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    author: z.string().trim().min(1),
    reason: z.string().trim().min(3).max(2000),
  })
  .superRefine((s, ctx) => {
    if (!s.missions && !s.narratives && !s.sources && !s.terms) {
      ctx.addIssue({
        code: 'custom',
        path: ['missions'],
        message: 'at least one matcher (missions, narratives, sources, terms) is required',
      });
    }
    const span = s.endsAt.getTime() - s.startsAt.getTime();
    if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    else if (span > MAX_SILENCE_MS)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'a silence lasts at most 90 days' });
  });
export type SilenceInput = z.input<typeof SilenceInput>;

export interface Silence {
  readonly id: string;
  readonly missions?: readonly MissionCodeT[];
  readonly narratives?: readonly NarrativeKeyT[];
  readonly sources?: readonly string[];
  readonly terms?: readonly string[];
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly author: string;
  readonly reason: string;
}

/**
 * Validates a silence for creation at `now`. Besides the schema (end after start, ≤ 90 days, at least one matcher),
 * a silence that has already ended is refused: it would do nothing and hide a typo in the dates.
 * Throws `ValidationError` listing every problem.
 */
export function parseSilence(input: unknown, id: string, now: Date): Silence {
  const parsed = SilenceInput.safeParse(input);
  const issues: FieldIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (parsed.success && parsed.data.endsAt.getTime() <= now.getTime()) {
    issues.push({ path: 'endsAt', message: 'is in the past' });
  }
  if (!parsed.success || issues.length > 0) {
    throw new ValidationError(
      `invalid silence: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const { missions, narratives, sources, terms, ...rest } = parsed.data;
  return {
    id,
    ...rest,
    ...(missions ? { missions } : {}),
    ...(narratives ? { narratives } : {}),
    ...(sources ? { sources } : {}),
    ...(terms ? { terms } : {}),
  };
}

/** What a notification is about. */
export interface AlertContext {
  readonly mission: MissionCodeT;
  readonly narrative: NarrativeKeyT;
  /** Sources behind the alert (or behind the new evidence being notified). */
  readonly sources?: readonly string[];
  /** Lexicon terms matched in that evidence. */
  readonly terms?: readonly string[];
}

/** Folds case, accents and width so `MONUSCO Dégage` matches `monusco degage`. */
export function normalizeTerm(term: string): string {
  return term
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether `silence` is active at `at` (start inclusive, end exclusive). */
export function isSilenceActive(silence: Pick<Silence, 'startsAt' | 'endsAt'>, at: Date): boolean {
  const t = at.getTime();
  return silence.startsAt.getTime() <= t && t < silence.endsAt.getTime();
}

/** Whether `silence`'s matchers cover `alert`, ignoring time. */
export function silenceMatches(silence: Silence, alert: AlertContext): boolean {
  if (silence.missions && !silence.missions.includes(alert.mission)) return false;
  if (silence.narratives && !silence.narratives.includes(alert.narrative)) return false;
  if (silence.sources && !coversAll(silence.sources, alert.sources, (s) => s)) return false;
  if (silence.terms && !coversAll(silence.terms, alert.terms, normalizeTerm)) return false;
  return true;
}

function coversAll(
  allowed: readonly string[],
  actual: readonly string[] | undefined,
  norm: (s: string) => string,
): boolean {
  if (!actual || actual.length === 0) return false;
  const set = new Set(allowed.map(norm));
  return actual.every((a) => set.has(norm(a)));
}

/**
 * Ids of the silences that mute `alert` at `at`, in input order; empty when it should notify. Returning ids (not a
 * boolean) lets the digest say "silenced by …" and the audit log keep which rule muted what.
 */
export function isSilenced(alert: AlertContext, silences: readonly Silence[], at: Date): string[] {
  return silences.filter((s) => isSilenceActive(s, at) && silenceMatches(s, alert)).map((s) => s.id);
}
