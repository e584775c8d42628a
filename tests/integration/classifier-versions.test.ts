/**
 * The learning loop on real Redis and FerretDB: catalogue edits through the API become draft versions, activation
 * swaps the running classifier without a restart (pub/sub and, as fallback, polling), broken versions are refused
 * and never replace a working one, `vigie train --from-db` learns from stored triage labels, and re-classification
 * runs report progress, survive a killed worker and never duplicate alerts. Plus the role × scope matrix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { JOBS, type Classification } from '@vigie/contracts';
import {
  activateClassifierVersion,
  activeClassifierPointer,
  classifyJobId,
  createApiKey,
  createClassifierVersion,
  generateKey,
  getClassifierBlob,
  putClassifierBlob,
  setClassifierVersionFigures,
  storeClassifierParts,
  upsertItem,
} from '@vigie/db';
import { createLogger, createTypedQueue, type TypedQueue } from '@vigie/runtime';
import { loadConfig as loadApiConfig, startApi, type RunningApi } from '@vigie/api';
import { loadConfig, startClassifier, type RunningClassifier } from '@vigie/classifier';
import { DEFAULT_TRAIN_URL } from '@vigie/nlp';
import { runVigie } from '../support/cli.js';
import { eventually, openTestContext, serviceEnv, type TestContextHandles } from '../support/stack.js';

let ctx: TestContextHandles;
let api: RunningApi;
let classifier: RunningClassifier | null = null;
let classifyQueue: TypedQueue<typeof JOBS.classifyItem.schema>;
let sourceId: string;
const keys: Record<string, string> = {};
const bootstrap = generateKey().key;
const logger = createLogger({ service: 'versions-test', version: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const serviceMain = fileURLToPath(new URL('../../services/classifier/src/main.ts', import.meta.url));

function classifierEnv(): Record<string, string> {
  return {
    ...serviceEnv(ctx),
    NOTIFY_ENABLED: 'false',
    CLASSIFIER_VERSION_POLL_MS: '300',
    RECLASSIFY_BATCH_SIZE: '3',
    RECLASSIFY_PAUSE_MS: '300',
    RECLASSIFY_LOCK_MS: '1500',
  };
}

beforeAll(async () => {
  ctx = await openTestContext('versions');
  api = await startApi(
    loadApiConfig({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, MONGO_DB: ctx.dbName, QUEUE_PREFIX: ctx.queuePrefix, PORT: '0', LOG_LEVEL: 'silent', VIGIE_BOOTSTRAP_ADMIN_KEY: bootstrap }),
    logger,
  );
  keys.admin = bootstrap;
  keys.viewer = (await createApiKey(ctx.models, { name: 'viewer', role: 'viewer' })).key;
  keys.analyst = (await createApiKey(ctx.models, { name: 'analyst', role: 'analyst' })).key;
  keys.monuscoAdmin = (await createApiKey(ctx.models, { name: 'goma admin', role: 'admin', missions: ['MONUSCO'] })).key;
  classifier = await startClassifier(loadConfig(classifierEnv()), logger);
  classifyQueue = createTypedQueue(JOBS.classifyItem, ctx.redis, ctx.queuePrefix, logger);
  sourceId = String((await ctx.models.sources.create({ name: 'Radio test', kind: 'rss', url: 'https://radio.example/rss' }))._id);
}, 240_000);

afterAll(async () => {
  for (const step of classifier?.shutdownSteps ?? []) await step.run();
  for (const step of api?.shutdownSteps ?? []) await step.run();
  await classifyQueue?.close();
  await ctx?.close();
});

async function call(method: string, path: string, key: string | undefined, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${api.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let itemSeq = 0;
/** Stores an item and classifies it through the running classifier service (the classify-item queue). */
async function classifiedItem(text: string): Promise<{ itemId: string; classification: Classification }> {
  const at = new Date();
  const n = ++itemSeq;
  const { itemId } = await upsertItem(
    ctx.models,
    sourceId,
    { guid: `g${n}-${Date.now()}`, url: null, canonicalUrl: null, title: '', text, author: null, publishedAt: at, language: 'fr', languageConfidence: 1, media: [], contentHash: `h${n}`, simhash: null, warnings: [] },
    at,
  );
  await classifyQueue.enqueue({ itemId }, { jobId: classifyJobId(itemId, `h${n}`) });
  const item = await eventually(async () => (await ctx.models.items.findById(itemId).lean())?.classification ?? undefined, `classification of item ${n}`);
  return { itemId, classification: item as Classification };
}

const HARMFUL = [
  'La MONUSCO arme les rebelles du M23 à Goma, ils sont complices des massacres. Chassons-les !',
  'Les casques bleus de la MONUSCO livrent des armes aux ADF à Beni, complicité totale avec les groupes armés.',
  'MONUSCO dégage ! Ils collaborent avec le M23 et transportent leurs armes dans leurs camions blancs.',
];
const NEUTRAL = 'La MONUSCO a livré des médicaments à l’hôpital de Goma ce matin, selon un communiqué.';

describe('blob storage on FerretDB', () => {
  it('stores a part in several chunks, reads it back whole, and refuses a damaged copy', async () => {
    const json = JSON.stringify({ words: Array.from({ length: 3000 }, (_, i) => `mot-${i}-${(i * 7919) % 10007}`) });
    const hash = await putClassifierBlob(ctx.models, json, 1024);
    const chunks = await ctx.models.classifierBlobs.countDocuments({ hash });
    expect(chunks).toBeGreaterThan(3);
    expect(await putClassifierBlob(ctx.models, json, 1024)).toBe(hash);
    expect(await ctx.models.classifierBlobs.countDocuments({ hash })).toBe(chunks);
    expect(await getClassifierBlob(ctx.models, hash)).toBe(json);
    await ctx.models.classifierBlobs.deleteOne({ _id: `${hash}.1` });
    await expect(getClassifierBlob(ctx.models, hash)).rejects.toThrow(/incomplete/);
    // A half-written part is completed by the next write of the same content.
    await putClassifierBlob(ctx.models, json, 1024);
    expect(await getClassifierBlob(ctx.models, hash)).toBe(json);
  });
});

describe('roles and scope', () => {
  it('only unscoped admins edit and activate; scoped admins re-classify inside their missions only', async () => {
    const change = { changes: [{ op: 'addTerm', narrative: 'espionage', lang: 'fr', text: 'vigie matrice roles', weight: 1 }] };
    expect((await call('POST', '/api/v1/narratives/versions', undefined, change)).status).toBe(401);
    expect((await call('POST', '/api/v1/narratives/versions', keys.viewer, change)).status).toBe(403);
    expect((await call('POST', '/api/v1/narratives/versions', keys.analyst, change)).status).toBe(403);
    const scoped = await call('POST', '/api/v1/narratives/versions', keys.monuscoAdmin, change);
    expect(scoped.status).toBe(403);
    expect(scoped.body.detail).toMatch(/limited to MONUSCO.*without a mission scope/);
    const created = await call('POST', '/api/v1/narratives/versions', keys.admin, change);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (const key of [keys.viewer, keys.analyst, keys.monuscoAdmin]) expect((await call('POST', `/api/v1/narratives/versions/${id}/activate`, key, {})).status).toBe(403);
    // Reading is for everyone.
    expect((await call('GET', '/api/v1/narratives/versions', keys.viewer)).body.data.some((v: { id: string }) => v.id === id)).toBe(true);
    expect((await call('GET', `/api/v1/narratives/versions/${id}`, keys.viewer)).body).toMatchObject({ id, status: 'draft', source: 'edit', author: 'bootstrap admin' });
    expect((await call('GET', '/api/v1/narratives/terms/precision', keys.viewer)).status).toBe(200);
    // Re-classification.
    expect((await call('POST', '/api/v1/classifier/reclassify', keys.analyst, {})).status).toBe(403);
    expect((await call('POST', '/api/v1/classifier/reclassify', keys.monuscoAdmin, {})).status).toBe(403);
    expect((await call('POST', '/api/v1/classifier/reclassify', keys.monuscoAdmin, { missions: ['UNIFIL'] })).status).toBe(403);
    const run = await call('POST', '/api/v1/classifier/reclassify', keys.monuscoAdmin, { missions: ['MONUSCO'], since: '2099-01-01' });
    expect(run.status).toBe(202);
    expect((await call('GET', `/api/v1/classifier/reclassify/${run.body.id}`, keys.monuscoAdmin)).status).toBe(200);
    const global = await call('POST', '/api/v1/classifier/reclassify', keys.admin, { since: '2099-01-01' });
    expect((await call('GET', `/api/v1/classifier/reclassify/${global.body.id}`, keys.monuscoAdmin)).status).toBe(404);
    expect((await call('GET', `/api/v1/classifier/reclassify/${global.body.id}`, keys.viewer)).status).toBe(403);
  });

  it('refuses hostile catalogue edits field by field (400 problem+json), nothing stored', async () => {
    const before = await ctx.models.classifierVersions.countDocuments();
    const cases: [unknown, string][] = [
      [{ changes: [{ op: 'addTerm', narrative: 'espionage', lang: 'fr', text: 'x'.repeat(50_000), weight: 1 }] }, 'changes.0.text'],
      [{ changes: [{ op: 'addTerm', narrative: 'espionage', lang: 'fr', text: '<img src=x onerror=alert(1)>', weight: 1 }] }, 'changes.0.text'],
      [{ changes: [{ op: 'addTerm', narrative: 'espionage', lang: 'fr', text: 'ok', weight: 1, $where: 'sleep(100)' }] }, 'changes.0'],
      [{ changes: [{ op: 'addTerm', narrative: { $ne: null }, lang: 'fr', text: 'ok', weight: 1 }] }, 'changes.0.narrative'],
      [{ changes: [{ op: 'removeTerm', narrative: 'espionage', lang: 'fr', text: 'no such term at all' }] }, 'changes.0.text'],
      [{ changes: [{ op: 'setCounterMessaging', narrative: 'espionage', lang: 'fr', lines: [] }] }, 'changes.0.lines'],
      [{ changes: [] }, 'changes'],
      [{ base: { $gt: '' }, changes: [{ op: 'setDefinition', narrative: 'espionage', lang: 'en', text: 'A long enough definition.' }] }, 'base'],
    ];
    for (const [body, path] of cases) {
      const res = await call('POST', '/api/v1/narratives/versions', keys.admin, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(res.body.errors)).toContain(path);
    }
    // Regex- and operator-looking text is stored as a literal term, and matches only literally.
    const literal = await call('POST', '/api/v1/narratives/versions', keys.admin, { changes: [{ op: 'addTerm', narrative: 'espionage', lang: 'en', text: '.* $where', weight: 1 }] });
    expect(literal.status).toBe(201);
    expect(await ctx.models.classifierVersions.countDocuments()).toBe(before + 1);
  });
});

describe('edit → draft → activate → hot-swap', () => {
  let editedLabel = '';
  let editedId = '';

  it('a running worker picks up an activated edit without restart, and new results carry the new version', async () => {
    const builtinLabel = classifier!.activeClassifier.current.version;
    const before = await classifiedItem('La MONUSCO fait du zorglubisme à Goma selon des sources.');
    expect(before.classification.classifierVersion).toBe(builtinLabel);
    expect(before.classification.explanation.matchedTerms.some((t) => t.term === 'zorglubisme')).toBe(false);

    const draft = await call('POST', '/api/v1/narratives/versions', keys.admin, {
      notes: 'Nouveau terme attesté à Goma',
      changes: [
        { op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'fr', text: 'zorglubisme', weight: 1.5, status: 'attested', validated: true },
        { op: 'setCounterMessaging', narrative: 'collusion_armed_groups', lang: 'fr', lines: ['La MONUSCO ne soutient aucun groupe armé : elle protège les civils.'] },
      ],
    });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', source: 'edit', changes: [expect.stringContaining('zorglubisme'), expect.stringContaining('counter-messaging')] });
    editedId = draft.body.id;
    editedLabel = draft.body.label;
    expect(editedLabel).toMatch(/^\d{4}\.\d{1,2}\.\d+\+db\.[a-f0-9]{12}$/);
    // Saving the same content again gives the same version.
    const parentId = draft.body.parentId as string;
    const again = await call('POST', '/api/v1/narratives/versions', keys.admin, {
      base: parentId,
      changes: [
        { op: 'addTerm', narrative: 'collusion_armed_groups', lang: 'fr', text: 'zorglubisme', weight: 1.5, status: 'attested', validated: true },
        { op: 'setCounterMessaging', narrative: 'collusion_armed_groups', lang: 'fr', lines: ['La MONUSCO ne soutient aucun groupe armé : elle protège les civils.'] },
      ],
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(editedId);

    const activated = await call('POST', `/api/v1/narratives/versions/${editedId}/activate`, keys.admin, {});
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    expect(activated.body).toMatchObject({ forced: false, problems: [], version: { id: editedId, status: 'active' } });
    expect(activated.body.figures.harmfulF1).toBeGreaterThan(0.5);
    expect(activated.body.previous.figures.harmfulF1).toBeGreaterThan(0.5);

    await eventually(async () => (classifier!.activeClassifier.current.version === editedLabel ? true : undefined), 'the worker to swap to the activated version', 20_000);
    const after = await classifiedItem('La MONUSCO fait du zorglubisme à Goma selon des sources proches.');
    expect(after.classification.classifierVersion).toBe(editedLabel);
    expect(after.classification.explanation.matchedTerms.some((t) => t.term === 'zorglubisme')).toBe(true);

    const catalogue = await call('GET', '/api/v1/narratives/collusion_armed_groups', keys.viewer);
    expect(catalogue.body.classifierVersion).toBe(editedLabel);
    expect(catalogue.body.counterMessaging.fr).toEqual(['La MONUSCO ne soutient aucun groupe armé : elle protège les civils.']);
    expect(catalogue.body.terms.some((t: { text: string }) => t.text === 'zorglubisme')).toBe(true);
    const list = await call('GET', '/api/v1/narratives/versions', keys.viewer);
    expect(list.body.active).toMatchObject({ label: editedLabel, versionId: editedId, builtin: false });
    expect(list.body.data.find((v: { id: string }) => v.id === parentId)).toMatchObject({ source: 'builtin', status: 'draft' });
    const audit = await ctx.models.audit.find({ action: { $in: ['classifier.version.create', 'classifier.version.activate'] } }).lean();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['classifier.version.create', 'classifier.version.activate']));
    expect((await call('POST', `/api/v1/narratives/versions/${editedId}/activate`, keys.admin, {})).status).toBe(409);
  });

  it('refuses a version that cannot load, and a worker never swaps to one activated behind the API’s back', async () => {
    const good = editedLabel;
    const { classifierVersions } = ctx.models;
    const parts = await storeClassifierParts(ctx.models, { catalogue: JSON.stringify({ version: '2026.11.99', narratives: {} }), model: JSON.stringify({ format: 'nope' }), hateModel: null });
    const broken = await createClassifierVersion(ctx.models, { hash: 'f'.repeat(64), label: '2026.11.99+db.broken', catalogueVersion: '2026.11.99', parts, source: 'edit', author: 'test', at: new Date() });
    const id = String(broken.version._id);
    const refused = await call('POST', `/api/v1/narratives/versions/${id}/activate`, keys.admin, { force: true, reason: 'testing a broken version' });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/cannot be loaded.*not activated/);
    expect((await activeClassifierPointer(ctx.models))?.versionId).toBe(editedId);

    // Straight into the activation log (a script, a bug): the worker logs an error and keeps the working version.
    const pointer = await activeClassifierPointer(ctx.models);
    await activateClassifierVersion(ctx.models, { versionId: id, by: 'test', expectedSeq: pointer!.seq, at: new Date() });
    await classifier!.activeClassifier.refresh();
    expect(classifier!.activeClassifier.current.version).toBe(good);
    const still = await classifiedItem('Les casques bleus font du zorglubisme encore.');
    expect(still.classification.classifierVersion).toBe(good);

    // The polling fallback: an activation without any pub/sub message is picked up within the poll interval.
    await activateClassifierVersion(ctx.models, { versionId: editedId, by: 'test', expectedSeq: pointer!.seq + 1, at: new Date() });
    const seq = pointer!.seq + 2;
    await eventually(async () => (classifier!.activeClassifier.seq === seq ? true : undefined), 'the poll to follow the pointer', 10_000);
    expect(classifier!.activeClassifier.current.version).toBe(good);
    expect(await classifierVersions.countDocuments({ _id: broken.version._id })).toBe(1);
  });

  it('refuses an activation whose dev figures drop too far unless forced with a reason, recorded in the audit log', async () => {
    const draft = await call('POST', '/api/v1/narratives/versions', keys.admin, { changes: [{ op: 'setDefinition', narrative: 'espionage', lang: 'en', text: 'Claims that the mission spies for foreign powers (edited).' }] });
    expect(draft.status).toBe(201);
    // Figures as a bad retrain would have them (stored with the version, as `train --from-db` does).
    await setClassifierVersionFigures(ctx.models, draft.body.id, { harmfulF1: 0.41, harmfulPrecision: 0.5, harmfulRecall: 0.35, s1Recall: 0.5, narrativeMacroF1: 0.3, falseAlarmRate: 0.2, n: 503 });
    const refused = await call('POST', `/api/v1/narratives/versions/${draft.body.id}/activate`, keys.admin, {});
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/harmful F1 drops from .* to 0\.41/);
    expect(refused.body.detail).toMatch(/S1 recall drops/);
    expect((await call('POST', `/api/v1/narratives/versions/${draft.body.id}/activate`, keys.admin, { force: true })).body.errors[0].path).toBe('reason');
    const forced = await call('POST', `/api/v1/narratives/versions/${draft.body.id}/activate`, keys.admin, { force: true, reason: 'Definition fix only; figures are stale' });
    expect(forced.status).toBe(200);
    expect(forced.body.forced).toBe(true);
    const entry = await ctx.models.audit.findOne({ action: 'classifier.version.activate.forced' }).lean();
    expect(entry?.reason).toBe('Definition fix only; figures are stale');
    // Back to the edited version for the following tests.
    const back = await call('POST', `/api/v1/narratives/versions/${editedId}/activate`, keys.admin, {});
    expect(back.status).toBe(200);
    await eventually(async () => (classifier!.activeClassifier.current.version === editedLabel ? true : undefined), 'the swap back');
  });
});

describe('learning from triage', () => {
  // Trains on every fifth line of the base set (four shuffles per head): this tests the learning loop, not the full
  // training. The whole set took 77 s in CI at 3,140 items and more than 300 s at 7,764 on a slow VM.
  it('train --from-db learns from stored labels, reports dev figures next to the active version, stores a draft; terms precision lists the terms', async () => {
    const baseSample = join(mkdtempSync(join(tmpdir(), 'vigie-train-')), 'train-sample.jsonl');
    const baseLines = readFileSync(DEFAULT_TRAIN_URL, 'utf8').split('\n').filter((l) => l.trim());
    const sample = baseLines.filter((_, i) => i % 5 === 0);
    writeFileSync(baseSample, sample.join('\n') + '\n');
    const labelled = [];
    for (const text of [...HARMFUL, NEUTRAL]) labelled.push(await classifiedItem(text));
    const at = new Date();
    for (const [i, { itemId }] of labelled.entries()) {
      await ctx.models.labels.create({ itemId, verdict: i < 2 ? 'true_positive' : 'false_positive', narrative: i < 2 ? 'collusion_armed_groups' : i === 2 ? 'failure_to_protect' : null, actorKeyId: 'k1', via: i < 2 ? 'feedback' : 'dismiss', at });
    }
    const res = await runVigie(ctx, 'train', '--from-db', '--no-tune', '--train', baseSample, '--notes', 'integration test');
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout.trim().split('\n').pop()!) as { versionId: string; label: string; figures: { harmfulF1: number }; active: { label: string }; trainedOn: { triageExamples: number } };
    expect(summary.trainedOn.triageExamples).toBe(4);
    expect(summary.active.label).toBe(classifier!.activeClassifier.current.version);
    expect(summary.figures.harmfulF1).toBeGreaterThan(0.5);
    expect(res.stderr).toContain('| version | harmful P');
    expect(res.stderr).toContain('(active)');
    const stored = await ctx.models.classifierVersions.findById(summary.versionId).lean();
    expect(stored).toMatchObject({ source: 'train', label: summary.label, notes: 'integration test', trainedOn: expect.objectContaining({ baseExamples: sample.length, triageExamples: 4, truePositives: 2, falsePositives: 2 }) });
    expect((stored?.figures as { harmfulF1: number }).harmfulF1).toBe(summary.figures.harmfulF1);
    expect(String(stored?.parentId)).toBe((await activeClassifierPointer(ctx.models))!.versionId);

    const terms = await runVigie(ctx, 'terms', 'precision', '--json');
    expect(terms.code, terms.stderr).toBe(0);
    const report = JSON.parse(terms.stdout) as { decisions: number; data: { term: string; truePositives: number; falsePositives: number }[] };
    expect(report.decisions).toBe(4);
    expect(report.data.length).toBeGreaterThan(0);
    const api = await call('GET', '/api/v1/narratives/terms/precision', keys.viewer);
    expect(api.body.data.slice(0, report.data.length)).toEqual(report.data);
  }, 300_000);
});

describe('re-classification', () => {
  it('walks every matching item in batches with progress; a re-run changes nothing and duplicates no alert', async () => {
    for (const text of HARMFUL) await classifiedItem(`${text} Encore.`);
    const total = await ctx.models.items.countDocuments();
    const runOnce = async () => {
      const started = await call('POST', '/api/v1/classifier/reclassify', keys.admin, {});
      expect(started.status).toBe(202);
      const runId = started.body.id as string;
      const run = await eventually(async () => {
        const r = await call('GET', `/api/v1/classifier/reclassify/${runId}`, keys.admin);
        return r.body.status === 'completed' ? r.body : undefined;
      }, 'the run to complete', 60_000);
      return { runId, run };
    };
    const first = await runOnce();
    expect(first.run).toMatchObject({ total, done: total, errors: 0 });
    expect(first.run.versions).toEqual([classifier!.activeClassifier.current.version]);
    expect(await ctx.models.items.countDocuments({ 'classification.classifierVersion': classifier!.activeClassifier.current.version })).toBe(total);
    const alertsBefore = await ctx.models.alerts.countDocuments();
    const evidenceBefore = await ctx.models.alertItems.countDocuments();
    expect(alertsBefore).toBeGreaterThan(0);

    const second = await runOnce();
    expect(second.run).toMatchObject({ total, done: total, changed: 0, errors: 0 });
    const queue = new Queue(JOBS.reclassifyItems.queue, { connection: ctx.redis, prefix: ctx.queuePrefix });
    const job = await queue.getJob(`reclassify-${second.runId}`);
    await queue.close();
    expect(job?.progress).toMatchObject({ total, done: total, changed: 0, errors: 0 });
    expect(await ctx.models.alerts.countDocuments()).toBe(alertsBefore);
    expect(await ctx.models.alertItems.countDocuments()).toBe(evidenceBefore);
  }, 120_000);

  it('resumes from the saved cursor after its worker is killed, counting each item once and duplicating no alert', async () => {
    // Older results: activate the built-in parent again so every item is "classified by an older version".
    const builtin = await ctx.models.classifierVersions.findOne({ source: 'builtin' }).lean();
    const back = await call('POST', `/api/v1/narratives/versions/${String(builtin!._id)}/activate`, keys.admin, { force: true, reason: 'exercise re-classification' });
    expect(back.status).toBe(200);
    const newLabel = builtin!.label;
    // Only the child process must take the job: stop the in-process service first.
    for (const step of classifier!.shutdownSteps) await step.run();
    classifier = null;
    const total = await ctx.models.items.countDocuments({ 'classification.classifierVersion': { $ne: newLabel } });
    expect(total).toBeGreaterThan(6);
    const alertsBefore = await ctx.models.alerts.countDocuments();
    const evidenceBefore = await ctx.models.alertItems.countDocuments();

    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', serviceMain], { env: { ...process.env, ...classifierEnv() }, stdio: 'ignore' });
    try {
      const started = await call('POST', '/api/v1/classifier/reclassify', keys.admin, { olderOnly: true });
      const runId = started.body.id as string;
      const partial = await eventually(async () => {
        const r = await ctx.models.reclassifyRuns.findById(runId).lean();
        return r && r.done > 0 && r.done < r.total ? r : undefined;
      }, 'the child worker to save a first batch', 90_000);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(partial.status).toBe('running');

      classifier = await startClassifier(loadConfig(classifierEnv()), logger);
      const run = await eventually(async () => {
        const r = await ctx.models.reclassifyRuns.findById(runId).lean();
        return r?.status === 'completed' ? r : undefined;
      }, 'the run to resume and complete', 90_000);
      expect(run.total).toBe(total);
      expect(run.done).toBe(total);
      expect(run.failedItems).toBe(0);
      expect(String(run.cursor)).toBe(String((await ctx.models.items.find({}, { _id: 1 }).sort({ _id: -1 }).limit(1).lean())[0]!._id));
      expect(await ctx.models.items.countDocuments({ 'classification.classifierVersion': { $ne: newLabel } })).toBe(0);
      expect(await ctx.models.alerts.countDocuments()).toBe(alertsBefore);
      expect(await ctx.models.alertItems.countDocuments()).toBe(evidenceBefore);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 240_000);

  it('vigie reclassify starts a run and follows it to the end (the bar draws on a terminal only); bad options exit 2', async () => {
    const bad = await runVigie(ctx, 'reclassify', '--mission', 'ATLANTIS', '--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--mission must be one of/);
    expect(bad.stderr).toMatch(/--since must be an ISO-8601 date/);
    const total = await ctx.models.items.countDocuments({ missions: 'MONUSCO' });
    const res = await runVigie(ctx, 'reclassify', '--mission', 'MONUSCO');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/re-classification run [a-f0-9]{24} queued/);
    expect(JSON.parse(res.stdout.trim())).toMatchObject({ status: 'completed', total, done: total, errors: 0 });
  }, 120_000);
});
