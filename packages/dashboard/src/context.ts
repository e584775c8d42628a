import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient, Session } from './api.js';
import type { Locale, Translate } from './i18n.js';

export interface Features {
  digests: boolean;
  silences: boolean;
  webhooks: boolean;
}

export interface AppContext {
  t: Translate;
  locale: Locale;
  session: Session;
  client: ApiClient;
  features: Features;
  navigate: (path: string) => void;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const value = useContext(Ctx);
  if (!value) throw new Error('useApp outside the signed-in shell');
  return value;
}
