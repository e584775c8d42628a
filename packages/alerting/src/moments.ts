/**
 * High-risk moments: a per-mission calendar (mandate renewal votes, elections, anniversaries of attacks, troop
 * rotations, planned operations). Inside a moment's window, spike thresholds are lowered (see `lowered` in
 * spike-detector); `prebunkLeadDays` before the date, a `prebunk` task is opened for the narratives likely to surge.
 *
 * Dates are UTC days: a moment on 2026-12-20 covers that whole day, and its window runs from
 * `windowBeforeDays` days before its start to `windowAfterDays` days after its end.
 */
import { z } from 'zod';
import {
  MissionCode,
  NarrativeKey,
  type MissionCode as MissionCodeT,
  type NarrativeKey as NarrativeKeyT,
} from '@vigie/contracts';

const DAY_MS = 86_400_000;

export const MOMENT_KINDS = [
  'mandate_renewal',
  'election',
  'anniversary',
  'rotation',
  'operation',
  'other',
] as const;
export const MomentKind = z.enum(MOMENT_KINDS);
export type MomentKind = z.infer<typeof MomentKind>;

/**
 * Narratives that historically surge around each kind of moment, used when a moment lists none. Sources: TAXONOMY.md.
 * - mandate renewal: "must leave" campaigns, balkanisation claims and proxy framing peak around Security Council
 *   votes, with "the mission does nothing" criticism;
 * - election: partiality and foreign-interference claims, forged statements, hate speech against communities;
 * - anniversary (of an attack or massacre): calls for revenge, failure-to-protect grief, false-flag rewrites;
 * - rotation: new contingents draw nationality-based partiality and hate, disease rumours, "what is in the
 *   containers";
 * - operation: collusion, false flag, failure to protect, arms transport and espionage claims follow military action.
 */
export const DEFAULT_SURGE_NARRATIVES: Readonly<Record<MomentKind, readonly NarrativeKeyT[]>> = Object.freeze(
  {
    mandate_renewal: [
      'expulsion_demand',
      'sovereignty_partition',
      'geopolitical_proxy',
      'failure_to_protect',
    ],
    election: [
      'partiality_contingent',
      'geopolitical_proxy',
      'forged_media',
      'hate_speech',
      'sovereignty_partition',
    ],
    anniversary: ['incitement_violence', 'failure_to_protect', 'false_flag', 'expulsion_demand'],
    rotation: ['partiality_contingent', 'hate_speech', 'disease_health', 'covert_arms_transport'],
    operation: [
      'collusion_armed_groups',
      'false_flag',
      'failure_to_protect',
      'covert_arms_transport',
      'espionage',
    ],
    other: [],
  },
);

const days = (fallback: number) => z.number().int().min(0).max(90).default(fallback);

/** A calendar entry as stored and accepted by the API. */
export const Moment = z.object({
  id: z.string().min(1),
  mission: MissionCode,
  title: z.string().trim().min(1).max(300),
  kind: MomentKind,
  /** The day of the moment (UTC); any time of day is floored to midnight. */
  date: z.coerce.date().transform((d) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS)),
  /** Days before the date when thresholds start being lowered. Default 3. */
  windowBeforeDays: days(3),
  /** Days after the date when they stop. Default 2. */
  windowAfterDays: days(2),
  /** Days before the date when the prebunk task opens. Default 7. */
  prebunkLeadDays: days(7),
  /** Narratives likely to surge; empty means the kind's defaults. */
  narratives: z.array(NarrativeKey).default([]),
  /** Overrides the threshold factor for this moment, in (0, 1]. */
  thresholdFactor: z.number().gt(0).max(1).optional(),
});
export type Moment = z.output<typeof Moment>;

/** The moment's narratives, or its kind's defaults when it lists none. */
export function likelyNarratives(moment: Pick<Moment, 'kind' | 'narratives'>): readonly NarrativeKeyT[] {
  return moment.narratives.length > 0 ? moment.narratives : DEFAULT_SURGE_NARRATIVES[moment.kind];
}

/** [start, end) of the lowered-threshold window. */
export function momentWindow(moment: Pick<Moment, 'date' | 'windowBeforeDays' | 'windowAfterDays'>): {
  start: Date;
  end: Date;
} {
  const day = moment.date.getTime();
  return {
    start: new Date(day - moment.windowBeforeDays * DAY_MS),
    end: new Date(day + (moment.windowAfterDays + 1) * DAY_MS),
  };
}

/** Moments of `mission` whose window contains `at`, earliest first. */
export function activeMoments(moments: readonly Moment[], mission: MissionCodeT, at: Date): Moment[] {
  const t = at.getTime();
  return moments
    .filter((m) => {
      if (m.mission !== mission) return false;
      const w = momentWindow(m);
      return w.start.getTime() <= t && t < w.end.getTime();
    })
    .sort((a, b) => a.date.getTime() - b.date.getTime());
}

export interface ThresholdFactorOptions {
  /** Factor for the narratives the moment is about (or all narratives when none is given). Default 0.6. */
  readonly likely: number;
  /** Factor for the other narratives of the mission: tension spills over, less so. Default 0.85. */
  readonly other: number;
}

export const DEFAULT_THRESHOLD_FACTORS: ThresholdFactorOptions = Object.freeze({ likely: 0.6, other: 0.85 });

/**
 * The factor to pass to `lowered(thresholds, factor)` for `mission` × `narrative` at `at`: 1 outside every moment,
 * otherwise the lowest factor among active moments (overlapping moments do not compound — one lowering is
 * sensitive enough, and compounding would make a busy calendar page on noise).
 */
export function thresholdFactorAt(
  moments: readonly Moment[],
  mission: MissionCodeT,
  at: Date,
  narrative?: NarrativeKeyT,
  options: ThresholdFactorOptions = DEFAULT_THRESHOLD_FACTORS,
): number {
  let factor = 1;
  for (const m of activeMoments(moments, mission, at)) {
    const isLikely = narrative === undefined || likelyNarratives(m).includes(narrative);
    const f = isLikely
      ? (m.thresholdFactor ?? options.likely)
      : Math.max(m.thresholdFactor ?? options.likely, options.other);
    factor = Math.min(factor, f);
  }
  return factor;
}

/** A prebunk task to open; the caller attaches the catalogue's counter-messaging lines for `narratives`. */
export interface PrebunkTask {
  /** Stable idempotency key (`prebunk:<momentId>`): store it with the task; a unique index makes opening idempotent. */
  readonly key: string;
  readonly momentId: string;
  readonly mission: MissionCodeT;
  readonly title: string;
  readonly kind: MomentKind;
  readonly momentDate: Date;
  readonly dueAt: Date;
  readonly narratives: readonly NarrativeKeyT[];
}

export function prebunkTaskKey(momentId: string): string {
  return `prebunk:${momentId}`;
}

/**
 * Prebunk tasks due at `at`: from `prebunkLeadDays` before the date until the moment's window ends (a task opened
 * late is still useful during the moment; after it, it is not). Skips keys in `alreadyOpened` and duplicates.
 */
export function duePrebunkTasks(
  moments: readonly Moment[],
  at: Date,
  alreadyOpened: Iterable<string>,
): PrebunkTask[] {
  const opened = new Set(alreadyOpened);
  const t = at.getTime();
  const tasks: PrebunkTask[] = [];
  for (const m of [...moments].sort((a, b) => a.date.getTime() - b.date.getTime())) {
    const key = prebunkTaskKey(m.id);
    const dueAt = m.date.getTime() - m.prebunkLeadDays * DAY_MS;
    if (opened.has(key) || t < dueAt || t >= momentWindow(m).end.getTime()) continue;
    opened.add(key);
    tasks.push({
      key,
      momentId: m.id,
      mission: m.mission,
      title: `Prebunk: ${m.title}`,
      kind: m.kind,
      momentDate: m.date,
      dueAt: new Date(dueAt),
      narratives: likelyNarratives(m),
    });
  }
  return tasks;
}
