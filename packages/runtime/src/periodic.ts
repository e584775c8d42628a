/** A background task that runs on a timer and on demand, one run at a time. */
export interface PeriodicTask {
  /** Asks for a run as soon as possible (coalesced: kicks during a run cause one more run, not one each). */
  kick(): void;
  /** Resolves once no run is in progress or asked for (tests, and shutdown's last drain). */
  idle(): Promise<void>;
  /** Stops the timer and waits for the run in progress; kicks after this are ignored. */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions {
  /** Pause between runs when nothing asks for one; null = runs only when kicked. */
  readonly intervalMs: number | null;
  /** A run that throws is reported here; the task carries on with the next run. */
  readonly onError: (error: unknown) => void;
}

/**
 * Runs `run` after each kick and every `intervalMs`, never two at once. A run that reports `more` (a full batch)
 * is followed by another at once. The timer is unref'd: it never keeps a process alive on its own. Used for the
 * alert-event outbox relay, which must keep working while Redis is down — hence a plain timer, not a BullMQ
 * job scheduler.
 */
export function startPeriodicTask(run: () => Promise<{ readonly more?: boolean } | void>, options: PeriodicTaskOptions): PeriodicTask {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let idleWaiters: (() => void)[] = [];

  const schedule = () => {
    if (stopped || options.intervalMs === null) return;
    timer = setTimeout(start, options.intervalMs);
    timer.unref();
  };
  function start(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    again = false;
    running = (async () => {
      let more = false;
      try {
        more = Boolean((await run())?.more);
      } catch (error) {
        options.onError(error);
      }
      running = null;
      if (!stopped && (more || again)) {
        setImmediate(start);
        return;
      }
      schedule();
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    })();
  }

  schedule();
  return {
    kick: start,
    idle: () => (running || again ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve()),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    },
  };
}
