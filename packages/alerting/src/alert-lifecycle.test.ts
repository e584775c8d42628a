import { ConflictError, ForbiddenError, ValidationError } from '@vigie/contracts';
import { describe, expect, it } from 'vitest';
import {
  ALERT_ACTIONS,
  ALERT_STATUSES,
  initialLifecycle,
  shouldReopen,
  transition,
  transitionMany,
  type ActionInput,
  type Actor,
  type AlertAction,
  type AlertLifecycleState,
  type AlertStatus,
  type TransitionResult,
} from './alert-lifecycle.js';

const OPENED = new Date('2026-03-10T08:00:00Z');
const AT = new Date('2026-03-10T08:12:00Z'); // 12 min later
const analyst: Actor = { id: 'key-analyst', role: 'analyst' };
const admin: Actor = { id: 'key-admin', role: 'admin' };
const viewer: Actor = { id: 'key-viewer', role: 'viewer' };
const system: Actor = { id: 'alert-worker', role: 'system' };

/** A consistent alert in `status`. */
function makeAlert(status: AlertStatus, overrides: Partial<AlertLifecycleState> = {}): AlertLifecycleState {
  const base = initialLifecycle(OPENED);
  const ack = {
    ownerId: 'owner-1',
    acknowledgedAt: new Date(OPENED.getTime() + 60_000),
    timeToAcknowledgeMs: 60_000,
  };
  const byStatus: Record<AlertStatus, Partial<AlertLifecycleState>> = {
    open: {},
    acknowledged: ack,
    responding: { ...ack, responseId: 'resp-1' },
    resolved: {
      ...ack,
      responseId: 'resp-1',
      outcome: 'rebutted',
      resolvedAt: new Date(OPENED.getTime() + 3_600_000),
      timeToResolveMs: 3_600_000,
    },
    dismissed: { ...ack, dismissedAt: new Date(OPENED.getTime() + 120_000) },
  };
  return { ...base, ...byStatus[status], status, ...overrides };
}

const INPUTS: { [A in AlertAction]: ActionInput<A> } = {
  acknowledge: {},
  respond: { responseId: 'resp-9' },
  resolve: { outcome: 'no_action' },
  dismiss: { reason: 'satire account, not an endorsement' },
  reopen: { reason: 'back on three radio stations' },
  assign: { assigneeId: 'analyst-2' },
  note: { text: 'called the radio station' },
};

function run<A extends AlertAction>(
  status: AlertStatus,
  action: A,
  actor: Actor = analyst,
  input: ActionInput<A> = INPUTS[action],
) {
  return transition(makeAlert(status), action, actor, AT, input);
}

function expectOk(r: TransitionResult) {
  if (!r.ok) throw new Error(`expected success, got ${r.error.message}`);
  return r;
}

function expectError(r: TransitionResult) {
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
}

// Resulting status for each allowed (from, action) with the default inputs; absent = refused.
const ALLOWED: Record<AlertStatus, Partial<Record<AlertAction, AlertStatus>>> = {
  open: {
    acknowledge: 'acknowledged',
    resolve: 'resolved',
    dismiss: 'dismissed',
    assign: 'open',
    note: 'open',
  },
  acknowledged: {
    respond: 'responding',
    resolve: 'resolved',
    dismiss: 'dismissed',
    assign: 'acknowledged',
    note: 'acknowledged',
  },
  responding: { resolve: 'resolved', dismiss: 'dismissed', assign: 'responding', note: 'responding' },
  resolved: { reopen: 'open', note: 'resolved' },
  dismissed: { reopen: 'open', note: 'dismissed' },
};

describe('transition: the full status × action matrix (analyst)', () => {
  for (const from of ALERT_STATUSES) {
    for (const action of ALERT_ACTIONS) {
      const to = ALLOWED[from][action];
      it(`${from} --${action}--> ${to ?? 'refused'}`, () => {
        const r = run(from, action);
        if (to === undefined) {
          const error = expectError(r);
          expect(error).toBeInstanceOf(ConflictError);
          expect(error.message).toMatch(new RegExp(`^cannot ${action} an? ${from} alert: `));
        } else {
          const okResult = expectOk(r);
          expect(okResult.patch.status ?? from).toBe(to);
          expect(okResult.history).toMatchObject({
            at: AT,
            actor: 'key-analyst',
            actorRole: 'analyst',
            action,
            from,
            to,
          });
        }
      });
    }
  }
});

describe('transition: details', () => {
  it('acknowledging sets the owner (the actor by default) and time to acknowledge', () => {
    const r = expectOk(run('open', 'acknowledge'));
    expect(r.patch).toEqual({
      status: 'acknowledged',
      ownerId: 'key-analyst',
      acknowledgedAt: AT,
      timeToAcknowledgeMs: 12 * 60_000,
    });
    expect(r.timings).toEqual({ timeToAcknowledgeMs: 720_000 });
    // An explicit owner, or an existing assignment, wins over the actor.
    expect(expectOk(run('open', 'acknowledge', analyst, { ownerId: 'duty-officer' })).patch.ownerId).toBe(
      'duty-officer',
    );
    const assigned = transition(
      makeAlert('open', { ownerId: 'pre-assigned' }),
      'acknowledge',
      analyst,
      AT,
      {},
    );
    expect(expectOk(assigned).patch.ownerId).toBe('pre-assigned');
  });

  it('tells the user what to do instead', () => {
    expect(expectError(run('open', 'respond')).message).toBe(
      'cannot respond an open alert: acknowledge it first',
    );
    expect(expectError(run('open', 'resolve', analyst, { outcome: 'rebutted' })).message).toBe(
      'cannot resolve an open alert: acknowledge it first (an open alert can only be closed as no_action, not rebutted)',
    );
    expect(expectError(run('acknowledged', 'acknowledge')).message).toMatch(
      /already acknowledged by owner-1; use assign/,
    );
    expect(expectError(run('resolved', 'assign')).message).toBe(
      'cannot assign a resolved alert: reopen it first',
    );
    expect(expectError(run('responding', 'respond')).message).toMatch(/already handled by response resp-1/);
  });

  it('resolving straight from open as no_action counts as the acknowledgement', () => {
    const r = expectOk(run('open', 'resolve', admin, { outcome: 'no_action' }));
    expect(r.patch).toMatchObject({
      status: 'resolved',
      outcome: 'no_action',
      resolvedAt: AT,
      acknowledgedAt: AT,
      ownerId: 'key-admin',
      timeToAcknowledgeMs: 720_000,
      timeToResolveMs: 720_000,
    });
    expect(r.timings).toEqual({ timeToAcknowledgeMs: 720_000, timeToResolveMs: 720_000 });
  });

  it('rebutted and prebunked need a linked response; referrals do not', () => {
    for (const outcome of ['rebutted', 'prebunked'] as const) {
      const error = expectError(run('acknowledged', 'resolve', analyst, { outcome }));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain('without a linked response');
      const r = expectOk(
        run('responding', 'resolve', analyst, { outcome, reason: 'video debunked on radio' }),
      );
      expect(r.patch).toMatchObject({ status: 'resolved', outcome, timeToResolveMs: 720_000 });
      expect(r.history.reason).toBe('video debunked on radio');
      // Already acknowledged: the acknowledgement timing is not touched.
      expect(r.patch.timeToAcknowledgeMs).toBeUndefined();
      expect(r.timings).toEqual({ timeToResolveMs: 720_000 });
    }
    expect(
      expectOk(run('acknowledged', 'resolve', analyst, { outcome: 'referred_to_security' })).patch.outcome,
    ).toBe('referred_to_security');
    expect(
      expectOk(run('acknowledged', 'resolve', analyst, { outcome: 'referred_to_platform' })).patch.outcome,
    ).toBe('referred_to_platform');
  });

  it('responding links the response', () => {
    const r = expectOk(run('acknowledged', 'respond'));
    expect(r.patch).toEqual({ status: 'responding', responseId: 'resp-9' });
    expect(r.history.detail).toEqual({ responseId: 'resp-9' });
  });

  it('dismissal needs a reason, records the acknowledgement if missing, never a resolution time', () => {
    const error = expectError(run('open', 'dismiss', analyst, { reason: '  ' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('reason');
    const fromOpen = expectOk(run('open', 'dismiss'));
    expect(fromOpen.patch).toEqual({
      status: 'dismissed',
      dismissedAt: AT,
      acknowledgedAt: AT,
      timeToAcknowledgeMs: 720_000,
    });
    expect(fromOpen.history.reason).toBe('satire account, not an endorsement');
    const fromResponding = expectOk(run('responding', 'dismiss'));
    expect(fromResponding.patch).toEqual({ status: 'dismissed', dismissedAt: AT });
    expect(fromResponding.timings).toEqual({});
  });

  it('reopening starts a new cycle and keeps the owner', () => {
    const r = expectOk(run('resolved', 'reopen', system));
    expect(r.patch).toEqual({
      status: 'open',
      openedAt: AT,
      outcome: null,
      acknowledgedAt: null,
      resolvedAt: null,
      dismissedAt: null,
      timeToAcknowledgeMs: null,
      timeToResolveMs: null,
      reopenCount: 1,
      escalationLevel: 0,
    });
    expect(r.patch.ownerId).toBeUndefined();
    expect(r.history).toMatchObject({
      actor: 'alert-worker',
      actorRole: 'system',
      from: 'resolved',
      to: 'open',
    });
  });

  it('assignment and notes keep the status and are recorded', () => {
    const assign = expectOk(
      run('acknowledged', 'assign', analyst, { assigneeId: 'analyst-2', reason: 'speaks Lingala' }),
    );
    expect(assign.patch).toEqual({ ownerId: 'analyst-2' });
    expect(assign.history).toMatchObject({
      from: 'acknowledged',
      to: 'acknowledged',
      reason: 'speaks Lingala',
      detail: { from: 'owner-1', to: 'analyst-2' },
    });
    expect(expectOk(run('open', 'assign', analyst, { assigneeId: null })).patch).toEqual({ ownerId: null });
    const note = expectOk(run('resolved', 'note'));
    expect(note.patch).toEqual({});
    expect(note.history.detail).toEqual({ text: 'called the radio station' });
    expect(expectError(run('open', 'note', analyst, { text: '' }))).toBeInstanceOf(ValidationError);
  });

  it('viewers cannot act at all; the system can only reopen resolved alerts and add notes', () => {
    for (const action of ALERT_ACTIONS) {
      const error = expectError(run('open', action, viewer));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.message).toBe(`viewers cannot ${action} alerts: ask an analyst or an admin`);
    }
    for (const action of ['acknowledge', 'respond', 'resolve', 'dismiss', 'assign'] as const) {
      expect(expectError(run('acknowledged', action, system))).toBeInstanceOf(ForbiddenError);
    }
    expect(expectOk(run('resolved', 'note', system)).history.actorRole).toBe('system');
    const dismissed = expectError(run('dismissed', 'reopen', system));
    expect(dismissed).toBeInstanceOf(ForbiddenError);
    expect(dismissed.message).toContain('only reopened by a person');
    expect(expectOk(run('dismissed', 'reopen', admin)).patch.status).toBe('open');
  });

  it('clamps a slightly skewed clock to zero instead of a negative duration', () => {
    const r = expectOk(
      transition(makeAlert('open'), 'acknowledge', analyst, new Date(OPENED.getTime() - 500), {}),
    );
    expect(r.timings.timeToAcknowledgeMs).toBe(0);
  });

  it('applies bulk actions alert by alert', () => {
    const results = transitionMany(
      [
        { id: 'a1', state: makeAlert('open') },
        { id: 'a2', state: makeAlert('resolved') },
        { id: 'a3', state: makeAlert('acknowledged') },
      ],
      'dismiss',
      analyst,
      AT,
      { reason: 'duplicate of a football chant' },
    );
    expect(results.map((r) => [r.id, r.result.ok])).toEqual([
      ['a1', true],
      ['a2', false],
      ['a3', true],
    ]);
  });
});

describe('shouldReopen', () => {
  const resolvedAt = new Date('2026-03-10T12:00:00Z');
  const alert = { status: 'resolved' as const, resolvedAt };
  const later = (h: number) => new Date(resolvedAt.getTime() + h * 3_600_000);

  it('reopens inside the default 72 h window, not outside', () => {
    expect(shouldReopen(alert, later(1))).toEqual({
      reopen: true,
      reason: 'narrative came back 1 h after resolution (window 72 h)',
    });
    expect(shouldReopen(alert, later(72)).reopen).toBe(true);
    const outside = shouldReopen(alert, later(72.5));
    expect(outside.reopen).toBe(false);
    expect(outside.reason).toBe('narrative came back 72.5 h after resolution, beyond the 72 h window');
  });

  it('honours a configured window', () => {
    expect(shouldReopen(alert, later(30), 24 * 3_600_000).reopen).toBe(false);
    expect(shouldReopen(alert, later(20), 24 * 3_600_000).reopen).toBe(true);
  });

  it('ignores evidence older than the resolution, and alerts that are not resolved', () => {
    expect(shouldReopen(alert, later(-2))).toEqual({
      reopen: false,
      reason: 'evidence predates the resolution',
    });
    expect(shouldReopen({ status: 'dismissed', resolvedAt: null }, later(1)).reopen).toBe(false);
    expect(shouldReopen({ status: 'open', resolvedAt: null }, later(1)).reason).toBe(
      'alert is open, only resolved alerts reopen',
    );
  });
});
