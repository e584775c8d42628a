/**
 * The alert state machine: which actions are allowed, from which status, for which role, and what each one
 * changes. Pure: the caller loads the alert, calls `transition`, and persists `patch` + `history` atomically
 * (conditioned on the status it read, so two analysts racing get one success and one conflict).
 *
 * ```
 * open ──acknowledge──▶ acknowledged ──respond──▶ responding ──resolve──▶ resolved ──reopen──▶ open
 *  │ └──resolve (no_action only)──────────────▶ resolved ◀──resolve──┘
 *  └─ open / acknowledged / responding ──dismiss──▶ dismissed ──reopen (people only)──▶ open
 * ```
 *
 * Decisions:
 * - **Resolve straight from open** is allowed only with outcome `no_action`: triage often closes a non-event at a
 *   glance, and forcing a fake acknowledgement would distort time-to-acknowledge less honestly than recording the
 *   closure as the acknowledgement. Every other outcome means someone worked on it, so it needs an owner first.
 * - `rebutted` and `prebunked` need a linked response (the `responding` step): the outcome claims a response exists.
 * - `dismissed` (false positive) feeds the classifier as a label, so it needs a reason. It also counts as the
 *   acknowledgement when none happened (someone looked at it), but never as a resolution: time-to-resolve measures
 *   real responses, not triage of noise.
 * - **Reopen**: the `system` actor (the alert worker, see `shouldReopen`) may reopen a *resolved* alert when the
 *   narrative comes back; people may also reopen a *dismissed* one (undoing a mistaken dismissal). A dismissed
 *   alert is never reopened automatically: its key gets a fresh alert instead. Reopening starts a new cycle:
 *   `openedAt`, acknowledgement, resolution and their timings are reset (the history keeps the earlier cycle);
 *   the owner stays, because the same person usually picks it up again.
 * - Roles: `viewer` cannot act; `analyst` and `admin` can do everything here (configuration is where admins
 *   differ); `system` can only reopen and add notes.
 */
import { z } from 'zod';
import { ConflictError, ForbiddenError, ValidationError, type FieldIssue } from '@vigie/contracts';

/** Same values as `ALERT_STATUSES` in `@vigie/db` (persisted). */
export const ALERT_STATUSES = ['open', 'acknowledged', 'responding', 'resolved', 'dismissed'] as const;
export const AlertStatus = z.enum(ALERT_STATUSES);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** Statuses that hold the mission × narrative dedup key (new evidence appends to them). */
export const ACTIVE_STATUSES: readonly AlertStatus[] = Object.freeze(['open', 'acknowledged', 'responding']);
export function isActiveStatus(status: AlertStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** How a resolved alert ended. Persisted. */
export const RESOLUTION_OUTCOMES = [
  'no_action',
  'rebutted',
  'prebunked',
  'referred_to_platform',
  'referred_to_security',
] as const;
export const ResolutionOutcome = z.enum(RESOLUTION_OUTCOMES);
export type ResolutionOutcome = z.infer<typeof ResolutionOutcome>;

/** Same values as `ROLES` in `@vigie/db` (API key roles). */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who acts: a person through an API key, or a Vigie process (`system`). */
export interface Actor {
  /** API key / user id, or a process name such as `alert-worker`. */
  readonly id: string;
  readonly role: Role | 'system';
}

export const ALERT_ACTIONS = [
  'acknowledge',
  'respond',
  'resolve',
  'dismiss',
  'reopen',
  'assign',
  'note',
] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

const reason = z.string().trim().min(1).max(2000);
const id = z.string().trim().min(1).max(200);

/** Input schemas per action, for the API to reuse in its request schemas. */
export const ACTION_INPUT_SCHEMAS = {
  /** `ownerId` defaults to the current owner, else the acting user. */
  acknowledge: z.object({ ownerId: id.optional(), reason: reason.optional() }),
  /** `responseId`: the counter-messaging response this alert is handled by. */
  respond: z.object({ responseId: id, reason: reason.optional() }),
  resolve: z.object({ outcome: ResolutionOutcome, reason: reason.optional() }),
  /** Why it is a false positive: becomes a classifier label, so it is required. */
  dismiss: z.object({ reason }),
  reopen: z.object({ reason }),
  /** `null` unassigns. */
  assign: z.object({ assigneeId: id.nullable(), reason: reason.optional() }),
  note: z.object({ text: z.string().trim().min(1).max(5000) }),
} as const;
export type ActionInput<A extends AlertAction> = z.input<(typeof ACTION_INPUT_SCHEMAS)[A]>;

/** The lifecycle fields of an alert document (a structural subset: pass the whole alert). */
export interface AlertLifecycleState {
  readonly status: AlertStatus;
  /** Start of the current cycle: creation, or the last reopen. Timings are measured from it. */
  readonly openedAt: Date;
  readonly ownerId: string | null;
  readonly responseId: string | null;
  readonly outcome: ResolutionOutcome | null;
  readonly acknowledgedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly dismissedAt: Date | null;
  /** ms from `openedAt` to acknowledgement (or to a dismissal / no_action closure that stood in for it). */
  readonly timeToAcknowledgeMs: number | null;
  /** ms from `openedAt` to resolution (not set by dismissal). */
  readonly timeToResolveMs: number | null;
  readonly reopenCount: number;
  /** Escalation levels already notified in this cycle (see notification-policy). */
  readonly escalationLevel: number;
}

/** A fresh alert's lifecycle fields. */
export function initialLifecycle(openedAt: Date): AlertLifecycleState {
  return {
    status: 'open',
    openedAt,
    ownerId: null,
    responseId: null,
    outcome: null,
    acknowledgedAt: null,
    resolvedAt: null,
    dismissedAt: null,
    timeToAcknowledgeMs: null,
    timeToResolveMs: null,
    reopenCount: 0,
    escalationLevel: 0,
  };
}

/** One audit line: who, when, from → to, why. Notes and assignments keep `from === to`. */
export interface HistoryEntry {
  readonly at: Date;
  readonly actor: string;
  readonly actorRole: Actor['role'];
  readonly action: AlertAction;
  readonly from: AlertStatus;
  readonly to: AlertStatus;
  readonly reason: string | null;
  /** Action-specific values (owner, response, outcome, assignee, note text). */
  readonly detail: Readonly<Record<string, string | null>>;
}

export type LifecyclePatch = { -readonly [K in keyof AlertLifecycleState]?: AlertLifecycleState[K] };

export type TransitionResult =
  | {
      readonly ok: true;
      /** Fields to $set on the alert. */
      readonly patch: LifecyclePatch;
      readonly history: HistoryEntry;
      /** The timings this action fixed, if any (also in `patch`). */
      readonly timings: { readonly timeToAcknowledgeMs?: number; readonly timeToResolveMs?: number };
    }
  | { readonly ok: false; readonly error: ForbiddenError | ConflictError | ValidationError };

const SYSTEM_ACTIONS: readonly AlertAction[] = ['reopen', 'note'];

/**
 * Applies `action` by `actor` at `at`. Never throws for a refused action: returns `{ ok: false, error }` with a
 * `ForbiddenError` (role), `ValidationError` (input) or `ConflictError` (not allowed from the current status), whose
 * message tells the user what to do instead.
 */
export function transition<A extends AlertAction>(
  alert: AlertLifecycleState,
  action: A,
  actor: Actor,
  at: Date,
  input: ActionInput<A>,
): TransitionResult {
  if (actor.role === 'viewer') {
    return fail(new ForbiddenError(`viewers cannot ${action} alerts: ask an analyst or an admin`));
  }
  if (actor.role === 'system' && !SYSTEM_ACTIONS.includes(action)) {
    return fail(new ForbiddenError(`the system actor cannot ${action} alerts: only people can`));
  }
  const parsed = ACTION_INPUT_SCHEMAS[action].safeParse(input);
  if (!parsed.success) {
    const issues: FieldIssue[] = parsed.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
    }));
    return fail(
      new ValidationError(
        `invalid input for ${action}: ${issues.map((i) => `${i.path || '(input)'} ${i.message}`).join('; ')}`,
        issues,
      ),
    );
  }
  // Clocks on different hosts drift a little; a negative duration would poison averages.
  const sinceOpened = Math.max(0, at.getTime() - alert.openedAt.getTime());
  const from = alert.status;
  const entry = (
    to: AlertStatus,
    reasonText: string | null,
    detail: Record<string, string | null> = {},
  ): HistoryEntry => ({
    at,
    actor: actor.id,
    actorRole: actor.role,
    action,
    from,
    to,
    reason: reasonText,
    detail,
  });
  const data = parsed.data as Record<string, unknown>;
  const reasonOf = (): string | null => (typeof data.reason === 'string' ? data.reason : null);

  switch (action) {
    case 'acknowledge': {
      if (from !== 'open') return conflict(action, from, notOpenHint(alert));
      const ownerId = (data.ownerId as string | undefined) ?? alert.ownerId ?? actor.id;
      return ok(
        { status: 'acknowledged', ownerId, acknowledgedAt: at, timeToAcknowledgeMs: sinceOpened },
        entry('acknowledged', reasonOf(), { ownerId }),
        { timeToAcknowledgeMs: sinceOpened },
      );
    }
    case 'respond': {
      if (from === 'open') return conflict(action, from, 'acknowledge it first');
      if (from === 'responding')
        return conflict(action, from, `it is already handled by response ${alert.responseId ?? '(unknown)'}`);
      if (from !== 'acknowledged') return conflict(action, from, 'reopen it first');
      const responseId = data.responseId as string;
      return ok({ status: 'responding', responseId }, entry('responding', reasonOf(), { responseId }));
    }
    case 'resolve': {
      const outcome = data.outcome as ResolutionOutcome;
      if (from === 'resolved' || from === 'dismissed') return conflict(action, from, 'reopen it first');
      if (from === 'open' && outcome !== 'no_action') {
        return conflict(
          action,
          from,
          `acknowledge it first (an open alert can only be closed as no_action, not ${outcome})`,
        );
      }
      if ((outcome === 'rebutted' || outcome === 'prebunked') && alert.responseId === null) {
        return fail(
          new ConflictError(
            `cannot resolve an alert as ${outcome} without a linked response: link the response first (respond)`,
          ),
        );
      }
      const patch: LifecyclePatch = {
        status: 'resolved',
        outcome,
        resolvedAt: at,
        timeToResolveMs: sinceOpened,
      };
      const timings: { timeToAcknowledgeMs?: number; timeToResolveMs: number } = {
        timeToResolveMs: sinceOpened,
      };
      if (alert.acknowledgedAt === null) {
        // The no_action closure is the acknowledgement.
        Object.assign(patch, {
          acknowledgedAt: at,
          timeToAcknowledgeMs: sinceOpened,
          ownerId: alert.ownerId ?? actor.id,
        });
        timings.timeToAcknowledgeMs = sinceOpened;
      }
      return ok(patch, entry('resolved', reasonOf(), { outcome }), timings);
    }
    case 'dismiss': {
      if (!isActiveStatus(from)) {
        return conflict(action, from, from === 'dismissed' ? 'it is already dismissed' : 'reopen it first');
      }
      const patch: LifecyclePatch = { status: 'dismissed', dismissedAt: at };
      const timings: { timeToAcknowledgeMs?: number } = {};
      if (alert.acknowledgedAt === null) {
        Object.assign(patch, { acknowledgedAt: at, timeToAcknowledgeMs: sinceOpened });
        timings.timeToAcknowledgeMs = sinceOpened;
      }
      return ok(patch, entry('dismissed', reasonOf()), timings);
    }
    case 'reopen': {
      if (isActiveStatus(from)) return conflict(action, from, 'it is still active');
      if (from === 'dismissed' && actor.role === 'system') {
        return fail(
          new ForbiddenError(
            'a dismissed alert is only reopened by a person: new evidence opens a new alert',
          ),
        );
      }
      return ok(
        {
          status: 'open',
          openedAt: at,
          outcome: null,
          acknowledgedAt: null,
          resolvedAt: null,
          dismissedAt: null,
          timeToAcknowledgeMs: null,
          timeToResolveMs: null,
          reopenCount: alert.reopenCount + 1,
          escalationLevel: 0,
        },
        entry('open', reasonOf()),
      );
    }
    case 'assign': {
      if (!isActiveStatus(from)) return conflict(action, from, 'reopen it first');
      const assigneeId = data.assigneeId as string | null;
      return ok({ ownerId: assigneeId }, entry(from, reasonOf(), { from: alert.ownerId, to: assigneeId }));
    }
    case 'note': {
      const text = data.text as string;
      return ok({}, entry(from, null, { text }));
    }
  }
  // Unreachable for typed callers; guards untyped ones (the API passing a raw string).
  return fail(
    new ValidationError(`unknown action ${String(action)}`, [
      { path: 'action', message: `must be one of ${ALERT_ACTIONS.join(', ')}` },
    ]),
  );
}

/** The result of `transition` for each alert of a bulk action; one refusal does not stop the others. */
export function transitionMany<A extends AlertAction>(
  alerts: readonly { readonly id: string; readonly state: AlertLifecycleState }[],
  action: A,
  actor: Actor,
  at: Date,
  input: ActionInput<A>,
): { readonly id: string; readonly result: TransitionResult }[] {
  return alerts.map((a) => ({ id: a.id, result: transition(a.state, action, actor, at, input) }));
}

/** Default window during which a resolved alert reopens instead of a new one being created: 72 h. */
export const DEFAULT_REOPEN_WINDOW_MS = 72 * 3_600_000;

export interface ReopenDecision {
  readonly reopen: boolean;
  /** Why (EN), for the history entry or the log. */
  readonly reason: string;
}

/**
 * Whether new evidence at `newEvidenceAt` should reopen `alert` rather than open a new one: only a *resolved*
 * alert, and only when the evidence is after the resolution and within `windowMs` of it. Evidence dated before the
 * resolution is late-arriving old material, not the narrative coming back.
 */
export function shouldReopen(
  alert: Pick<AlertLifecycleState, 'status' | 'resolvedAt'>,
  newEvidenceAt: Date,
  windowMs: number = DEFAULT_REOPEN_WINDOW_MS,
): ReopenDecision {
  if (alert.status !== 'resolved' || alert.resolvedAt === null) {
    return { reopen: false, reason: `alert is ${alert.status}, only resolved alerts reopen` };
  }
  const gap = newEvidenceAt.getTime() - alert.resolvedAt.getTime();
  if (gap < 0) return { reopen: false, reason: 'evidence predates the resolution' };
  if (gap > windowMs) {
    return {
      reopen: false,
      reason: `narrative came back ${hours(gap)} after resolution, beyond the ${hours(windowMs)} window`,
    };
  }
  return {
    reopen: true,
    reason: `narrative came back ${hours(gap)} after resolution (window ${hours(windowMs)})`,
  };
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}

function ok(
  patch: LifecyclePatch,
  history: HistoryEntry,
  timings: { timeToAcknowledgeMs?: number; timeToResolveMs?: number } = {},
): TransitionResult {
  return { ok: true, patch, history, timings };
}

function fail(error: ForbiddenError | ConflictError | ValidationError): TransitionResult {
  return { ok: false, error };
}

const ARTICLE: Record<AlertStatus, string> = {
  open: 'an open',
  acknowledged: 'an acknowledged',
  responding: 'a responding',
  resolved: 'a resolved',
  dismissed: 'a dismissed',
};

function conflict(action: AlertAction, from: AlertStatus, hint: string): TransitionResult {
  return fail(new ConflictError(`cannot ${action} ${ARTICLE[from]} alert: ${hint}`));
}

function notOpenHint(alert: AlertLifecycleState): string {
  if (alert.status === 'acknowledged' || alert.status === 'responding') {
    return `it is already acknowledged by ${alert.ownerId ?? '(nobody)'}; use assign to change the owner`;
  }
  return 'reopen it first';
}
