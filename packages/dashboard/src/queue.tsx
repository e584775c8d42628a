import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError, type AlertSummary, type Page } from './api.js';
import { useApp } from './context.js';
import { MISSIONS, NARRATIVES, STATUSES, Select, SeverityBadge, StatusBadge } from './filters.js';
import { formatDateTime, formatRelative } from './format.js';
import { labelOf } from './i18n.js';
import { compareTriage, SEVERITIES } from './severity.js';
import { readSse } from './sse.js';

const POLL_MS = 30_000;

interface Filters {
  mission: string;
  narrative: string;
  status: string;
  severity: string;
}

function query(f: Filters): string {
  const p = new URLSearchParams({ sort: 'triage', limit: '100' });
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  return p.toString();
}

export function Queue() {
  const { t, locale, client, session, navigate } = useApp();
  const [filters, setFilters] = useState<Filters>(() => ({ mission: '', narrative: '', status: 'open,acknowledged,responding', severity: '' }));
  const [alerts, setAlerts] = useState<AlertSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [cursor, setCursorState] = useState(0);
  // The key handler reads the cursor from a ref: keys typed faster than a render must not act on a stale row.
  const cursorRef = useRef(0);
  const setCursor = (next: number) => {
    cursorRef.current = next;
    setCursorState(next);
  };
  // Focus moves in the key handler itself (not in an effect that runs later), so a late effect can never pull
  // the cursor back to a row the user has already left.
  const moveTo = (next: number) => {
    setCursor(next);
    rows.current[next]?.focus();
  };
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkMsg, setBulkMsg] = useState<string | null>(null);
  const [, tick] = useState(0);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);

  const load = useCallback(async () => {
    try {
      const page = await client.get<Page<AlertSummary>>(`/api/v1/alerts?${query(filters)}`);
      setAlerts([...page.data].sort(compareTriage));
      setUpdatedAt(new Date().toISOString());
      setError(null);
    } catch (e) {
      setError(describeError(e, t));
    }
  }, [client, filters, t]);

  useEffect(() => {
    void load();
  }, [load]);

  // Live through the SSE stream when the server has one; otherwise poll every 30 s. Any stream event reloads the
  // page of alerts (cheap, and the list order is the server's).
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setInterval> | undefined;
    let debounce: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      setLive(false);
      timer ??= setInterval(() => void load(), POLL_MS);
    };
    readSse('/api/v1/stream', client.key, abort.signal, () => setLive(true), () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void load(), 500);
    })
      .then(() => !abort.signal.aborted && poll())
      .catch(() => !abort.signal.aborted && poll());
    const clock = setInterval(() => tick((n) => n + 1), 10_000);
    return () => {
      abort.abort();
      clearInterval(timer);
      clearInterval(clock);
      clearTimeout(debounce);
    };
  }, [client, load]);

  const list = alerts ?? [];
  const open = (a: AlertSummary | undefined) => a && navigate(`/app/alerts/${a.id}`);
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'j' || e.key === 'ArrowDown') {
        e.preventDefault();
        moveTo(Math.min(cursorRef.current + 1, list.length - 1));
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        e.preventDefault();
        moveTo(Math.max(cursorRef.current - 1, 0));
      } else if (e.key === 'Enter' && target.tagName !== 'BUTTON' && target.tagName !== 'A') {
        open(list[cursorRef.current]);
      } else if (e.key === 'x' && list[cursorRef.current]) {
        toggle(list[cursorRef.current]!.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const canAct = session.role !== 'viewer';
  const bulk = async (action: 'acknowledge' | 'dismiss') => {
    let input: Record<string, unknown> = {};
    if (action === 'dismiss') {
      const reason = window.prompt(t('queue.dismissReason'));
      if (!reason || reason.trim().length < 3) return;
      input = { reason: reason.trim() };
    }
    try {
      const r = await client.post<{ succeeded: number; failed: number }>('/api/v1/alerts/bulk', { ids: [...selected], action, input });
      setBulkMsg(t('queue.bulkDone', { ok: r.succeeded, failed: r.failed }));
      setSelected(new Set());
      await load();
    } catch (e) {
      setBulkMsg(describeError(e, t));
    }
  };

  const set = (k: keyof Filters) => (v: string) => setFilters((f) => ({ ...f, [k]: v }));
  const stale = updatedAt && Date.now() - Date.parse(updatedAt) > 2 * POLL_MS;
  return (
    <section aria-labelledby="queue-title">
      <div class="title-row">
        <h1 id="queue-title">{t('queue.title')}</h1>
        <p class={`status-line ${stale ? 'stale' : ''}`} role="status" aria-live="polite" data-testid="freshness">
          {live ? <span class="live-dot">● {t('queue.live')}</span> : null}{' '}
          {updatedAt ? (stale ? t('queue.stale', { time: formatDateTime(updatedAt, locale) }) : t(live ? 'queue.updated' : 'queue.polling', { time: formatRelative(updatedAt, locale) })) : t('common.loading')}{' '}
          <button type="button" class="link" onClick={() => void load()}>
            {t('queue.refresh')}
          </button>
        </p>
      </div>
      <p class="hint">{t('queue.hint')}</p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Select id="f-mission" label={t('filter.mission')} value={filters.mission} options={MISSIONS} onChange={set('mission')} />
        <Select id="f-narrative" label={t('filter.narrative')} value={filters.narrative} options={NARRATIVES} render={(v) => labelOf(t, 'narrative', v)} onChange={set('narrative')} />
        <Select
          id="f-status"
          label={t('filter.status')}
          value={filters.status}
          options={['open,acknowledged,responding', ...STATUSES]}
          render={(v) => v.split(',').map((s) => labelOf(t, 'status', s)).join(' + ')}
          onChange={set('status')}
        />
        <Select id="f-severity" label={t('filter.severity')} value={filters.severity} options={SEVERITIES} render={(v) => labelOf(t, 'severity', v)} onChange={set('severity')} />
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {canAct && selected.size > 0 && (
        <div class="bulk" role="region" aria-label={t('queue.selected', { n: selected.size })}>
          <strong>{t('queue.selected', { n: selected.size })}</strong>
          <button type="button" onClick={() => void bulk('acknowledge')}>
            {t('queue.bulkAck')}
          </button>
          <button type="button" class="secondary" onClick={() => void bulk('dismiss')}>
            {t('queue.bulkDismiss')}
          </button>
        </div>
      )}
      {bulkMsg && <p role="status">{bulkMsg}</p>}
      {alerts === null ? (
        <p>{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p class="empty">{t('queue.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="queue" data-testid="queue">
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label={t('queue.selectAll')}
                    disabled={!canAct}
                    checked={selected.size > 0 && selected.size === list.length}
                    onChange={(e) => setSelected((e.target as HTMLInputElement).checked ? new Set(list.map((a) => a.id)) : new Set())}
                  />
                </th>
                <th scope="col">{t('col.severity')}</th>
                <th scope="col">{t('col.narrative')}</th>
                <th scope="col">{t('col.mission')}</th>
                <th scope="col">{t('col.status')}</th>
                <th scope="col" class="num">{t('col.items')}</th>
                <th scope="col" class="num hide-narrow">{t('col.sources')}</th>
                <th scope="col" class="hide-narrow">{t('col.languages')}</th>
                <th scope="col">{t('col.lastSeen')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a, i) => (
                <tr
                  key={a.id}
                  ref={(el) => {
                    rows.current[i] = el;
                  }}
                  tabIndex={i === cursor ? 0 : -1}
                  class={`${i === cursor ? 'current' : ''} ${selected.has(a.id) ? 'selected' : ''}`}
                  aria-selected={selected.has(a.id)}
                  data-alert-id={a.id}
                  onFocus={() => cursorRef.current !== i && setCursor(i)}
                  onDblClick={() => open(a)}
                >
                  <td>
                    <input type="checkbox" aria-label={t('queue.select', { id: a.id.slice(-6) })} disabled={!canAct} checked={selected.has(a.id)} onChange={() => toggle(a.id)} />
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td>
                    <a
                      href={`/app/alerts/${a.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        open(a);
                      }}
                    >
                      {labelOf(t, 'narrative', a.narrative)}
                    </a>
                    {a.latestEvidence?.[0]?.title && (
                      <div class="hint" dir="auto">
                        {a.latestEvidence[0].title}
                      </div>
                    )}
                  </td>
                  <td>{a.mission}</td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td class="num">{a.itemCount}</td>
                  <td class="num hide-narrow">{a.sourceCount}</td>
                  <td class="hide-narrow">{a.languages.join(', ')}</td>
                  <td>
                    <time dateTime={a.lastSeenAt} title={formatDateTime(a.lastSeenAt, locale)}>
                      {formatRelative(a.lastSeenAt, locale)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
