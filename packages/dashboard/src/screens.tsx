/** The secondary screens: items search, trends, moments and prebunk tasks, digests, sources, admin lists. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, describeError, type Item, type Page } from './api.js';
import { ItemCard } from './alert.js';
import { DeleteMoment, ListView, MomentForm, type MomentDto } from './admin.js';
import { LineChart, PALETTE } from './chart.js';
import { useApp } from './context.js';
import { LANGUAGES, MISSIONS, NARRATIVES, Select } from './filters.js';
import { formatDate, formatDateTime } from './format.js';
import { labelOf, type MessageKey } from './i18n.js';
import { SEVERITIES } from './severity.js';
import { fillHours, sumByLocalDay } from './series.js';

/** Loads `path` with the session's key; re-runs when `path` changes. */
function useGet<T>(path: string | null, version = 0): { data: T | null; error: string | null } {
  const { client, t } = useApp();
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState({ data: null, error: null });
    client
      .get<T>(path)
      .then((data) => live && setState({ data, error: null }))
      .catch((e: unknown) => live && setState({ data: null, error: describeError(e, t) }));
    return () => {
      live = false;
    };
  }, [client, path, t, version]);
  return state;
}

export function ItemsScreen() {
  const { t, client } = useApp();
  const [f, setF] = useState({ mission: '', narrative: '', language: '', severity: '', harmful: 'true' });
  const params = new URLSearchParams({ limit: '25' });
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  const { data, error } = useGet<Page<Item>>(`/api/v1/items?${params}`);
  const [more, setMore] = useState<{ items: Item[]; cursor: string | null }>({ items: [], cursor: null });
  useEffect(() => setMore({ items: [], cursor: data?.nextCursor ?? null }), [data]);
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const loadMore = async () => {
    if (!more.cursor) return;
    const page = await client.get<Page<Item>>(`/api/v1/items?${params}&cursor=${encodeURIComponent(more.cursor)}`);
    setMore((m) => ({ items: [...m.items, ...page.data], cursor: page.nextCursor }));
  };
  return (
    <section aria-labelledby="items-title">
      <h1 id="items-title">{t('items.title')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Select id="i-mission" label={t('filter.mission')} value={f.mission} options={MISSIONS} onChange={set('mission')} />
        <Select id="i-narrative" label={t('filter.narrative')} value={f.narrative} options={NARRATIVES} render={(v) => labelOf(t, 'narrative', v)} onChange={set('narrative')} />
        <Select id="i-language" label={t('filter.language')} value={f.language} options={LANGUAGES} onChange={set('language')} />
        <Select id="i-severity" label={t('filter.severity')} value={f.severity} options={SEVERITIES} onChange={set('severity')} />
        <Select id="i-harmful" label={t('filter.harmful')} value={f.harmful} options={['true', 'false']} render={(v) => (v === 'true' ? t('items.harmfulOnly') : t('items.notHarmful'))} onChange={set('harmful')} />
      </form>
      <ListView rows={data?.data} error={error} empty={t('common.none')}>
        {(rows) => (
          <div class="evidence">
            {[...rows, ...more.items].map((item) => (
              <ItemCard key={item.id} item={item} heading="h2" />
            ))}
          </div>
        )}
      </ListView>
      {more.cursor && (
        <button type="button" onClick={() => void loadMore()}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}

export function TrendsScreen() {
  const { t, locale, client } = useApp();
  const [mission, setMission] = useState<string>('MONUSCO');
  const [series, setSeries] = useState<{ narrative: string; points: { t: number; v: number }[] }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSeries(null);
    // One request per narrative (the API's series are per mission × narrative); only those with volume are drawn.
    Promise.all(
      NARRATIVES.map(async (narrative) => {
        const r = await client.get<{ from: string; to: string; data: { start: string; count: number }[] }>(`/api/v1/stats/timeseries?mission=${mission}&narrative=${narrative}&bucket=hour`);
        return { narrative, points: sumByLocalDay(fillHours(r.data, r.from, r.to)) };
      }),
    )
      .then((all) => live && setSeries(all.filter((s) => s.points.some((p) => p.v > 0))))
      .catch((e: unknown) => live && setError(describeError(e, t)));
    return () => {
      live = false;
    };
  }, [client, mission, t]);
  return (
    <section aria-labelledby="trends-title">
      <h1 id="trends-title">{t('trends.title')}</h1>
      <p class="hint">{t('trends.intro')}</p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Select id="t-mission" label={t('filter.mission')} value={mission} options={MISSIONS} allLabel="" onChange={setMission} />
      </form>
      <ListView rows={series} error={error} empty={t('common.none')}>
        {(rows) => (
          <>
            <LineChart
              title={`${t('trends.title')} — ${mission}`}
              series={rows.map((s, i) => ({ label: labelOf(t, 'narrative', s.narrative), color: PALETTE[i % PALETTE.length]!, points: s.points }))}
              formatTick={(ms) => formatDate(new Date(ms).toISOString(), locale)}
            />
            <ul class="legend" aria-label={t('trends.legend')}>
              {rows.map((s, i) => (
                <li key={s.narrative}>
                  <svg width="24" height="10" aria-hidden="true">
                    <line x1="0" y1="5" x2="24" y2="5" stroke={PALETTE[i % PALETTE.length]} stroke-width="3" />
                  </svg>{' '}
                  {labelOf(t, 'narrative', s.narrative)} ({s.points.reduce((n, p) => n + p.v, 0)})
                </li>
              ))}
            </ul>
          </>
        )}
      </ListView>
    </section>
  );
}

interface Task {
  id: string;
  mission: string;
  title: string;
  status: string;
  dueAt: string;
  narratives: string[];
  /** Per narrative, the catalogue's approved lines in both languages (see services/classifier early-warning). */
  counterMessages: { narrative?: string; en?: string[] | string; fr?: string[] | string }[];
}

const asLines = (v: string[] | string | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

/** Counter-messaging lines in both languages, the UI language first; each line keeps its own `lang`. */
function CounterMessages({ task }: { task: Task }) {
  const { t, locale } = useApp();
  const groups = (task.counterMessages ?? []).filter((m) => asLines(m.en).length + asLines(m.fr).length > 0);
  if (groups.length === 0) return null;
  const order: ('fr' | 'en')[] = locale === 'fr' ? ['fr', 'en'] : ['en', 'fr'];
  return (
    <>
      <h3>{t('tasks.counter')}</h3>
      {groups.map((m, i) => (
        <div key={i} class="counter">
          {m.narrative && <strong>{labelOf(t, 'narrative', m.narrative)}</strong>}
          {order.map((lang) =>
            asLines(m[lang]).length ? (
              <ul key={lang} lang={lang}>
                {asLines(m[lang]).map((line, j) => (
                  <li key={j}>
                    <span class="badge">{lang.toUpperCase()}</span> {line}
                  </li>
                ))}
              </ul>
            ) : null,
          )}
        </div>
      ))}
    </>
  );
}

/** Prebunk brief downloads (HTML to print, Markdown to paste), in the UI language. */
function PrebunkBriefLinks({ task }: { task: Task }) {
  const { t, locale, client } = useApp();
  const [error, setError] = useState<string | null>(null);
  const get = (format: 'html' | 'md') =>
    void client.download(`/api/v1/tasks/${task.id}/brief?format=${format}&lang=${locale}`, `prebunk-${task.mission}-${task.id}-${locale}.${format}`).catch((e: unknown) => setError(describeError(e, t)));
  return (
    <div class="actions">
      <button type="button" class="secondary" onClick={() => get('html')} aria-label={t('tasks.briefHtmlLabel', { title: task.title })}>
        {t('tasks.briefHtml')}
      </button>
      <button type="button" class="secondary" onClick={() => get('md')} aria-label={t('tasks.briefMdLabel', { title: task.title })}>
        {t('tasks.briefMd')}
      </button>
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function MomentsScreen() {
  const { t, locale, session } = useApp();
  const [version, setVersion] = useState(0);
  const moments = useGet<{ data: MomentDto[] }>('/api/v1/moments', version);
  const tasks = useGet<{ data: Task[] }>('/api/v1/tasks', version);
  const [editing, setEditing] = useState<MomentDto | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const admin = session.role === 'admin';
  const done = (message: string) => {
    setNotice(message);
    setEditing(null);
    setVersion((n) => n + 1);
  };
  return (
    <section aria-labelledby="moments-title">
      <h1 id="moments-title">{t('moments.title')}</h1>
      {notice && (
        <p class="ok" role="status">
          {notice}
        </p>
      )}
      <ListView rows={moments.data?.data} error={moments.error} empty={t('moments.empty')}>
        {(rows) => (
          <ol class="calendar">
            {rows.map((m) => (
              <li key={m.id}>
                <time dateTime={m.date} class="date">
                  {formatDate(m.date, locale, 'UTC')}
                </time>
                <div class="grow">
                  <strong dir="auto">{m.title}</strong> · {m.mission} · {t(`moments.kind.${m.kind}` as MessageKey)}
                  <div class="hint">{t('moments.window', { before: m.windowBeforeDays, after: m.windowAfterDays })}</div>
                  {m.narratives.length > 0 && <div>{m.narratives.map((n) => labelOf(t, 'narrative', n)).join(', ')}</div>}
                </div>
                {admin && (
                  <div class="actions">
                    <button type="button" class="secondary" onClick={() => setEditing(m)} aria-label={t('moments.editLabel', { title: m.title })}>
                      {t('moments.editButton')}
                    </button>
                    <DeleteMoment moment={m} onDone={done} />
                  </div>
                )}
              </li>
            ))}
          </ol>
        )}
      </ListView>
      {admin && <MomentForm editing={editing} onDone={done} onCancel={() => setEditing(null)} />}
      <h2>{t('tasks.title')}</h2>
      <ListView rows={tasks.data?.data} error={tasks.error} empty={t('tasks.empty')}>
        {(rows) => (
          <ul class="tasks">
            {rows.map((task) => (
              <li key={task.id} class="card">
                <strong dir="auto">{task.title}</strong> · {task.mission} · {t('tasks.due', { date: formatDate(task.dueAt, locale) })} · {['open', 'done', 'cancelled'].includes(task.status) ? t(`tasks.status.${task.status}` as MessageKey) : task.status}
                <PrebunkBriefLinks task={task} />
                <CounterMessages task={task} />
              </li>
            ))}
          </ul>
        )}
      </ListView>
    </section>
  );
}

interface Digest {
  id: string;
  mission: string;
  week: string;
  lang: string;
  generatedAt: string;
  generatedBy?: string;
}

/** Weekly digests (served by the reports routes): list, read the Markdown in place, download the e-mail HTML. */
export function DigestsScreen() {
  const { t, locale, client, features, session } = useApp();
  const [reload, setReload] = useState(0);
  const list = useGet<{ data: Digest[] }>(features.digests ? '/api/v1/digests?limit=50' : null, reload);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<{ id: string; text: string } | null>(null);
  if (!features.digests) return <p>{t('digests.unavailable')}</p>;
  const generate = async () => {
    setBusy(true);
    setError(null);
    try {
      await client.post('/api/v1/digests', { lang: locale });
      setReload((n) => n + 1);
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  const read = async (d: Digest) => {
    try {
      const res = await fetch(`/api/v1/digests/${d.id}?format=md`, { headers: { authorization: `Bearer ${client.key}` } });
      if (!res.ok) throw new ApiError(res.status, null, null);
      setOpen({ id: d.id, text: await res.text() });
    } catch (e) {
      setError(describeError(e, t));
    }
  };
  const canGenerate = session.role !== 'viewer';
  return (
    <section aria-labelledby="digests-title">
      <div class="title-row">
        <h1 id="digests-title">{t('digests.title')}</h1>
        <button type="button" disabled={!canGenerate || busy} title={canGenerate ? undefined : t('alert.needsAnalyst', { role: labelOf(t, 'role', session.role) })} onClick={() => void generate()}>
          {t('digests.generate')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ListView rows={list.data?.data} error={list.error} empty={t('digests.empty')}>
        {(rows) => (
          <div class="table-wrap">
            <table data-testid="digests">
              <thead>
                <tr>
                  <th scope="col">{t('digests.week')}</th>
                  <th scope="col">{t('col.mission')}</th>
                  <th scope="col">{t('filter.language')}</th>
                  <th scope="col">{t('digests.generated')}</th>
                  <th scope="col">
                    <span class="sr-only">{t('alert.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id}>
                    <td>{d.week}</td>
                    <td>{d.mission === 'ALL' || d.mission === '*' ? t('digests.allMissions') : d.mission}</td>
                    <td>{d.lang.toUpperCase()}</td>
                    <td>{formatDateTime(d.generatedAt, locale)}</td>
                    <td>
                      <button type="button" class="secondary" onClick={() => void read(d)}>
                        {t('digests.open')}
                      </button>{' '}
                      <button type="button" class="secondary" onClick={() => void client.download(`/api/v1/digests/${d.id}?format=html`, `digest-${d.mission}-${d.week}-${d.lang}.html`).catch((e) => setError(describeError(e, t)))}>
                        {t('digests.download')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListView>
      {open && (
        <article class="digest" aria-label={t('digests.title')}>
          {/* Focusable: the text scrolls, and keyboard users must be able to scroll it (axe scrollable-region-focusable). */}
          <pre dir="auto" data-testid="digest-text" tabIndex={0}>
            {open.text}
          </pre>
        </article>
      )}
    </section>
  );
}

interface Source {
  id: string;
  name: string;
  kind: string;
  url: string | null;
  missions: string[];
  languages: string[];
  enabled: boolean;
  health: { lastFetchAt: string | null; lastStatus: number | string | null; consecutiveFailures: number; lastError: { message: string | null } | null; disabledReason: string | null; pollTimesCurrent?: boolean };
}

export function SourcesScreen() {
  const { t, locale } = useApp();
  const { data, error } = useGet<Page<Source>>('/api/v1/sources?limit=200');
  const timesBehind = data?.data.some((s) => s.health.pollTimesCurrent === false);
  return (
    <section aria-labelledby="sources-title">
      <h1 id="sources-title">{t('sources.title')}</h1>
      {timesBehind && <p class="hint" role="status">{t('sources.timesBehind')}</p>}
      <ListView rows={data?.data} error={error} empty={t('common.none')}>
        {(rows) => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('sources.name')}</th>
                  <th scope="col">{t('sources.kind')}</th>
                  <th scope="col">{t('col.mission')}</th>
                  <th scope="col">{t('sources.state')}</th>
                  <th scope="col">{t('sources.lastFetch')}</th>
                  <th scope="col" class="num">{t('sources.failures')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => {
                  const state = !s.enabled ? 'disabled' : s.health.consecutiveFailures > 0 ? 'failing' : 'ok';
                  return (
                    <tr key={s.id}>
                      <td dir="auto">{s.name}</td>
                      <td>{s.kind}</td>
                      <td>{s.missions.join(', ')}</td>
                      <td>
                        <span class={`badge src-${state}`}>{t(`sources.${state}`)}</span>
                        {(s.health.disabledReason ?? s.health.lastError?.message) && <div class="hint">{s.health.disabledReason ?? s.health.lastError?.message}</div>}
                      </td>
                      <td>{formatDateTime(s.health.lastFetchAt, locale)}</td>
                      <td class="num">{s.health.consecutiveFailures}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </ListView>
    </section>
  );
}
