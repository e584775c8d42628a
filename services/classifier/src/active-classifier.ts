import { activeClassifierPointer, classifierPartsOf, findClassifierVersion, loadClassifierParts, type Models } from '@vigie/db';
import { buildVersionedClassifier, bundleFromParts, createClassifier, type Classifier } from '@vigie/nlp';
import type { Logger } from '@vigie/runtime';
import type { Redis } from 'ioredis';

/**
 * The classifier this process uses, swappable without a restart. The database's activation log says which version
 * is live; this holder follows it in two ways — a Redis pub/sub nudge on activation (fast) and a poll of the pointer
 * every `pollMs` (the fallback when a message is lost or Redis restarted) — and each time loads and fully validates
 * the new version *before* swapping. A version that cannot be loaded never replaces the working one.
 */
export interface ActiveClassifier {
  /** The classifier to use now; read it per item (it may change between two items). */
  readonly current: Classifier;
  /** Activation sequence number in use (null: the built-in version shipped with the code). */
  readonly seq: number | null;
  /** Check the pointer now and swap if it moved; resolves when done. Serialised: never two loads at once. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface ActiveClassifierOptions {
  readonly models: Models;
  readonly logger: Logger;
  /** A dedicated connection (it enters subscriber mode); null: polling only. */
  readonly subscriber: Redis | null;
  readonly channel: string;
  readonly pollMs: number;
  /** The built-in version (repo files); injectable for tests. */
  readonly builtin?: () => Classifier;
}

export async function startActiveClassifier(opts: ActiveClassifierOptions): Promise<ActiveClassifier> {
  const { models, logger } = opts;
  let current: Classifier = (opts.builtin ?? (() => createClassifier()))();
  let seq: number | null = null;
  // The last activation that failed to load: not retried on every poll, only when the pointer moves again.
  let failedSeq: number | null = null;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  async function check(): Promise<void> {
    const pointer = await activeClassifierPointer(models);
    if (!pointer || pointer.seq === seq || pointer.seq === failedSeq) return;
    const started = Date.now();
    try {
      const version = await findClassifierVersion(models, pointer.versionId);
      if (!version) throw new Error(`version ${pointer.versionId} is missing from classifier_versions`);
      const parts = await loadClassifierParts(models, classifierPartsOf(version));
      const next = buildVersionedClassifier(bundleFromParts(parts), version.label);
      const previous = current.version;
      current = next;
      seq = pointer.seq;
      failedSeq = null;
      logger.info({ classifierVersion: next.version, previous, activation: pointer.seq, loadMs: Date.now() - started }, 'classifier version swapped');
    } catch (error) {
      failedSeq = pointer.seq;
      logger.error(
        { err: error instanceof Error ? error.message : String(error), activation: pointer.seq, versionId: pointer.versionId, classifierVersion: current.version },
        'the newly activated classifier version cannot be loaded; still classifying with the previous one. Activate a working version (POST /api/v1/narratives/versions/:id/activate) or fix and save this one again',
      );
    }
  }

  const refresh = (): Promise<void> => {
    if (closed) return Promise.resolve();
    chain = chain.then(check).catch((error: unknown) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'classifier version check failed; will retry at the next poll'));
    return chain;
  };

  await refresh();
  logger.info({ classifierVersion: current.version, activation: seq }, 'classifier loaded');

  const timer = setInterval(() => void refresh(), opts.pollMs);
  timer.unref();
  if (opts.subscriber) {
    opts.subscriber.on('message', (channel) => {
      if (channel === opts.channel) void refresh();
    });
    await opts.subscriber.subscribe(opts.channel);
  }

  return {
    get current() {
      return current;
    },
    get seq() {
      return seq;
    },
    refresh,
    async close() {
      closed = true;
      clearInterval(timer);
      await chain;
      if (opts.subscriber) await opts.subscriber.quit().catch(() => opts.subscriber?.disconnect());
    },
  };
}
