/** A small typed client for Vigie's HTTP API, same origin, authenticated with the signed-in key. */
import type { MessageKey, Translate } from './i18n.js';

export type Role = 'viewer' | 'analyst' | 'admin';

export interface Evidence {
  itemId: string;
  sourceId: string;
  title: string;
  url: string | null;
  language: string;
  score: number;
  severity: string | null;
  stance: string | null;
  addedAt: string | null;
}
export interface HistoryEntry {
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  from: string;
  to: string;
  reason: string | null;
  detail: Record<string, string | null>;
}
export interface Alert {
  id: string;
  mission: string;
  narrative: string;
  status: string;
  severity: string;
  itemCount: number;
  sourceCount: number;
  languages: string[];
  firstSeenAt: string;
  lastSeenAt: string;
  evidence: Evidence[];
  ownerId: string | null;
  responseId: string | null;
  outcome: string | null;
  timeToAcknowledgeMs: number | null;
  timeToResolveMs: number | null;
  reopenCount: number;
  history: HistoryEntry[];
}
/** An alert as lists return it: its newest evidence rows (newest first) instead of all of them, and no history. */
export type AlertSummary = Omit<Alert, 'evidence' | 'history'> & { latestEvidence: Evidence[] };
export interface MatchedTerm {
  term: string;
  narrative: string;
  language: string;
  surface?: string;
  weight: number;
}
export interface Classification {
  language: string;
  missions: string[];
  topNarrative: string | null;
  stance: string;
  harmful: boolean;
  severity: string | null;
  severityReason?: string;
  explanation: { matchedTerms: MatchedTerm[]; missionEvidence: { mission: string; evidence: string[] }[]; notes: string[]; [k: string]: unknown };
  [k: string]: unknown;
}
export interface Item {
  id: string;
  sourceId: string;
  url: string | null;
  title: string;
  text: string;
  language: string;
  publishedAt: string | null;
  collectedAt: string;
  missions: string[];
  topNarrative: string | null;
  harmful: boolean | null;
  severity: string | null;
  classification: Classification | null;
}
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** An HTTP failure with the problem+json detail when the server sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | null,
    readonly title: string | null,
    /** problem+json `errors` of a 400: one message per invalid field, `path` as the API names it (`endsAt`, `events.0`). */
    readonly fieldErrors: readonly { path: string; message: string }[] = [],
  ) {
    super(detail ?? title ?? `HTTP ${status}`);
  }
}

/** The API's message for each form field, keyed by the first segment of the path (`events.0` → `events`). */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const e of error.fieldErrors) {
    const key = e.path.split('.')[0] ?? e.path;
    out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
  }
  return out;
}

/**
 * Plain words for an error: the server's own detail for validation and conflicts (it is written for people),
 * our catalogue for the rest. Status 0 means the network failed.
 */
export function describeError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('error.network');
  if (error.status === 0) return t('error.network');
  if (error.status === 401) return t('error.401');
  const known: Partial<Record<number, MessageKey>> = { 403: 'error.403', 404: 'error.404', 409: 'error.409', 429: 'error.429' };
  const key = known[error.status];
  if (error.detail && (error.status === 400 || error.status === 403 || error.status === 409 || error.status === 422)) return error.detail;
  return key ? t(key) : error.detail ?? t('error.generic', { status: error.status });
}

export class ApiClient {
  constructor(readonly key: string, private readonly onUnauthorized: () => void = () => {}) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${this.key}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, null, null);
    }
    if (!res.ok) {
      let detail: string | null = null;
      let title: string | null = null;
      let fieldErrors: { path: string; message: string }[] = [];
      try {
        const problem = (await res.json()) as { detail?: string; title?: string; errors?: { path?: unknown; message?: unknown }[] };
        detail = problem.detail ?? null;
        title = problem.title ?? null;
        fieldErrors = (Array.isArray(problem.errors) ? problem.errors : [])
          .filter((e) => typeof e?.message === 'string')
          .map((e) => ({ path: Array.isArray(e.path) ? e.path.join('.') : String(e.path ?? ''), message: String(e.message) }));
      } catch {
        // not problem+json: the status alone is explained by the catalogue
      }
      if (res.status === 401) this.onUnauthorized();
      throw new ApiError(res.status, detail, title, fieldErrors);
    }
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  /** Whether an endpoint exists on this server (other parts of Vigie are being added): anything but 404. */
  async exists(path: string): Promise<boolean> {
    try {
      const res = await fetch(path, { headers: { authorization: `Bearer ${this.key}` } });
      await res.body?.cancel();
      return res.status !== 404;
    } catch {
      return false;
    }
  }

  /** Downloads a text resource (a brief) with the key, as a file the browser saves. */
  async download(path: string, filename: string): Promise<void> {
    const res = await fetch(path, { headers: { authorization: `Bearer ${this.key}` } });
    if (!res.ok) throw new ApiError(res.status, null, null);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

export interface Session {
  key: string;
  name: string;
  role: Role;
}

/**
 * Checks a key and works out its role without a dedicated endpoint: any authenticated read proves the key;
 * `GET /keys` answers 200 only to admins; a bulk action with an empty body is refused with 403 below analyst
 * and with 400 (validation, nothing changed) from analyst up.
 */
export async function signIn(key: string): Promise<Session> {
  const client = new ApiClient(key);
  await client.get<Page<Alert>>('/api/v1/alerts?limit=1');
  let role: Role = 'viewer';
  try {
    await client.get('/api/v1/keys');
    role = 'admin';
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    try {
      await client.post('/api/v1/alerts/bulk', {});
      role = 'analyst';
    } catch (probe) {
      if (probe instanceof ApiError && probe.status === 400) role = 'analyst';
      else if (!(probe instanceof ApiError) || probe.status !== 403) throw probe;
    }
  }
  const name = `vk_${key.split('_')[1]?.slice(0, 6) ?? '…'}…`;
  return { key, name, role };
}
