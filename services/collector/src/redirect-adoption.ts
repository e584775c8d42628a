/**
 * Permanent redirects (301/308) are recorded, and the source URL is switched only after the same target has been
 * seen on {@link ADOPT_AFTER} fetches in a row: one misconfigured deploy must not move a source for good.
 */
export const ADOPT_AFTER = 3;

export interface RedirectState {
  readonly redirectTo: string | null;
  readonly count: number;
}

export interface RedirectDecision extends RedirectState {
  /** The new source URL when the redirect is adopted now, else null (the state is then reset). */
  readonly adopt: string | null;
}

/**
 * @param observed where this fetch's permanent redirects led, or undefined when it was not redirected
 *   permanently (a direct 200, or a temporary redirect in the chain).
 */
export function nextRedirectState(previous: RedirectState, observed: string | undefined, currentUrl: string, adoptAfter = ADOPT_AFTER): RedirectDecision {
  if (!observed || observed === currentUrl) return { redirectTo: null, count: 0, adopt: null };
  const count = previous.redirectTo === observed ? previous.count + 1 : 1;
  if (count >= adoptAfter) return { redirectTo: null, count: 0, adopt: observed };
  return { redirectTo: observed, count, adopt: null };
}
