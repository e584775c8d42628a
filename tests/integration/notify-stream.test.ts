/**
 * The live alert stream on real Redis and FerretDB: notifier → Redis pub/sub → the API's one subscriber → SSE
 * clients, each seeing only its missions; retry field and heartbeat; Last-Event-ID resume; shutdown closes
 * streams before the HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { JOBS, alertEventJobId, type AlertEventJob, type MissionCode, type NarrativeKey } from '@vigie/contracts';
import { createApiKey, dedupKeyFor, generateKey, recordEvidence } from '@vigie/db';
import { createLogger, createRedisConnection, createTypedQueue, type TypedQueue } from '@vigie/runtime';
import { loadConfig as loadApiConfig, startApi, type RunningApi } from '@vigie/api';
import { loadConfig as loadClassifierConfig } from '@vigie/classifier';
import { startNotifier, type Notifier } from '../../services/classifier/src/notifier.js';
import { eventually, openTestContext, serviceEnv, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
let api: RunningApi | undefined;
let notifier: Notifier;
let workerRedis: Redis;
let events: TypedQueue<typeof JOBS.alertEvent.schema>;
const keys: Record<string, string> = {};
const bootstrap = generateKey().key;
const logger = createLogger({ service: 'notify-stream-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const clients: SseClient[] = [];

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal SSE reader over fetch: frames, comments and the retry field, kept for assertions. */
interface SseClient {
  readonly status: number;
  readonly events: SseEvent[];
  readonly comments: string[];
  retry: number | null;
  ended: boolean;
  close(): void;
}

async function connect(key: string, headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(`${api!.url}/api/v1/stream${query}`, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const client: SseClient = { status: res.status, events: [], comments: [], retry: null, ended: false, close: () => abort.abort() };
  clients.push(client);
  if (!res.ok || !res.body) return client;
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
            else if (line.startsWith('retry: ')) client.retry = Number(line.slice(7));
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) event.data = line.slice(6);
          }
          if (event.data) client.events.push(event);
        }
      }
    } catch {
      // aborted by the test
    }
    client.ended = true;
  })();
  await eventually(async () => (client.retry !== null ? true : undefined), 'the stream preamble');
  return client;
}

const missionsSeen = (c: SseClient) => c.events.map((e) => (JSON.parse(e.data!) as { mission: string }).mission);

async function alertEvent(mission: MissionCode, narrative: NarrativeKey): Promise<AlertEventJob> {
  const itemId = new Types.ObjectId().toHexString();
  const result = await recordEvidence(ctx.models, {
    dedupKey: dedupKeyFor(mission, narrative),
    mission,
    narrative,
    severity: 'S3',
    item: { id: itemId, sourceId: new Types.ObjectId().toHexString(), title: narrative, url: null, language: 'fr', score: 0.9, stance: 'endorse' },
    seenAt: new Date(),
  });
  const event: AlertEventJob = { alertId: result.alertId, type: result.createdAlert ? 'created' : 'evidence', at: new Date().toISOString(), ref: itemId };
  await events.enqueue(event, { jobId: alertEventJobId(event) });
  return event;
}

beforeAll(async () => {
  ctx = await openTestContext('notifysse');
  const env = {
    ...serviceEnv(ctx),
    PORT: '0',
    VIGIE_BOOTSTRAP_ADMIN_KEY: bootstrap,
    SSE_HEARTBEAT_MS: '1000',
    SSE_RETRY_MS: '2500',
  };
  api = await startApi(loadApiConfig(env), logger);
  workerRedis = createRedisConnection(ctx.redisUrl, 'worker');
  await workerRedis.connect();
  notifier = await startNotifier(loadClassifierConfig(env), { models: ctx.models, redis: workerRedis, logger });
  events = createTypedQueue(JOBS.alertEvent, ctx.redis, ctx.queuePrefix, logger);
  keys.viewer = (await createApiKey(ctx.models, { name: 'hq viewer', role: 'viewer' })).key;
  keys.goma = (await createApiKey(ctx.models, { name: 'goma viewer', role: 'viewer', missions: ['MONUSCO'] })).key;
  keys.naqoura = (await createApiKey(ctx.models, { name: 'naqoura viewer', role: 'viewer', missions: ['UNIFIL'] })).key;
  keys.analyst = (await createApiKey(ctx.models, { name: 'goma analyst', role: 'analyst', missions: ['MONUSCO'] })).key;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await notifier?.closeWorkers();
  await notifier?.closeQueues();
  await workerRedis?.quit();
  await events?.close();
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await ctx?.close();
});

describe('GET /api/v1/stream', () => {
  it('needs a key, and streams each client only its missions', async () => {
    expect((await fetch(`${api!.url}/api/v1/stream`)).status).toBe(401);
    const hq = await connect(keys.viewer!);
    const goma = await connect(keys.goma!);
    const naqoura = await connect(keys.naqoura!);
    // A scoped key asking for another mission gets a stream with nothing in it.
    const sneaky = await connect(keys.goma!, {}, '?mission=UNIFIL');
    expect([hq.status, goma.status, naqoura.status, sneaky.status]).toEqual([200, 200, 200, 200]);
    expect(hq.retry).toBe(2500);

    // One at a time, each seen by the unscoped client before the next: every client receives in this order.
    const u1 = await alertEvent('UNIFIL', 'espionage');
    await eventually(async () => (hq.events.length === 1 ? true : undefined), 'first event');
    const m1 = await alertEvent('MONUSCO', 'collusion_armed_groups');
    await eventually(async () => (hq.events.length === 2 ? true : undefined), 'second event');
    const u2 = await alertEvent('UNIFIL', 'espionage');
    await eventually(async () => (hq.events.length === 3 && goma.events.length >= 1 && naqoura.events.length >= 2 ? true : undefined), 'all events');

    expect(missionsSeen(hq)).toEqual(['UNIFIL', 'MONUSCO', 'UNIFIL']);
    expect(missionsSeen(goma)).toEqual(['MONUSCO']);
    expect(missionsSeen(naqoura)).toEqual(['UNIFIL', 'UNIFIL']);
    expect(goma.events[0]).toMatchObject({ event: 'alert', id: expect.stringContaining(m1.alertId) });
    expect(JSON.parse(goma.events[0]!.data!)).toMatchObject({ alertId: m1.alertId, type: 'created', mission: 'MONUSCO', narrative: 'collusion_armed_groups', severity: 'S3', status: 'open', silenced: false });
    expect(JSON.parse(naqoura.events[1]!.data!)).toMatchObject({ alertId: u2.alertId, type: 'evidence' });
    expect(u1.alertId).toBe(u2.alertId);

    expect(sneaky.events).toEqual([]);

    // Resume: a reconnecting client gets what it missed after its Last-Event-ID, within its missions.
    const resumed = await connect(keys.viewer!, { 'last-event-id': hq.events[0]!.id! });
    await eventually(async () => (resumed.events.length === 2 ? true : undefined), 'replayed events');
    expect(resumed.events.map((e) => e.id)).toEqual([hq.events[1]!.id, hq.events[2]!.id]);
    const resumedGoma = await connect(keys.goma!, { 'last-event-id': hq.events[0]!.id! });
    await eventually(async () => (resumedGoma.events.length === 1 ? true : undefined), 'replayed scoped event');
    expect(missionsSeen(resumedGoma)).toEqual(['MONUSCO']);

    await eventually(async () => (hq.comments.includes('heartbeat') ? true : undefined), 'a heartbeat comment');

    // A lifecycle action through the API is an event too (hook in performAlertAction → notifier → stream).
    const ack = await fetch(`${api!.url}/api/v1/alerts/${m1.alertId}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.analyst!}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ack.status).toBe(200);
    await eventually(async () => (goma.events.length === 2 ? true : undefined), 'the acknowledgement streamed');
    expect(JSON.parse(goma.events[1]!.data!)).toMatchObject({ alertId: m1.alertId, type: 'transition', status: 'acknowledged' });
  });

  it('closes streams on shutdown before the HTTP server, without waiting for the hard timeout', async () => {
    const open = await connect(keys.viewer!);
    const started = Date.now();
    for (const step of api!.shutdownSteps) await step.run();
    api = undefined;
    await eventually(async () => (open.ended ? true : undefined), 'the stream ended by the server', 5_000);
    // server.close() would otherwise wait for every stream; the steps finished long before any timeout.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
