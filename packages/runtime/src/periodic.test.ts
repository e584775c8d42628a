import { describe, expect, it } from 'vitest';
import { startPeriodicTask } from './periodic.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('startPeriodicTask', () => {
  it('runs once per kick, coalescing kicks that arrive during a run', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const task = startPeriodicTask(
      async () => {
        runs++;
        await new Promise<void>((r) => (release = r));
      },
      { intervalMs: null, onError: () => {} },
    );
    task.kick();
    task.kick();
    task.kick();
    await tick();
    expect(runs).toBe(1);
    release();
    await tick();
    await tick();
    // The kicks during the first run asked for exactly one more.
    expect(runs).toBe(2);
    release();
    await task.idle();
    expect(runs).toBe(2);
    await task.stop();
  });

  it('runs again at once while a run reports more work, and reports errors without stopping', async () => {
    const results = [{ more: true }, { more: true }, 'boom', { more: false }];
    const errors: unknown[] = [];
    let runs = 0;
    const task = startPeriodicTask(
      async () => {
        const r = results[runs++];
        if (r === 'boom') throw new Error('redis down');
        return r as { more: boolean };
      },
      { intervalMs: null, onError: (e) => errors.push(e) },
    );
    task.kick();
    await task.idle();
    // more, more, then the error ends the chain (no `more`): the next kick carries on.
    expect(runs).toBe(3);
    expect(String(errors[0])).toContain('redis down');
    task.kick();
    await task.idle();
    expect(runs).toBe(4);
    await task.stop();
  });

  it('runs on its interval and stops cleanly, ignoring kicks after stop', async () => {
    let runs = 0;
    const task = startPeriodicTask(async () => void runs++, { intervalMs: 5, onError: () => {} });
    const until = Date.now() + 5_000;
    while (runs < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(runs).toBeGreaterThanOrEqual(3);
    await task.stop();
    const after = runs;
    task.kick();
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toBe(after);
  });
});
