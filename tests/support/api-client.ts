import { readFileSync } from 'node:fs';

/**
 * One API request with a key, as the report tests make them: a JSON body when given, the text kept for
 * assertions, `json()` parsed on demand (typed by the caller).
 */
export async function callApi<J = Record<string, unknown>>(baseUrl: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as J };
}

/** The built-in narrative catalogue's counter-messaging and definitions, as the briefs quote them. */
export function loadCatalogue() {
  return JSON.parse(readFileSync(new URL('../../packages/nlp/data/catalogue.json', import.meta.url), 'utf8')) as {
    narratives: Record<string, { counterMessaging: { en: string[]; fr: string[] }; definition: { en: string; fr: string } }>;
  };
}
