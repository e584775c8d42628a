import { describe, expect, it } from 'vitest';
import { ApiError, describeError, fieldErrorsOf } from './api.js';
import { isoToLocalInput, localInputToIso, splitTerms } from './forms.js';
import { translator } from './i18n.js';
import { MOMENT_KINDS, WEBHOOK_EVENTS } from './admin.js';
import { CATALOGUES } from './i18n.js';

describe('admin form helpers', () => {
  it('turns the API’s problem+json errors into one message per form field', () => {
    const error = new ApiError(400, 'Some fields are missing or invalid; see `errors` for each one.', 'Invalid request', [
      { path: 'endsAt', message: 'is in the past' },
      { path: 'events.0', message: 'Invalid option' },
      { path: 'events.1', message: 'Invalid option' },
    ]);
    expect(fieldErrorsOf(error)).toEqual({ endsAt: 'is in the past', events: 'Invalid option; Invalid option' });
    expect(fieldErrorsOf(new Error('x'))).toEqual({});
    expect(describeError(error, translator('fr'))).toBe('Some fields are missing or invalid; see `errors` for each one.');
  });

  it('converts datetime-local values (user’s time zone) to ISO and back', () => {
    const iso = localInputToIso('2026-12-01T08:30')!;
    expect(new Date(iso).getTime()).toBe(new Date(2026, 11, 1, 8, 30).getTime());
    expect(isoToLocalInput(iso)).toBe('2026-12-01T08:30');
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('not a date')).toBe('not a date'); // the API explains what is wrong
  });

  it('splits terms on commas and new lines, dropping blanks', () => {
    expect(splitTerms(' chassez , dégage\nbase,, ')).toEqual(['chassez', 'dégage', 'base']);
    expect(splitTerms('')).toEqual([]);
  });

  it('has a label in both languages for every moment kind and webhook event', () => {
    for (const k of MOMENT_KINDS) for (const lang of ['en', 'fr'] as const) expect(CATALOGUES[lang][`moments.kind.${k}` as keyof (typeof CATALOGUES)['en']], k).toBeTruthy();
    for (const e of WEBHOOK_EVENTS) for (const lang of ['en', 'fr'] as const) expect(CATALOGUES[lang][`webhooks.event.${e}` as keyof (typeof CATALOGUES)['en']], e).toBeTruthy();
  });
});
