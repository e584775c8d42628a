import { describe, expect, it } from 'vitest';
import { MAX_CONSECUTIVE_FAILURES, nextHealth } from './source-health.js';

describe('nextHealth', () => {
  it('resets failures on success and on 304', () => {
    expect(nextHealth({ consecutiveFailures: 4 }, { kind: 'ok', status: 200, items: 12 })).toMatchObject({
      consecutiveFailures: 0,
      itemsLastFetch: 12,
      retry: 'none',
      disable: null,
    });
    expect(nextHealth({ consecutiveFailures: 4 }, { kind: 'not_modified' })).toMatchObject({ lastStatus: '304', consecutiveFailures: 0 });
  });

  it('disables a gone feed at once and says what to do', () => {
    const patch = nextHealth({ consecutiveFailures: 0 }, { kind: 'error', code: 'http_gone', message: 'HTTP 410' });
    expect(patch.disable).toMatch(/410/);
    expect(patch.retry).toBe('permanent');
  });

  it('retries transient errors and disables after persistent failure', () => {
    const once = nextHealth({ consecutiveFailures: 0 }, { kind: 'error', code: 'timeout', message: 'no answer in 20 s' });
    expect(once).toMatchObject({ retry: 'transient', disable: null, consecutiveFailures: 1 });
    const last = nextHealth({ consecutiveFailures: MAX_CONSECUTIVE_FAILURES - 1 }, { kind: 'error', code: 'timeout', message: 'x' });
    expect(last.disable).toMatch(/Failed 20 times/);
  });

  it('treats a parse error as permanent for this run', () => {
    expect(nextHealth({ consecutiveFailures: 0 }, { kind: 'error', code: 'parse_error', message: 'bad xml' }).retry).toBe('permanent');
  });
});
