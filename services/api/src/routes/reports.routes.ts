import { Router, type Response } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { ForbiddenError, MissionCode, NotFoundError, ValidationError, isoWeekKey } from '@vigie/contracts';
import { momentWindow } from '@vigie/alerting';
import { ALL_MISSIONS, loadBriefData, loadDigestData, loadPrebunkData, storeDigest, type Models } from '@vigie/db';
import { loadCatalogue } from '@vigie/nlp';
import {
  buildBrief,
  buildDigest,
  buildPrebunkBrief,
  digestToJson,
  isoWeekStart,
  previousIsoWeek,
  renderBriefHtml,
  renderBriefMarkdown,
  renderDigestHtml,
  renderDigestMarkdown,
  renderPrebunkHtml,
  renderPrebunkMarkdown,
  weeksEndingWith,
  type NarrativeInfo,
} from '@vigie/reports';
import { allowedMissions, requireRole } from '../middleware/auth.js';
import { auditWrite } from '../middleware/audit.js';
import { objectId } from './query.js';

const Lang = z.enum(['en', 'fr']);
export const IsoWeek = z
  .string()
  .max(8)
  .regex(/^\d{4}-W\d{2}$/, 'must be an ISO week, e.g. 2026-W48')
  .refine((w) => isoWeekStart(w) !== null, 'this ISO week does not exist');

export const BriefQuery = z
  .object({
    format: z.enum(['html', 'md', 'json']).default('html'),
    lang: Lang.default('en'),
    /** 0 shows the HTML inline (dashboard preview); the default asks the browser to download. */
    download: z.enum(['0', '1']).default('1'),
  })
  .strict();

export const DigestCreateBody = z
  .object({
    /** Omit for the overall digest (keys limited to some missions must name one of them). */
    mission: MissionCode.optional(),
    /** Default: the last complete ISO week. */
    week: IsoWeek.optional(),
    /** Default: both languages. */
    lang: Lang.optional(),
  })
  .strict();

export const DigestListQuery = z
  .object({ mission: z.union([MissionCode, z.literal(ALL_MISSIONS)]).optional(), week: IsoWeek.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();

export const DigestGetQuery = z.object({ format: z.enum(['html', 'md', 'json']).default('html'), download: z.enum(['0', '1']).default('0') }).strict();

export const DigestSummaryDto = z.object({ id: z.string(), mission: z.string(), week: z.string(), lang: Lang, generatedAt: z.string(), generatedBy: z.string() });

const CONTENT_TYPES = { html: 'text/html; charset=utf-8', md: 'text/markdown; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

function send(res: Response, format: 'html' | 'md' | 'json', body: string, filename: string, download: boolean) {
  res.setHeader('Content-Type', CONTENT_TYPES[format]);
  // Filenames are built from codes and ids only (no user text), so they need no RFC 5987 encoding.
  res.setHeader('Content-Disposition', `${download ? 'attachment' : 'inline'}; filename="${filename}.${format}"`);
  if (format === 'html') {
    // The pages carry their own CSS and inline SVG, nothing else: forbid everything else (a hostile title that
    // slipped past escaping still could not run).
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'");
  }
  res.send(body);
}

export interface DigestGeneration {
  readonly mission: MissionCode | null;
  readonly scope: readonly MissionCode[] | null;
  readonly week: string;
  readonly lang: 'en' | 'fr';
  readonly now: Date;
  readonly generatedBy: string;
}

/** Load → build → render → store (replace). Shared by the API; the classifier's scheduled job does the same. */
export async function generateDigest(models: Models, g: DigestGeneration) {
  const weekStart = isoWeekStart(g.week);
  if (!weekStart) throw new ValidationError('invalid ISO week', [{ path: 'week', message: 'must be an ISO week, e.g. 2026-W48' }]);
  const data = await loadDigestData(models, {
    mission: g.mission,
    scope: g.scope,
    week: g.week,
    weeks: weeksEndingWith(g.week, 8),
    weekStart,
    weekEnd: new Date(weekStart.getTime() + 7 * 86_400_000),
    now: g.now,
  });
  const digest = buildDigest(data, g.lang);
  const stored = await storeDigest(models, {
    mission: g.mission ?? ALL_MISSIONS,
    week: g.week,
    lang: g.lang,
    generatedAt: g.now,
    generatedBy: g.generatedBy,
    data: digestToJson(digest),
    html: renderDigestHtml(digest),
    markdown: renderDigestMarkdown(digest),
  });
  return { ...stored, digest };
}

function momentWindowDates(m: { date: Date; windowBeforeDays: number; windowAfterDays: number }) {
  const w = momentWindow(m);
  return { windowStart: w.start, windowEnd: w.end };
}

/** Response briefs (per alert) and weekly digests (generated on demand or by the weekly job, stored, listed). */
export function reportsRouter(models: Models): Router {
  const router = Router();
  const catalogue = loadCatalogue();
  const narrativeInfo = (key: string): NarrativeInfo | null => {
    const entry = (catalogue.narratives as Record<string, (typeof catalogue.narratives)[keyof typeof catalogue.narratives] | undefined>)[key];
    return entry ? { key, tier: entry.tier, definition: entry.definition, counterMessaging: entry.counterMessaging } : null;
  };

  router.get('/alerts/:id/brief', requireRole('viewer'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const q = BriefQuery.parse(req.query);
    const data = await loadBriefData(models, id, allowedMissions(req.principal!), new Date());
    if (!data) throw new NotFoundError(`No alert ${id}.`);
    const brief = buildBrief({ ...data, narrative: narrativeInfo(data.alert.narrative) }, q.lang);
    const body = q.format === 'html' ? renderBriefHtml(brief) : q.format === 'md' ? renderBriefMarkdown(brief) : JSON.stringify(brief, null, 2);
    send(res, q.format, body, `brief-${data.alert.mission}-${data.alert.narrative}-${id}-${q.lang}`, q.download === '1');
  });

  router.get('/tasks/:id/brief', requireRole('viewer'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const q = BriefQuery.parse(req.query);
    const data = await loadPrebunkData(models, id, allowedMissions(req.principal!), new Date());
    if (!data) throw new NotFoundError(`No task ${id}.`);
    const { moment } = data;
    const brief = buildPrebunkBrief(
      {
        task: data.task,
        // The same window the early-warning scan lowers its thresholds over (@vigie/alerting momentWindow).
        moment: moment ? { id: moment.id, title: moment.title, kind: moment.kind, date: moment.date, ...momentWindowDates(moment) } : null,
        narratives: data.narratives.map((n) => ({ ...n, info: narrativeInfo(n.key) })),
        now: data.now,
      },
      q.lang,
    );
    const body = q.format === 'html' ? renderPrebunkHtml(brief) : q.format === 'md' ? renderPrebunkMarkdown(brief) : JSON.stringify(brief, null, 2);
    send(res, q.format, body, `prebunk-${data.task.mission}-${id}-${q.lang}`, q.download === '1');
  });

  router.post('/digests', requireRole('analyst'), async (req, res) => {
    const body = DigestCreateBody.parse(req.body ?? {});
    const scope = allowedMissions(req.principal!);
    if (scope && !body.mission) throw new ForbiddenError(`Your key is limited to ${scope.join(', ')}: name one of them as \`mission\`.`);
    if (scope && body.mission && !scope.includes(body.mission)) throw new ForbiddenError(`Your key is limited to ${scope.join(', ')}.`);
    const now = new Date();
    const week = body.week ?? previousIsoWeek(now);
    if (isoWeekStart(week)!.getTime() > now.getTime()) throw new ValidationError('week is in the future', [{ path: 'week', message: `must not be after ${isoWeekKey(now)}` }]);
    const langs = body.lang ? [body.lang] : (['en', 'fr'] as const);
    const out = [];
    for (const lang of langs) {
      const r = await generateDigest(models, { mission: body.mission ?? null, scope, week, lang, now, generatedBy: req.principal!.name });
      await auditWrite(models, req, { action: r.created ? 'digest.create' : 'digest.regenerate', targetType: 'digest', targetId: r.id, changes: { week: { from: null, to: week } } });
      out.push({ id: r.id, mission: body.mission ?? ALL_MISSIONS, week, lang, generatedAt: now.toISOString(), generatedBy: req.principal!.name, created: r.created });
    }
    res.status(out.some((o) => o.created) ? 201 : 200).json({ data: out });
  });

  router.get('/digests', requireRole('viewer'), async (req, res) => {
    const q = DigestListQuery.parse(req.query);
    const scope = allowedMissions(req.principal!);
    const filter: Record<string, unknown> = {};
    if (scope) {
      // A key limited to some missions never sees the overall digest (it covers missions outside its scope).
      if (q.mission === ALL_MISSIONS || (q.mission && !scope.includes(q.mission))) {
        res.json({ data: [] });
        return;
      }
      filter.mission = q.mission ?? { $in: scope };
    } else if (q.mission) filter.mission = q.mission;
    if (q.week) filter.week = q.week;
    const rows = await models.digests.find(filter, { mission: 1, week: 1, lang: 1, generatedAt: 1, generatedBy: 1 }).sort({ week: -1, mission: 1, lang: 1 }).limit(q.limit).lean();
    res.json({ data: rows.map((d) => ({ id: String(d._id), mission: d.mission, week: d.week, lang: d.lang, generatedAt: d.generatedAt.toISOString(), generatedBy: d.generatedBy })) });
  });

  router.get('/digests/:id', requireRole('viewer'), async (req, res) => {
    const id = objectId.parse(req.params.id);
    const q = DigestGetQuery.parse(req.query);
    const doc = await models.digests.findById(new Types.ObjectId(id)).lean();
    const scope = allowedMissions(req.principal!);
    if (!doc || (scope && !scope.includes(doc.mission as MissionCode))) throw new NotFoundError(`No digest ${id}.`);
    const body = q.format === 'html' ? doc.html : q.format === 'md' ? doc.markdown : JSON.stringify(doc.data, null, 2);
    send(res, q.format, body, `digest-${doc.mission}-${doc.week}-${doc.lang}`, q.download === '1');
  });

  return router;
}
