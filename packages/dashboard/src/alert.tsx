import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, describeError, type Alert, type Item } from './api.js';
import { LineChart } from './chart.js';
import { useApp } from './context.js';
import { OUTCOMES, SeverityBadge, StatusBadge } from './filters.js';
import { formatDate, formatDateTime, formatDuration } from './format.js';
import { highlightSegments } from './highlight.js';
import { fillHours, type Point } from './series.js';
import { evidenceText, labelOf, reasonText, type MessageKey, type Reason } from './i18n.js';

type Action = 'acknowledge' | 'assign' | 'note' | 'respond' | 'resolve' | 'dismiss' | 'reopen';

const ACTIVE = ['open', 'acknowledged', 'responding'];
/** Mirrors the lifecycle in @vigie/alerting so buttons are disabled before the server has to refuse. */
const ALLOWED_FROM: Record<Action, readonly string[]> = {
  acknowledge: ['open'],
  assign: ACTIVE,
  note: [...ACTIVE, 'resolved', 'dismissed'],
  respond: ['acknowledged'],
  resolve: ACTIVE,
  dismiss: ACTIVE,
  reopen: ['resolved', 'dismissed'],
};

interface Signal {
  id: string;
  kind: string;
  window: { name: string; start: string; end: string };
  observed: number;
  expected: number;
  ratio: number;
  reasons: string[];
  topTerms: string[];
  detectedAt: string;
}

export function Highlighted({ text, surfaces }: { text: string; surfaces: readonly (string | undefined)[] }) {
  return (
    <>
      {highlightSegments(text, surfaces).map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </>
  );
}

export function ItemCard({ item, heading = 'h3' }: { item: Item; heading?: 'h3' | 'h2' }) {
  const { t, locale } = useApp();
  const c = item.classification;
  const surfaces = c?.explanation.matchedTerms.map((m) => m.surface ?? m.term) ?? [];
  // The classifier's reasons in the UI language; results stored before reasons existed fall back to its English notes.
  const reasons = Array.isArray(c?.explanation['reasons']) ? (c.explanation['reasons'] as Reason[]) : [];
  const why = reasons.map((r) => reasonText(t, locale, r)).filter((line): line is string => line !== null);
  const H = heading;
  return (
    <article class="item" lang={item.language === 'und' ? undefined : item.language}>
      <H dir="auto" class="item-title">
        <Highlighted text={item.title || t('items.noText')} surfaces={surfaces} />
      </H>
      <p class="meta">
        <SeverityBadge severity={item.severity} /> {item.language} · {t('items.published')} {formatDateTime(item.publishedAt ?? item.collectedAt, locale)}
        {c && (
          <>
            {' '}
            · {t('alert.stance')}: {labelOf(t, 'stance', c.stance)}
          </>
        )}
        {item.url && (
          <>
            {' '}
            ·{' '}
            <a href={item.url} target="_blank" rel="noopener noreferrer">
              {t('alert.openSource')}
            </a>
          </>
        )}
      </p>
      <p dir="auto" class="item-text">
        <Highlighted text={item.text} surfaces={surfaces} />
      </p>
      {c && (
        <details open>
          <summary>{t('alert.explanation')}</summary>
          <dl class="kv">
            {c.explanation.matchedTerms.length > 0 && (
              <>
                <dt>{t('alert.matched')}</dt>
                <dd>
                  {c.explanation.matchedTerms.map((m, i) => (
                    <span key={i} class="chip" dir="auto">
                      {m.surface ?? m.term} <small>({m.language}, {m.narrative.startsWith('_') ? labelOf(t, 'cue', m.narrative.slice(1)) : labelOf(t, 'narrative', m.narrative)})</small>
                    </span>
                  ))}
                </dd>
              </>
            )}
            {c.explanation.missionEvidence.length > 0 && (
              <>
                <dt>{t('alert.missionEvidence')}</dt>
                <dd dir="auto">{c.explanation.missionEvidence.map((m) => `${m.mission}: ${m.evidence.map((e) => evidenceText(t, e)).join(', ')}`).join(' · ')}</dd>
              </>
            )}
            {c.severity && (
              <>
                <dt>{t('col.severity')}</dt>
                <dd>{typeof c.severityReason === 'string' ? t('alert.severityReason', { severity: c.severity, reason: c.severityReason }) : labelOf(t, 'severity', c.severity)}</dd>
              </>
            )}
            {why.length > 0 ? (
              <>
                <dt>{t('alert.why')}</dt>
                <dd>
                  <ul class="why">
                    {why.map((line, i) => (
                      <li key={i}>{line}</li>
                    ))}
                  </ul>
                </dd>
              </>
            ) : (
              c.explanation.notes.length > 0 && (
                <>
                  <dt>{t('alert.notes')}</dt>
                  <dd lang="en">{c.explanation.notes.join(' · ')}</dd>
                </>
              )
            )}
          </dl>
        </details>
      )}
    </article>
  );
}

export function AlertDetail({ id }: { id: string }) {
  const { t, locale, client, session, navigate } = useApp();
  const [alert, setAlert] = useState<Alert | null>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [series, setSeries] = useState<Point[] | null>(null);
  const [signals, setSignals] = useState<Signal[] | null>(null);
  const [brief, setBrief] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form, setForm] = useState({ assignee: '', note: '', responseId: '', outcome: 'no_action', reason: '', dismissReason: '' });

  const load = useCallback(async () => {
    try {
      const a = await client.get<Alert>(`/api/v1/alerts/${id}`);
      setAlert(a);
      setError(null);
      return a;
    } catch (e) {
      setError(describeError(e, t));
      return null;
    }
  }, [client, id, t]);

  useEffect(() => {
    void (async () => {
      const a = await load();
      if (!a) return;
      const evidence = a.evidence.slice(0, 10);
      const loaded = await Promise.all(evidence.map((e) => client.get<Item>(`/api/v1/items/${e.itemId}`).catch(() => null)));
      setItems(loaded.filter((x): x is Item => x !== null));
      client
        .get<{ from: string; to: string; data: { start: string; count: number }[] }>(`/api/v1/stats/timeseries?mission=${a.mission}&narrative=${a.narrative}&bucket=hour`)
        .then((r) => setSeries(r.data.length ? fillHours(r.data, r.from, r.to) : []))
        .catch(() => setSeries([]));
      client
        .get<{ data: Signal[] }>(`/api/v1/early-warnings?mission=${a.mission}&narrative=${a.narrative}&limit=5`)
        .then((r) => setSignals(r.data))
        .catch(() => setSignals([]));
      client
        .exists(`/api/v1/alerts/${a.id}/brief?format=md`)
        .then(setBrief)
        .catch(() => setBrief(false));
    })();
  }, [client, load]);

  const act = async (action: Action, input: Record<string, unknown>) => {
    setBusy(true);
    setMessage(null);
    try {
      const path = action === 'note' ? 'notes' : action;
      const updated = await client.post<Alert>(`/api/v1/alerts/${id}/${path}`, input);
      setAlert(updated);
      setMessage(t('alert.done', { action: t(`action.${action}` as MessageKey) }));
      setError(null);
    } catch (e) {
      setError(describeError(e, t));
      if (e instanceof ApiError && e.status === 409) void load();
    } finally {
      setBusy(false);
    }
  };

  if (!alert) {
    return (
      <section>
        <a href="/app/queue" onClick={(e) => (e.preventDefault(), navigate('/app/queue'))}>
          {t('alert.back')}
        </a>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </section>
    );
  }

  const why = (action: Action): string | null => {
    if (session.role === 'viewer') return t('alert.needsAnalyst', { role: labelOf(t, 'role', session.role) });
    if (!ALLOWED_FROM[action].includes(alert.status)) return t('alert.notAllowedNow', { status: labelOf(t, 'status', alert.status) });
    return null;
  };
  const ActionButton = ({ action, onClick, disabled }: { action: Action; onClick: () => void; disabled?: boolean }) => {
    const reason = why(action);
    return (
      <button type="submit" data-action={action} disabled={busy || reason !== null || disabled} title={reason ?? undefined} aria-description={reason ?? undefined} onClick={(e) => (e.preventDefault(), onClick())}>
        {t(`action.${action}` as MessageKey)}
      </button>
    );
  };
  const field = (k: keyof typeof form) => (e: Event) => setForm((f) => ({ ...f, [k]: (e.target as HTMLInputElement).value }));
  const hours = series ?? [];

  return (
    <section aria-labelledby="alert-title" class="alert-detail">
      <a href="/app/queue" onClick={(e) => (e.preventDefault(), navigate('/app/queue'))}>
        {t('alert.back')}
      </a>
      <div class="title-row">
        <h1 id="alert-title">
          <SeverityBadge severity={alert.severity} /> {t('alert.title', { narrative: labelOf(t, 'narrative', alert.narrative), mission: alert.mission })}
        </h1>
        <StatusBadge status={alert.status} />
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {message && (
        <p class="ok" role="status">
          {message}
        </p>
      )}
      <div class="detail-grid">
        <div class="main-col">
          <h2>{t('alert.summary')}</h2>
          <dl class="kv summary">
            <dt>{t('alert.firstSeen')}</dt>
            <dd>{formatDateTime(alert.firstSeenAt, locale)}</dd>
            <dt>{t('alert.lastSeen')}</dt>
            <dd>{formatDateTime(alert.lastSeenAt, locale)}</dd>
            <dt>{t('col.items')} / {t('col.sources')}</dt>
            <dd>
              {alert.itemCount} / {alert.sourceCount}
            </dd>
            <dt>{t('col.languages')}</dt>
            <dd>{alert.languages.join(', ') || '—'}</dd>
            <dt>{t('alert.owner')}</dt>
            <dd data-testid="owner">{alert.ownerId ?? '—'}</dd>
            <dt>{t('alert.response')}</dt>
            <dd>{alert.responseId ?? '—'}</dd>
            <dt>{t('alert.outcome')}</dt>
            <dd>{alert.outcome ? labelOf(t, 'outcome', alert.outcome) : '—'}</dd>
            <dt>{t('alert.tta')}</dt>
            <dd>{formatDuration(alert.timeToAcknowledgeMs)}</dd>
            <dt>{t('alert.ttr')}</dt>
            <dd>{formatDuration(alert.timeToResolveMs)}</dd>
            {alert.reopenCount > 0 && (
              <>
                <dt>{t('alert.reopened')}</dt>
                <dd>{alert.reopenCount}×</dd>
              </>
            )}
          </dl>
          {brief && (
            <p class="brief-links">
              <button type="button" class="secondary" onClick={() => void client.download(`/api/v1/alerts/${alert.id}/brief?format=html&lang=${locale}`, `brief-${alert.mission}-${alert.id}.html`).catch((e) => setError(describeError(e, t)))}>
                {t('alert.brief')}
              </button>{' '}
              <button type="button" class="secondary" onClick={() => void client.download(`/api/v1/alerts/${alert.id}/brief?format=md&lang=${locale}`, `brief-${alert.mission}-${alert.id}.md`).catch((e) => setError(describeError(e, t)))}>
                {t('alert.briefMd')}
              </button>
            </p>
          )}
          <h2>
            {t('alert.evidence')} ({alert.evidence.length})
          </h2>
          {items.length === 0 && alert.evidence.length > 0 && <p>{t('common.loading')}</p>}
          <div class="evidence">
            {items.map((item) => (
              <ItemCard key={item.id} item={item} />
            ))}
          </div>
          <h2>{t('alert.chart')}</h2>
          {series === null ? <p>{t('common.loading')}</p> : hours.length === 0 ? <p>{t('alert.chartEmpty')}</p> : <LineChart title={t('alert.chart')} series={[{ label: labelOf(t, 'narrative', alert.narrative), color: '#0072B2', points: hours }]} formatTick={(ms) => formatDate(new Date(ms).toISOString(), locale)} />}
          <h2>{t('alert.earlyWarning')}</h2>
          {signals === null ? (
            <p>{t('common.loading')}</p>
          ) : signals.length === 0 ? (
            <p>{t('alert.noEarlyWarning')}</p>
          ) : (
            <ul class="signals">
              {signals.map((s) => (
                <li key={s.id}>
                  <strong>
                    {s.kind} · {s.window.name}
                  </strong>{' '}
                  ({formatDateTime(s.detectedAt, locale)}) — {s.observed} / {s.expected.toFixed(1)} (×{s.ratio.toFixed(1)})
                  <ul>
                    {s.reasons.map((r, i) => (
                      <li key={i}>{r}</li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
        </div>
        {/* A labelled section, not <aside>: complementary landmarks belong at the top level, and this is inside <main>. */}
        <section class="side-col" aria-labelledby="actions-title">
          <h2 id="actions-title">{t('alert.actions')}</h2>
          {session.role === 'viewer' && <p class="hint">{t('alert.needsAnalyst', { role: labelOf(t, 'role', session.role) })}</p>}
          <form class="action">
            <ActionButton action="acknowledge" onClick={() => void act('acknowledge', {})} />
          </form>
          <form class="action">
            <label for="assignee">{t('field.assignee')}</label>
            <input id="assignee" value={form.assignee} onInput={field('assignee')} />
            <ActionButton action="assign" disabled={!form.assignee.trim()} onClick={() => void act('assign', { assigneeId: form.assignee.trim() }).then(() => setForm((f) => ({ ...f, assignee: '' })))} />
          </form>
          <form class="action">
            <label for="note">{t('field.note')}</label>
            <textarea id="note" rows={2} value={form.note} onInput={field('note')} />
            <ActionButton action="note" disabled={!form.note.trim()} onClick={() => void act('note', { text: form.note.trim() }).then(() => setForm((f) => ({ ...f, note: '' })))} />
          </form>
          <form class="action">
            <label for="response-id">{t('field.responseId')}</label>
            <input id="response-id" value={form.responseId} onInput={field('responseId')} />
            <ActionButton action="respond" disabled={!form.responseId.trim()} onClick={() => void act('respond', { responseId: form.responseId.trim() })} />
          </form>
          <form class="action">
            <label for="outcome">{t('field.outcome')}</label>
            <select id="outcome" value={form.outcome} onChange={field('outcome')}>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {labelOf(t, 'outcome', o)}
                </option>
              ))}
            </select>
            <label for="resolve-reason">{t('field.reasonOptional')}</label>
            <input id="resolve-reason" value={form.reason} onInput={field('reason')} />
            <ActionButton action="resolve" onClick={() => void act('resolve', { outcome: form.outcome, ...(form.reason.trim() ? { reason: form.reason.trim() } : {}) })} />
          </form>
          <form class="action">
            <label for="dismiss-reason">{t('field.reason')}</label>
            <input id="dismiss-reason" value={form.dismissReason} onInput={field('dismissReason')} />
            {ALLOWED_FROM.reopen.includes(alert.status) ? (
              <ActionButton action="reopen" disabled={!form.dismissReason.trim()} onClick={() => void act('reopen', { reason: form.dismissReason.trim() })} />
            ) : (
              <ActionButton action="dismiss" disabled={!form.dismissReason.trim()} onClick={() => void act('dismiss', { reason: form.dismissReason.trim() })} />
            )}
          </form>
          <h2>{t('alert.history')}</h2>
          {alert.history.length === 0 ? (
            <p>{t('alert.noHistory')}</p>
          ) : (
            <ol class="history" data-testid="history">
              {alert.history.map((h, i) => (
                <li key={i}>
                  <time dateTime={h.at}>{formatDateTime(h.at, locale)}</time> — <strong>{t(`action.${h.action}` as MessageKey)}</strong> · {h.actor}
                  {h.from !== h.to && (
                    <>
                      {' '}
                      ({labelOf(t, 'status', h.from)} → {labelOf(t, 'status', h.to)})
                    </>
                  )}
                  {Object.entries(h.detail)
                    .filter(([, v]) => v)
                    .map(([k, v]) => (
                      <span key={k}>
                        {' '}
                        · {k}: {k === 'outcome' ? labelOf(t, 'outcome', v) : v}
                      </span>
                    ))}
                  {h.reason && <div class="reason">“{h.reason}”</div>}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </section>
  );
}
