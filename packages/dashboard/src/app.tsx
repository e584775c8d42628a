import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient, describeError, signIn, type Session } from './api.js';
import { AlertDetail } from './alert.js';
import { Ctx, type AppContext, type Features } from './context.js';
import { labelOf, pickLocale, translator, type Locale, type MessageKey } from './i18n.js';
import { Queue } from './queue.js';
import { DigestsScreen, ItemsScreen, MomentsScreen, SourcesScreen, TrendsScreen } from './screens.js';
import { SilencesScreen, WebhooksScreen } from './admin.js';

const SESSION_KEY = 'vigie.session';
const LOCALE_KEY = 'vigie.locale';

function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function usePath(): [string, (p: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (p: string) => {
    if (p !== location.pathname) history.pushState(null, '', p);
    setPath(p);
    window.scrollTo(0, 0);
  };
  return [path, navigate];
}

function SignIn({ locale, onSignedIn, initialError }: { locale: Locale; onSignedIn: (s: Session) => void; initialError: string | null }) {
  const t = translator(locale);
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!key.trim()) return setError(t('signin.empty'));
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(key.trim()));
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>{t('signin.title')}</h1>
      <p>{t('signin.intro')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <label for="api-key">{t('signin.key')}</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" spellcheck={false} value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} aria-describedby={error ? 'signin-error' : undefined} aria-invalid={error ? true : undefined} />
        <button type="submit" disabled={busy}>
          {busy ? t('signin.checking') : t('signin.submit')}
        </button>
        {error && (
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

const NO_FEATURES: Features = { digests: false, silences: false, webhooks: false };

export function App() {
  const [locale, setLocale] = useState<Locale>(() => pickLocale(navigator.languages ?? [navigator.language], localStorage.getItem(LOCALE_KEY)));
  const [session, setSession] = useState<Session | null>(loadSession);
  const [expired, setExpired] = useState<string | null>(null);
  // What the server offers, found for one key: another user signing in on the same page must not see the previous
  // user's admin screens while their own check is still running.
  const [checked, setChecked] = useState<{ key: string; features: Features } | null>(null);
  const features: Features = checked && checked.key === session?.key ? checked.features : NO_FEATURES;
  const [path, navigate] = usePath();
  const t = useMemo(() => translator(locale), [locale]);

  // Before the browser paints the new language, so the page's declared language (read by screen readers and
  // hyphenation) never lags its text.
  useLayoutEffect(() => {
    document.documentElement.lang = locale;
    document.title = `${t('app.title')} — ${t('app.tagline')}`;
  }, [locale, t]);

  const signOut = (reason: string | null = null) => {
    sessionStorage.removeItem(SESSION_KEY);
    setSession(null);
    setExpired(reason);
    navigate('/');
  };
  const client = useMemo(() => (session ? new ApiClient(session.key, () => signOut(t('error.401'))) : null), [session?.key]);

  // Other parts of Vigie (digests, silences, webhooks) may not exist on this server yet: show only what answers.
  useEffect(() => {
    if (!client || !session) return;
    const admin = session.role === 'admin';
    void Promise.all([client.exists('/api/v1/digests?limit=1'), client.exists('/api/v1/silences'), admin ? client.exists('/api/v1/webhooks') : Promise.resolve(false)]).then(([digests, silences, webhooks]) =>
      setChecked({ key: session.key, features: { digests, silences: silences && admin, webhooks } }),
    );
  }, [client, session]);

  const switchLocale = () => {
    const next: Locale = locale === 'fr' ? 'en' : 'fr';
    localStorage.setItem(LOCALE_KEY, next);
    setLocale(next);
  };
  const langButton = (
    <button type="button" class="secondary lang" lang={locale === 'fr' ? 'en' : 'fr'} aria-label={t('lang.switchLabel')} onClick={switchLocale} data-testid="lang-switch">
      {t('lang.switch')}
    </button>
  );

  if (!session || !client) {
    return (
      <>
        <header class="top">
          <span class="brand">{t('app.title')}</span>
          <span class="tagline">{t('app.tagline')}</span>
          <span class="spacer" />
          {langButton}
        </header>
        <SignIn
          locale={locale}
          initialError={expired}
          onSignedIn={(s) => {
            sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
            setExpired(null);
            setSession(s);
            if (!path.startsWith('/app/')) navigate('/app/queue');
          }}
        />
      </>
    );
  }

  const ctx: AppContext = { t, locale, session, client, features, navigate };
  const nav: [string, MessageKey, boolean][] = [
    ['/app/queue', 'nav.queue', true],
    ['/app/items', 'nav.items', true],
    ['/app/trends', 'nav.trends', true],
    ['/app/moments', 'nav.moments', true],
    ['/app/digests', 'nav.digests', features.digests],
    ['/app/sources', 'nav.sources', true],
    ['/app/silences', 'nav.silences', features.silences],
    ['/app/webhooks', 'nav.webhooks', features.webhooks],
  ];
  const alertMatch = /^\/app\/alerts\/([a-f0-9]{24})$/.exec(path);
  let screen;
  if (alertMatch) screen = <AlertDetail key={alertMatch[1]} id={alertMatch[1]!} />;
  else if (path === '/app/items') screen = <ItemsScreen />;
  else if (path === '/app/trends') screen = <TrendsScreen />;
  else if (path === '/app/moments') screen = <MomentsScreen />;
  else if (path === '/app/digests') screen = <DigestsScreen />;
  else if (path === '/app/sources') screen = <SourcesScreen />;
  else if (path === '/app/silences') screen = <SilencesScreen />;
  else if (path === '/app/webhooks') screen = <WebhooksScreen />;
  else screen = <Queue />;

  return (
    <Ctx.Provider value={ctx}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{t('app.title')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {nav
              .filter(([, , shown]) => shown)
              .map(([href, label]) => (
                <li key={href}>
                  <a
                    href={href}
                    aria-current={path === href || (href === '/app/queue' && (path === '/' || alertMatch !== null)) ? 'page' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(href);
                    }}
                  >
                    {t(label)}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <span class="spacer" />
        <span class="who" title={t('signin.signedInAs', { name: session.name, role: labelOf(t, 'role', session.role) })}>
          {labelOf(t, 'role', session.role)}
        </span>
        {langButton}
        <button type="button" class="secondary" onClick={() => signOut()}>
          {t('signout')}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {screen}
      </main>
    </Ctx.Provider>
  );
}
