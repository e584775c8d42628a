import { ValidationError } from '@vigie/contracts';
import { describe, expect, it } from 'vitest';
import { isSilenced, normalizeTerm, parseSilence, type AlertContext, type Silence } from './silences.js';

const START = new Date('2026-03-01T00:00:00Z');
const END = new Date('2026-03-08T00:00:00Z');
const MID = new Date('2026-03-04T12:00:00Z');

function makeSilence(overrides: Partial<Silence> = {}): Silence {
  return {
    id: 's1',
    startsAt: START,
    endsAt: END,
    author: 'key-admin',
    reason: 'football chant season',
    missions: ['MONUSCO'],
    ...overrides,
  };
}

const alert: AlertContext = {
  mission: 'MONUSCO',
  narrative: 'expulsion_demand',
  sources: ['src-satire', 'src-fan-page'],
  terms: ['MONUSCO dégage', 'bye bye'],
};

describe('isSilenced', () => {
  it('is active from startsAt inclusive to endsAt exclusive', () => {
    const s = [makeSilence()];
    expect(isSilenced(alert, s, new Date(START.getTime() - 1))).toEqual([]);
    expect(isSilenced(alert, s, START)).toEqual(['s1']);
    expect(isSilenced(alert, s, MID)).toEqual(['s1']);
    expect(isSilenced(alert, s, END)).toEqual([]);
  });

  it('matches missions and narratives as any-of, combined with AND', () => {
    expect(isSilenced(alert, [makeSilence({ missions: ['MINUSCA', 'MONUSCO'] })], MID)).toEqual(['s1']);
    expect(isSilenced(alert, [makeSilence({ missions: ['MINUSCA'] })], MID)).toEqual([]);
    expect(
      isSilenced(alert, [makeSilence({ missions: undefined, narratives: ['expulsion_demand'] })], MID),
    ).toEqual(['s1']);
    expect(isSilenced(alert, [makeSilence({ narratives: ['false_flag'] })], MID)).toEqual([]);
  });

  it('matches sources only when every source behind the alert is silenced', () => {
    expect(
      isSilenced(alert, [makeSilence({ sources: ['src-satire', 'src-fan-page', 'other'] })], MID),
    ).toEqual(['s1']);
    // One unsilenced source keeps the notification.
    expect(isSilenced(alert, [makeSilence({ sources: ['src-satire'] })], MID)).toEqual([]);
    // Unknown sources: cannot prove the silence applies.
    expect(
      isSilenced(
        { mission: 'MONUSCO', narrative: 'expulsion_demand' },
        [makeSilence({ sources: ['src-satire'] })],
        MID,
      ),
    ).toEqual([]);
  });

  it('matches terms only when every term is silenced, ignoring case and accents', () => {
    expect(isSilenced(alert, [makeSilence({ terms: ['monusco degage', 'BYE BYE'] })], MID)).toEqual(['s1']);
    expect(isSilenced(alert, [makeSilence({ terms: ['monusco degage'] })], MID)).toEqual([]);
    expect(normalizeTerm('  Dégaaage\u00A0  ＭＯＮＵＳＣＯ ')).toBe('degaaage monusco');
  });

  it('returns every matching silence id, and none for an unrelated mission', () => {
    const silences = [
      makeSilence({ id: 'a' }),
      makeSilence({ id: 'b', missions: undefined, narratives: ['expulsion_demand'] }),
      makeSilence({ id: 'c', missions: ['UNIFIL'] }),
    ];
    expect(isSilenced(alert, silences, MID)).toEqual(['a', 'b']);
    expect(isSilenced({ ...alert, mission: 'UNMISS' }, silences, MID)).toEqual(['b']);
  });
});

describe('parseSilence', () => {
  const now = new Date('2026-02-28T00:00:00Z');
  const valid = {
    narratives: ['expulsion_demand'],
    startsAt: START.toISOString(),
    endsAt: END.toISOString(),
    author: 'key-admin',
    reason: 'known satire campaign',
  };

  it('parses a valid silence, coercing ISO dates', () => {
    const s = parseSilence(valid, 'sil-1', now);
    expect(s).toEqual({
      id: 'sil-1',
      narratives: ['expulsion_demand'],
      startsAt: START,
      endsAt: END,
      author: 'key-admin',
      reason: 'known satire campaign',
    });
  });

  const refused = (input: Record<string, unknown>) => {
    try {
      parseSilence(input, 'x', now);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    throw new Error('expected a ValidationError');
  };

  it('requires the end after the start', () => {
    expect(refused({ ...valid, endsAt: START.toISOString() })).toEqual(['endsAt: must be after startsAt']);
  });

  it('caps the duration at 90 days', () => {
    expect(refused({ ...valid, endsAt: new Date(START.getTime() + 91 * 86_400_000).toISOString() })).toEqual([
      'endsAt: a silence lasts at most 90 days',
    ]);
    expect(
      parseSilence({ ...valid, endsAt: new Date(START.getTime() + 90 * 86_400_000).toISOString() }, 'ok', now)
        .id,
    ).toBe('ok');
  });

  it('requires at least one matcher, and refuses empty matcher lists', () => {
    const { narratives: _n, ...noMatcher } = valid;
    expect(refused(noMatcher)).toEqual([
      'missions: at least one matcher (missions, narratives, sources, terms) is required',
    ]);
    expect(refused({ ...valid, terms: [] })[0]).toMatch(/^terms: /);
  });

  it('refuses unknown mission or narrative keys, a missing reason, and a silence already over', () => {
    const issues = refused({ ...valid, missions: ['NOPE'], reason: '' });
    expect(issues.some((i) => i.startsWith('missions.0: '))).toBe(true);
    expect(issues.some((i) => i.startsWith('reason: '))).toBe(true);
    expect(refused({ ...valid, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-02T00:00:00Z' })).toEqual([
      'endsAt: is in the past',
    ]);
  });
});
