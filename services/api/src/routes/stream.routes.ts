import { Router, type Express, type Response } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { StreamAlertEvent, alertEventsChannel, type MissionCode } from '@vigie/contracts';
import type { Logger } from '@vigie/runtime';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { missionsQuery } from './query.js';

/** Recent events kept per process for `Last-Event-ID` resume. */
const RESUME_BUFFER = 1_000;
/** A client this far behind (bytes buffered) is too slow to follow: it is disconnected and may resume. */
const MAX_BUFFERED_BYTES = 1_000_000;
const HUB_KEY = 'vigieStreamHub';

interface StreamClient {
  readonly missions: readonly MissionCode[] | null;
  readonly res: Response;
}

export interface StreamDeps {
  readonly redis: Redis;
  readonly config: {
    readonly redis: { readonly queuePrefix: string };
    readonly stream: { readonly heartbeatMs: number; readonly retryMs: number; readonly maxClients: number };
  };
  readonly logger: Logger;
}

function frame(event: StreamAlertEvent): string {
  return `id: ${event.id}\nevent: alert\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * One Redis subscriber connection per API process, opened with the first client, fanning each message out to the
 * clients whose missions it concerns. ioredis re-subscribes after a reconnect; events published while it was
 * away are not replayed (clients resume from the in-memory buffer only).
 */
class StreamHub {
  private readonly clients = new Set<StreamClient>();
  private readonly recent: StreamAlertEvent[] = [];
  private subscriber: Redis | null = null;
  private subscribed: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly deps: StreamDeps) {}

  get size(): number {
    return this.clients.size;
  }

  subscribe(): Promise<void> {
    if (this.subscribed) return this.subscribed;
    const channel = alertEventsChannel(this.deps.config.redis.queuePrefix);
    // The API's own connection fails fast (producer preset); a subscriber waits and retries instead.
    const sub = this.deps.redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: true });
    sub.on('error', (error) => this.deps.logger.warn({ err: error.message }, 'stream subscriber connection error'));
    sub.on('message', (ch: string, message: string) => {
      if (ch === channel) this.dispatch(message);
    });
    this.subscriber = sub;
    this.subscribed = sub
      .connect()
      .then(() => sub.subscribe(channel))
      .then(() => undefined)
      .catch((error: unknown) => {
        this.subscribed = null;
        this.subscriber = null;
        sub.disconnect();
        throw error;
      });
    return this.subscribed;
  }

  private dispatch(message: string): void {
    let event: StreamAlertEvent;
    try {
      event = StreamAlertEvent.parse(JSON.parse(message));
    } catch {
      this.deps.logger.warn('ignoring a malformed alert-stream message');
      return;
    }
    this.recent.push(event);
    if (this.recent.length > RESUME_BUFFER) this.recent.shift();
    for (const client of this.clients) this.send(client, event);
  }

  private send(client: StreamClient, event: StreamAlertEvent): void {
    if (client.missions && !client.missions.includes(event.mission)) return;
    if (client.res.writableLength > MAX_BUFFERED_BYTES) {
      client.res.end();
      return;
    }
    client.res.write(frame(event));
  }

  /** Sends the buffered events after `lastEventId` (if it is still buffered) to a reconnecting client. */
  replay(client: StreamClient, lastEventId: string): void {
    const index = this.recent.findIndex((e) => e.id === lastEventId);
    if (index < 0) return;
    for (const event of this.recent.slice(index + 1)) this.send(client, event);
  }

  add(client: StreamClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends every stream (clients reconnect elsewhere after `retry`), then drops the subscriber connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const client of this.clients) client.res.end();
    this.clients.clear();
    const sub = this.subscriber;
    this.subscriber = null;
    this.subscribed = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}

const streamQuery = z.object({ mission: missionsQuery }).strict();

/**
 * GET /api/v1/stream: Server-Sent Events of alert events (`event: alert`, `id:` = the event key, `data:` JSON),
 * filtered by the key's missions (and an optional `?mission=`). A `retry:` field on connect, a heartbeat comment
 * every SSE_HEARTBEAT_MS, `Last-Event-ID` resume from this process's recent buffer. The socket timeout is off
 * for these responses; the server's requestTimeout only bounds receiving the request, which is complete by then.
 */
export function streamRouter(app: Express, deps: StreamDeps): Router {
  const router = Router();
  const hub = new StreamHub(deps);
  app.locals[HUB_KEY] = hub;

  router.get('/', requireRole('viewer'), async (req, res) => {
    const q = streamQuery.parse(req.query);
    const missions = allowedMissions(req.principal!, q.mission);
    if (hub.isClosed || hub.size >= deps.config.stream.maxClients) {
      res.status(503).set('Retry-After', String(Math.ceil(deps.config.stream.retryMs / 1000))).type('application/problem+json').json({
        type: 'https://vigie.dev/problems/unavailable',
        title: 'Stream unavailable',
        status: 503,
        detail: 'This API process is not accepting more stream clients; retry shortly.',
        instance: req.originalUrl.split('?')[0],
      });
      return;
    }
    await hub.subscribe();
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${deps.config.stream.retryMs}\n: connected\n\n`);
    const client: StreamClient = { missions, res };
    const lastEventId = req.headers['last-event-id'];
    if (typeof lastEventId === 'string' && lastEventId.length <= 200) hub.replay(client, lastEventId);
    const remove = hub.add(client);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), deps.config.stream.heartbeatMs);
    heartbeat.unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      remove();
    });
  });

  return router;
}

/** Closes every SSE stream of `app` and its subscriber; the API's shutdown runs this before closing the server. */
export async function closeStreams(app: Express): Promise<void> {
  const hub = app.locals[HUB_KEY] as StreamHub | undefined;
  await hub?.close();
}
