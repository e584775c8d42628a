import { describe, expect, it } from 'vitest';
import { nextRedirectState } from './redirect-adoption.js';

const OLD = 'https://old.example/feed';
const NEW = 'https://new.example/feed.xml';

describe('nextRedirectState', () => {
  it('adopts a permanent redirect only on its third sighting in a row', () => {
    let state = nextRedirectState({ redirectTo: null, count: 0 }, NEW, OLD);
    expect(state).toEqual({ redirectTo: NEW, count: 1, adopt: null });
    state = nextRedirectState(state, NEW, OLD);
    expect(state).toEqual({ redirectTo: NEW, count: 2, adopt: null });
    expect(nextRedirectState(state, NEW, OLD)).toEqual({ redirectTo: null, count: 0, adopt: NEW });
  });

  it('starts over when the target changes or a fetch is not redirected', () => {
    const seen = { redirectTo: NEW, count: 2 };
    expect(nextRedirectState(seen, 'https://other.example/rss', OLD)).toEqual({ redirectTo: 'https://other.example/rss', count: 1, adopt: null });
    expect(nextRedirectState(seen, undefined, OLD)).toEqual({ redirectTo: null, count: 0, adopt: null });
    expect(nextRedirectState(seen, OLD, OLD)).toEqual({ redirectTo: null, count: 0, adopt: null });
  });

  it('honours a custom threshold', () => {
    expect(nextRedirectState({ redirectTo: null, count: 0 }, NEW, OLD, 1).adopt).toBe(NEW);
  });
});
