/**
 * Admin editing: silences (create with matchers, time bounds and a reason; expire), webhooks (create, pause and
 * resume, send a test, read the delivery log) and high-risk moments (create, edit, delete). The screens and
 * controls are shown to admins only; the API enforces the roles whatever the page shows. Validation is the API's:
 * its problem+json messages are shown next to each field and summarised at the top of the form.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { describeError, fieldErrorsOf } from './api.js';
import { useApp } from './context.js';
import { MISSIONS, NARRATIVES } from './filters.js';
import { formatDateTime } from './format.js';
import { isoToLocalInput, localInputToIso, splitTerms } from './forms.js';
import { labelOf, type MessageKey } from './i18n.js';
import { SEVERITIES } from './severity.js';

// ----------------------------------------------------------------------------------------------------------------
// Form parts

type Errors = Record<string, string>;

/** aria attributes tying an input to its hint and its error message. */
export function described(id: string, errors: Errors, field: string, hint = false) {
  const ids = [hint ? `${id}-hint` : null, errors[field] ? `${id}-error` : null].filter(Boolean).join(' ');
  return { 'aria-describedby': ids || undefined, 'aria-invalid': errors[field] ? true : undefined };
}

export function Field(props: { id: string; label: string; field: string; errors: Errors; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <span id={`${props.id}-hint`} class="hint">
          {props.hint}
        </span>
      )}
      {props.errors[props.field] && (
        <span id={`${props.id}-error`} class="field-error">
          {props.errors[props.field]}
        </span>
      )}
    </div>
  );
}

/** A labelled <select> in a Field: one option per value, shown through `render` (default: the value itself). */
export function SelectField(props: { id: string; label: string; field: string; errors: Errors; value: string; options: readonly string[]; render?: (v: string) => string; onChange: (v: string) => void }) {
  return (
    <Field id={props.id} label={props.label} field={props.field} errors={props.errors}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)} {...described(props.id, props.errors, props.field)}>
        {props.options.map((x) => (
          <option key={x} value={x}>
            {props.render ? props.render(x) : x}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A group of checkboxes in a fieldset (keyboard: Tab between boxes, Space to tick). */
export function CheckGroup(props: { id: string; legend: string; field: string; errors: Errors; options: readonly string[]; render?: (v: string) => string; value: readonly string[]; onChange: (v: string[]) => void; hint?: string }) {
  const toggle = (o: string, on: boolean) => props.onChange(on ? [...props.value, o] : props.value.filter((v) => v !== o));
  return (
    <fieldset class="checks" id={props.id} {...described(props.id, props.errors, props.field, Boolean(props.hint))}>
      <legend>{props.legend}</legend>
      {props.hint && (
        <span id={`${props.id}-hint`} class="hint">
          {props.hint}
        </span>
      )}
      <div class="check-grid">
        {props.options.map((o) => (
          <label key={o} class="check">
            <input type="checkbox" name={props.field} value={o} checked={props.value.includes(o)} onChange={(e) => toggle(o, (e.target as HTMLInputElement).checked)} /> {props.render ? props.render(o) : o}
          </label>
        ))}
      </div>
      {props.errors[props.field] && (
        <span id={`${props.id}-error`} class="field-error">
          {props.errors[props.field]}
        </span>
      )}
    </fieldset>
  );
}

/** The form's error summary: the API's detail and each field's message, announced when it appears. */
export function FormErrors({ error, fields }: { error: string | null; fields: Errors }) {
  const { t } = useApp();
  if (!error) return null;
  const entries = Object.entries(fields);
  return (
    <div class="error" role="alert">
      <p>{error}</p>
      {entries.length > 0 && (
        <ul>
          {entries.map(([k, v]) => (
            <li key={k}>
              {t('form.field', { field: k })} {v}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Submits a form to the API, keeping the problem+json detail and field messages for display. */
function useSubmit() {
  const { t } = useApp();
  const [state, setState] = useState<{ busy: boolean; error: string | null; fields: Errors }>({ busy: false, error: null, fields: {} });
  const run = async (fn: () => Promise<void>) => {
    setState({ busy: true, error: null, fields: {} });
    try {
      await fn();
      setState({ busy: false, error: null, fields: {} });
      return true;
    } catch (e) {
      setState({ busy: false, error: describeError(e, t), fields: fieldErrorsOf(e) });
      return false;
    }
  };
  return { ...state, run };
}

function useList<T>(path: string, version: number) {
  const { client, t } = useApp();
  const [state, setState] = useState<{ data: T[] | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    let live = true;
    client
      .get<{ data: T[] }>(path)
      .then((r) => live && setState({ data: r.data, error: null }))
      .catch((e: unknown) => live && setState({ data: null, error: describeError(e, t) }));
    return () => {
      live = false;
    };
  }, [client, path, t, version]);
  return state;
}

/** A list's placeholder until it arrives: "loading", or why it could not be loaded. */
export function Loading({ error }: { error: string | null }) {
  const { t } = useApp();
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : (
    <p>{t('common.loading')}</p>
  );
}

/** A list's three states: loading (or why it failed) until `rows` arrive, `empty` when there are none, else `children`. */
export function ListView<T>({ rows, error, empty, children }: { rows: T[] | null | undefined; error: string | null; empty: string; children: (rows: T[]) => ComponentChildren }) {
  if (!rows) return <Loading error={error} />;
  if (rows.length === 0) return <p class="empty">{empty}</p>;
  return <>{children(rows)}</>;
}

const narrativeLabel = (t: ReturnType<typeof useApp>['t']) => (v: string) => labelOf(t, 'narrative', v);

// ----------------------------------------------------------------------------------------------------------------
// Silences

interface Silence {
  id: string;
  missions: string[];
  narratives: string[];
  sources: string[];
  terms: string[];
  startsAt: string;
  endsAt: string;
  active: boolean;
  author: string;
  reason: string;
  expiredAt: string | null;
}

export function SilencesScreen() {
  const { t, locale, client } = useApp();
  const [version, setVersion] = useState(0);
  const list = useList<Silence>('/api/v1/silences?state=active&limit=200', version);
  const submit = useSubmit();
  const [notice, setNotice] = useState<string | null>(null);
  const empty = { missions: [] as string[], narratives: [] as string[], terms: '', startsAt: '', endsAt: isoToLocalInput(new Date(Date.now() + 24 * 3_600_000)), reason: '' };
  const [f, setF] = useState(empty);
  const set = <K extends keyof typeof f>(k: K) => (v: (typeof f)[K]) => setF((x) => ({ ...x, [k]: v }));

  const create = async (e: Event) => {
    e.preventDefault();
    setNotice(null);
    const terms = splitTerms(f.terms);
    const ok = await submit.run(async () => {
      await client.post('/api/v1/silences', {
        ...(f.missions.length ? { missions: f.missions } : {}),
        ...(f.narratives.length ? { narratives: f.narratives } : {}),
        ...(terms.length ? { terms } : {}),
        ...(f.startsAt ? { startsAt: localInputToIso(f.startsAt) } : {}),
        endsAt: localInputToIso(f.endsAt) ?? '',
        reason: f.reason,
      });
    });
    if (ok) {
      setF(empty);
      setNotice(t('silences.created'));
      setVersion((n) => n + 1);
    }
  };
  const expire = async (s: Silence) => {
    setNotice(null);
    if (await submit.run(() => client.delete(`/api/v1/silences/${s.id}`))) {
      setNotice(t('silences.expired'));
      setVersion((n) => n + 1);
    }
  };
  const matchers = (s: Silence) =>
    [s.missions.join(', '), s.narratives.map(narrativeLabel(t)).join(', '), s.terms.map((x) => `« ${x} »`).join(', '), s.sources.length ? t('silences.sourcesCount', { n: s.sources.length }) : '']
      .filter(Boolean)
      .join(' · ');

  return (
    <section aria-labelledby="silences-title">
      <h1 id="silences-title">{t('silences.title')}</h1>
      <p class="hint">{t('silences.intro')}</p>
      {notice && (
        <p class="ok" role="status">
          {notice}
        </p>
      )}
      <ListView rows={list.data} error={list.error} empty={t('silences.empty')}>
        {(rows) => (
          <div class="table-wrap">
            <table data-testid="silences">
              <thead>
                <tr>
                  <th scope="col">{t('silences.reason')}</th>
                  <th scope="col">{t('silences.matchers')}</th>
                  <th scope="col">{t('silences.startsAt')}</th>
                  <th scope="col">{t('silences.endsAt')}</th>
                  <th scope="col">{t('silences.author')}</th>
                  <th scope="col">
                    <span class="sr-only">{t('alert.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id}>
                    <td dir="auto">{s.reason}</td>
                    <td dir="auto">{matchers(s)}</td>
                    <td>{formatDateTime(s.startsAt, locale)}</td>
                    <td>{formatDateTime(s.endsAt, locale)}</td>
                    <td dir="auto">{s.author}</td>
                    <td>
                      <button type="button" class="secondary" disabled={submit.busy} onClick={() => void expire(s)} aria-label={t('silences.expireLabel', { reason: s.reason })}>
                        {t('silences.expire')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListView>

      <h2 id="silence-form-title">{t('silences.new')}</h2>
      <form class="edit" aria-labelledby="silence-form-title" onSubmit={(e) => void create(e)} noValidate>
        <FormErrors error={submit.error} fields={submit.fields} />
        <CheckGroup id="s-missions" legend={t('form.missions')} field="missions" errors={submit.fields} options={MISSIONS} value={f.missions} onChange={set('missions')} hint={t('silences.matchHint')} />
        <CheckGroup id="s-narratives" legend={t('form.narratives')} field="narratives" errors={submit.fields} options={NARRATIVES} render={narrativeLabel(t)} value={f.narratives} onChange={set('narratives')} />
        <Field id="s-terms" label={t('silences.terms')} field="terms" errors={submit.fields} hint={t('silences.termsHint')}>
          <input id="s-terms" value={f.terms} onInput={(e) => set('terms')((e.target as HTMLInputElement).value)} {...described('s-terms', submit.fields, 'terms', true)} />
        </Field>
        <div class="row">
          <Field id="s-starts" label={t('silences.startsAt')} field="startsAt" errors={submit.fields} hint={t('silences.startsHint')}>
            <input id="s-starts" type="datetime-local" value={f.startsAt} onInput={(e) => set('startsAt')((e.target as HTMLInputElement).value)} {...described('s-starts', submit.fields, 'startsAt', true)} />
          </Field>
          <Field id="s-ends" label={t('silences.endsAt')} field="endsAt" errors={submit.fields}>
            <input id="s-ends" type="datetime-local" required value={f.endsAt} onInput={(e) => set('endsAt')((e.target as HTMLInputElement).value)} {...described('s-ends', submit.fields, 'endsAt')} />
          </Field>
        </div>
        <Field id="s-reason" label={t('silences.reason')} field="reason" errors={submit.fields}>
          <textarea id="s-reason" rows={2} required value={f.reason} onInput={(e) => set('reason')((e.target as HTMLTextAreaElement).value)} {...described('s-reason', submit.fields, 'reason')} />
        </Field>
        <button type="submit" disabled={submit.busy}>
          {t('silences.create')}
        </button>
      </form>
    </section>
  );
}

// ----------------------------------------------------------------------------------------------------------------
// Webhooks

interface Webhook {
  id: string;
  name: string;
  url: string;
  format: string;
  events: string[];
  missions: string[];
  minSeverity: string;
  enabled: boolean;
}
interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  latencyMs: number | null;
  createdAt: string | null;
  deliveredAt: string | null;
}

export const WEBHOOK_EVENTS = ['alert.opened', 'alert.updated', 'alert.escalated', 'alert.reopened', 'alert.resolved', 'alert.dismissed', 'digest.published'] as const;
const FORMATS = ['json', 'slack', 'teams'] as const;

function Deliveries({ hook, version }: { hook: Webhook; version: number }) {
  const { t, locale } = useApp();
  const list = useList<Delivery>(`/api/v1/webhooks/${hook.id}/deliveries?limit=20`, version);
  if (!list.data) return <Loading error={list.error} />;
  if (list.data.length === 0) return <p class="empty">{t('webhooks.noDeliveries')}</p>;
  return (
    <div class="table-wrap">
      <table data-testid={`deliveries-${hook.id}`}>
        <caption class="sr-only">{t('webhooks.deliveriesOf', { name: hook.name })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('webhooks.when')}</th>
            <th scope="col">{t('webhooks.event')}</th>
            <th scope="col">{t('filter.status')}</th>
            <th scope="col" class="num">{t('webhooks.attempts')}</th>
            <th scope="col">{t('webhooks.answer')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((d) => (
            <tr key={d.id}>
              <td>{formatDateTime(d.createdAt, locale)}</td>
              <td>{d.eventType}</td>
              <td>
                <span class={`badge delivery-${d.status}`}>{t(`webhooks.status.${d.status}` as MessageKey)}</span>
              </td>
              <td class="num">{d.attempts}</td>
              <td>{d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : ''}{d.lastError ? ` ${d.lastError}` : ''}{d.latencyMs !== null ? ` · ${d.latencyMs} ms` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function WebhooksScreen() {
  const { t, client } = useApp();
  const [version, setVersion] = useState(0);
  const list = useList<Webhook>('/api/v1/webhooks', version);
  const submit = useSubmit();
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const empty = { name: '', url: '', format: 'json', events: [] as string[], missions: [] as string[], minSeverity: 'S4' };
  const [f, setF] = useState(empty);
  const set = <K extends keyof typeof f>(k: K) => (v: (typeof f)[K]) => setF((x) => ({ ...x, [k]: v }));
  const refresh = () => setVersion((n) => n + 1);

  const create = async (e: Event) => {
    e.preventDefault();
    setNotice(null);
    let created: { name: string; secret: string } | null = null;
    const ok = await submit.run(async () => {
      created = await client.post<{ name: string; secret: string }>('/api/v1/webhooks', f);
    });
    if (ok && created) {
      setSecret(created);
      setF(empty);
      refresh();
    }
  };
  const toggle = async (h: Webhook) => {
    setNotice(null);
    if (await submit.run(() => client.patch(`/api/v1/webhooks/${h.id}`, { enabled: !h.enabled }).then(() => undefined))) {
      setNotice(t(h.enabled ? 'webhooks.paused' : 'webhooks.resumed', { name: h.name }));
      refresh();
    }
  };
  const test = async (h: Webhook) => {
    setNotice(null);
    if (await submit.run(() => client.post(`/api/v1/webhooks/${h.id}/test`).then(() => undefined))) {
      setNotice(t('webhooks.testSent', { name: h.name }));
      setOpen(h.id);
      refresh();
    }
  };

  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">{t('webhooks.title')}</h1>
      <p class="hint">{t('webhooks.intro')}</p>
      {notice && (
        <p class="ok" role="status">
          {notice}
        </p>
      )}
      {secret && (
        <div class="ok" role="status" data-testid="webhook-secret">
          <p>{t('webhooks.secretOnce', { name: secret.name })}</p>
          <code>{secret.secret}</code>
        </div>
      )}
      <ListView rows={list.data} error={list.error} empty={t('webhooks.empty')}>
        {(rows) => (
          <ul class="tasks" data-testid="webhooks">
            {rows.map((h) => (
              <li key={h.id} class="card">
                <div class="title-row">
                  <h2 class="card-title" dir="auto">
                    {h.name} <span class={`badge ${h.enabled ? 'src-ok' : 'src-disabled'}`}>{h.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}</span>
                  </h2>
                  <div class="actions">
                    <button type="button" class="secondary" disabled={submit.busy} onClick={() => void toggle(h)}>
                      {h.enabled ? t('webhooks.pause') : t('webhooks.resume')}
                    </button>
                    <button type="button" class="secondary" disabled={submit.busy || !h.enabled} title={h.enabled ? undefined : t('webhooks.testNeedsEnabled')} onClick={() => void test(h)}>
                      {t('webhooks.test')}
                    </button>
                    <button type="button" class="secondary" aria-expanded={open === h.id} aria-controls={`log-${h.id}`} onClick={() => setOpen(open === h.id ? null : h.id)}>
                      {t('webhooks.log')}
                    </button>
                  </div>
                </div>
                <p class="meta">
                  <span dir="ltr">{h.url}</span> · {h.format} · {h.missions.length ? h.missions.join(', ') : t('webhooks.allMissions')} · ≥ {h.minSeverity} · {h.events.length ? h.events.join(', ') : t('webhooks.allAlertEvents')}
                </p>
                <div id={`log-${h.id}`}>{open === h.id && <Deliveries hook={h} version={version} />}</div>
              </li>
            ))}
          </ul>
        )}
      </ListView>

      <h2 id="webhook-form-title">{t('webhooks.new')}</h2>
      <form class="edit" aria-labelledby="webhook-form-title" onSubmit={(e) => void create(e)} noValidate>
        <FormErrors error={submit.error} fields={submit.fields} />
        <div class="row">
          <Field id="w-name" label={t('webhooks.name')} field="name" errors={submit.fields}>
            <input id="w-name" required value={f.name} onInput={(e) => set('name')((e.target as HTMLInputElement).value)} {...described('w-name', submit.fields, 'name')} />
          </Field>
          <Field id="w-url" label={t('webhooks.url')} field="url" errors={submit.fields} hint={t('webhooks.urlHint')}>
            <input id="w-url" type="url" required dir="ltr" value={f.url} onInput={(e) => set('url')((e.target as HTMLInputElement).value)} {...described('w-url', submit.fields, 'url', true)} />
          </Field>
        </div>
        <div class="row">
          <SelectField id="w-format" label={t('webhooks.format')} field="format" errors={submit.fields} value={f.format} options={FORMATS} render={(x) => t(`webhooks.format.${x}` as MessageKey)} onChange={set('format')} />
          <SelectField id="w-severity" label={t('webhooks.minSeverity')} field="minSeverity" errors={submit.fields} value={f.minSeverity} options={SEVERITIES} render={(x) => labelOf(t, 'severity', x)} onChange={set('minSeverity')} />
        </div>
        <CheckGroup id="w-events" legend={t('webhooks.events')} field="events" errors={submit.fields} options={WEBHOOK_EVENTS} render={(v) => t(`webhooks.event.${v}` as MessageKey)} value={f.events} onChange={set('events')} hint={t('webhooks.eventsHint')} />
        <CheckGroup id="w-missions" legend={t('form.missions')} field="missions" errors={submit.fields} options={MISSIONS} value={f.missions} onChange={set('missions')} hint={t('webhooks.missionsHint')} />
        <button type="submit" disabled={submit.busy}>
          {t('webhooks.create')}
        </button>
      </form>
    </section>
  );
}

// ----------------------------------------------------------------------------------------------------------------
// Moments (the form; the calendar itself is in screens.tsx)

export interface MomentDto {
  id: string;
  mission: string;
  title: string;
  kind: string;
  date: string;
  windowBeforeDays: number;
  windowAfterDays: number;
  prebunkLeadDays: number;
  narratives: string[];
}

export const MOMENT_KINDS = ['mandate_renewal', 'election', 'anniversary', 'rotation', 'operation', 'other'] as const;

/** Create (no `editing`) or edit a moment; `onDone` reloads the calendar. */
export function MomentForm({ editing, onDone, onCancel }: { editing: MomentDto | null; onDone: (message: string) => void; onCancel: () => void }) {
  const { t, client } = useApp();
  const submit = useSubmit();
  const fromMoment = (m: MomentDto | null) => ({
    title: m?.title ?? '',
    mission: m?.mission ?? 'MONUSCO',
    kind: m?.kind ?? 'election',
    date: m ? m.date.slice(0, 10) : '',
    windowBeforeDays: String(m?.windowBeforeDays ?? 3),
    windowAfterDays: String(m?.windowAfterDays ?? 2),
    prebunkLeadDays: String(m?.prebunkLeadDays ?? 7),
    narratives: m?.narratives ?? [],
  });
  const [f, setF] = useState(() => fromMoment(editing));
  useEffect(() => setF(fromMoment(editing)), [editing?.id]);
  const set = <K extends keyof typeof f>(k: K) => (v: (typeof f)[K]) => setF((x) => ({ ...x, [k]: v }));
  const num = (v: string) => (v.trim() === '' ? v : Number(v));

  const save = async (e: Event) => {
    e.preventDefault();
    const body = {
      title: f.title,
      mission: f.mission,
      kind: f.kind,
      // A calendar day: the API takes it as that UTC day.
      date: f.date ? `${f.date}T00:00:00Z` : '',
      windowBeforeDays: num(f.windowBeforeDays),
      windowAfterDays: num(f.windowAfterDays),
      prebunkLeadDays: num(f.prebunkLeadDays),
      narratives: f.narratives,
    };
    const ok = await submit.run(async () => {
      if (editing) await client.patch(`/api/v1/moments/${editing.id}`, body);
      else await client.post('/api/v1/moments', body);
    });
    if (ok) {
      if (!editing) setF(fromMoment(null));
      onDone(editing ? t('moments.saved', { title: f.title }) : t('moments.created', { title: f.title }));
    }
  };
  const titleId = editing ? 'moment-edit-title' : 'moment-new-title';
  return (
    <form class="edit" aria-labelledby={titleId} onSubmit={(e) => void save(e)} noValidate data-testid="moment-form">
      <h2 id={titleId}>{editing ? t('moments.edit', { title: editing.title }) : t('moments.new')}</h2>
      <FormErrors error={submit.error} fields={submit.fields} />
      <div class="row">
        <Field id="m-title" label={t('moments.titleField')} field="title" errors={submit.fields}>
          <input id="m-title" required dir="auto" value={f.title} onInput={(e) => set('title')((e.target as HTMLInputElement).value)} {...described('m-title', submit.fields, 'title')} />
        </Field>
        <Field id="m-date" label={t('moments.date')} field="date" errors={submit.fields}>
          <input id="m-date" type="date" required value={f.date} onInput={(e) => set('date')((e.target as HTMLInputElement).value)} {...described('m-date', submit.fields, 'date')} />
        </Field>
      </div>
      <div class="row">
        <SelectField id="m-mission" label={t('filter.mission')} field="mission" errors={submit.fields} value={f.mission} options={MISSIONS} onChange={set('mission')} />
        <SelectField id="m-kind" label={t('moments.kind')} field="kind" errors={submit.fields} value={f.kind} options={MOMENT_KINDS} render={(k) => t(`moments.kind.${k}` as MessageKey)} onChange={set('kind')} />
      </div>
      <div class="row">
        <Field id="m-before" label={t('moments.before')} field="windowBeforeDays" errors={submit.fields}>
          <input id="m-before" type="number" inputMode="numeric" min={0} max={90} value={f.windowBeforeDays} onInput={(e) => set('windowBeforeDays')((e.target as HTMLInputElement).value)} {...described('m-before', submit.fields, 'windowBeforeDays')} />
        </Field>
        <Field id="m-after" label={t('moments.after')} field="windowAfterDays" errors={submit.fields}>
          <input id="m-after" type="number" inputMode="numeric" min={0} max={90} value={f.windowAfterDays} onInput={(e) => set('windowAfterDays')((e.target as HTMLInputElement).value)} {...described('m-after', submit.fields, 'windowAfterDays')} />
        </Field>
        <Field id="m-lead" label={t('moments.lead')} field="prebunkLeadDays" errors={submit.fields}>
          <input id="m-lead" type="number" inputMode="numeric" min={0} max={90} value={f.prebunkLeadDays} onInput={(e) => set('prebunkLeadDays')((e.target as HTMLInputElement).value)} {...described('m-lead', submit.fields, 'prebunkLeadDays')} />
        </Field>
      </div>
      <CheckGroup id="m-narratives" legend={t('form.narratives')} field="narratives" errors={submit.fields} options={NARRATIVES} render={narrativeLabel(t)} value={f.narratives} onChange={set('narratives')} hint={t('moments.narrativesHint')} />
      <div class="actions">
        <button type="submit" disabled={submit.busy}>
          {editing ? t('moments.save') : t('moments.create')}
        </button>
        {editing && (
          <button type="button" class="secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/** Deleting takes two clicks (no browser dialog: it would block keyboard and screen-reader users less gracefully). */
export function DeleteMoment({ moment, onDone }: { moment: MomentDto; onDone: (message: string) => void }) {
  const { t, client } = useApp();
  const [armed, setArmed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!armed)
    return (
      <button type="button" class="secondary" onClick={() => setArmed(true)} aria-label={t('moments.deleteLabel', { title: moment.title })}>
        {t('moments.delete')}
      </button>
    );
  return (
    <span class="actions">
      <button
        type="button"
        class="danger"
        onClick={() =>
          void client
            .delete(`/api/v1/moments/${moment.id}`)
            .then(() => onDone(t('moments.deleted', { title: moment.title })))
            .catch((e: unknown) => setError(describeError(e, t)))
        }
      >
        {t('moments.confirmDelete', { title: moment.title })}
      </button>
      <button type="button" class="secondary" onClick={() => setArmed(false)}>
        {t('common.cancel')}
      </button>
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

