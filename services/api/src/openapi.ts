import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ACTION_INPUT_SCHEMAS, ALERT_ACTIONS } from '@vigie/alerting';
import { AlertDto, AlertSummaryDto, ApiKeyDto, ItemDto, NARRATIVE_KEYS, ProblemDto, pageOf } from '@vigie/contracts';
import { AlertListQuery } from './routes/alerts.routes.js';
import { BulkActionBody } from './routes/alert-actions.js';
import { ItemListQuery, LabelBody } from './routes/items.routes.js';
import { CreateKeyBody } from './routes/keys.routes.js';
import { AuditListQuery } from './routes/audit.routes.js';
import { EarlyWarningListQuery, MomentBody, TimeseriesQuery } from './routes/early-warning.routes.js';
import { ResponseCreateBody, ResponseDto, ResponsePatchBody, ResponsePublishBody } from './routes/responses.routes.js';
import { SourceInput } from '@vigie/contracts';
import { SourcePatch } from './routes/sources.routes.js';
import { IntakeBody } from './routes/intake.routes.js';
import { SilenceBody } from './routes/silences.routes.js';
import { TopSourcesDto, TopStatsQuery, TopTermsDto } from './routes/stats.routes.js';
import { ActivateBody, ClassifierVersionDto, ReclassifyBody, ReclassifyRunDto, TermPrecisionQuery, VersionCreateBody, VersionFiguresDto } from './routes/classifier.routes.js';
import { WebhookCreateBody, WebhookPatchBody } from './routes/webhooks.routes.js';
import { BriefQuery, DigestCreateBody, DigestGetQuery, DigestListQuery, DigestSummaryDto } from './routes/reports.routes.js';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with, so it cannot drift
 * from what the API accepts. Served at /api/v1/openapi.json, browsable at /docs.
 */
export function buildOpenApiDocument(version: string) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`vk_…`) as a bearer token. `X-API-Key: <key>` is accepted too.',
  });
  const problem = { 'application/problem+json': { schema: ProblemDto } };
  const errors = {
    400: { description: 'Invalid request: `errors` lists each field', content: problem },
    401: { description: 'No valid API key', content: problem },
    403: { description: 'The key’s role is not enough', content: problem },
    404: { description: 'Not found (or outside the key’s missions)', content: problem },
  };
  const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
  const id = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/) });
  const route = (config: Omit<RouteConfig, 'security'> & { role: string }) => {
    const { role, ...rest } = config;
    registry.registerPath({
      ...rest,
      description: `${rest.description ?? ''}\n\nRole: **${role}** or above.`.trim(),
      security: [{ [bearer.name]: [] }],
      responses: { ...errors, ...rest.responses },
    });
  };

  registry.registerPath({ method: 'get', path: '/healthz', summary: 'The process is up', tags: ['health'], responses: { 200: json(z.object({ status: z.literal('ok') }), 'Up') } });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Redis and the database answer',
    tags: ['health'],
    responses: {
      200: json(z.object({ status: z.string(), checks: z.record(z.string(), z.string()) }), 'Ready'),
      503: json(z.object({ status: z.string(), checks: z.record(z.string(), z.string()) }), 'A dependency is missing; `checks` says which'),
    },
  });

  route({ method: 'get', path: '/api/v1/alerts', summary: 'List alerts (each with its newest evidence rows; GET /alerts/{id} has all of them and the history)', tags: ['alerts'], role: 'viewer', request: { query: AlertListQuery }, responses: { 200: json(pageOf(AlertSummaryDto), 'A page of alerts') } });
  route({ method: 'get', path: '/api/v1/alerts/{id}', summary: 'One alert with its evidence and history', tags: ['alerts'], role: 'viewer', request: { params: id }, responses: { 200: json(AlertDto, 'The alert') } });
  for (const action of ALERT_ACTIONS) {
    const segment = action === 'note' ? 'notes' : action;
    route({
      method: 'post',
      path: `/api/v1/alerts/{id}/${segment}`,
      summary: `Alert: ${action}`,
      tags: ['alerts'],
      role: 'analyst',
      request: { params: id, body: { content: { 'application/json': { schema: ACTION_INPUT_SCHEMAS[action].strict() } } } },
      responses: { 200: json(AlertDto, 'The updated alert'), 409: { description: 'Not allowed from the current status, or changed meanwhile', content: problem } },
    });
  }
  route({
    method: 'post',
    path: '/api/v1/alerts/bulk',
    summary: 'Apply one action to many alerts',
    tags: ['alerts'],
    role: 'analyst',
    request: { body: { content: { 'application/json': { schema: BulkActionBody } } } },
    responses: {
      200: json(
        z.object({ results: z.array(z.object({ id: z.string(), ok: z.boolean(), status: z.string().optional(), error: z.string().optional() })), succeeded: z.number(), failed: z.number() }),
        'Per-alert results',
      ),
    },
  });
  route({ method: 'get', path: '/api/v1/items', summary: 'List collected items with their classification', tags: ['items'], role: 'viewer', request: { query: ItemListQuery }, responses: { 200: json(pageOf(ItemDto), 'A page of items') } });
  route({ method: 'get', path: '/api/v1/items/{id}', summary: 'One item', tags: ['items'], role: 'viewer', request: { params: id }, responses: { 200: json(ItemDto, 'The item') } });
  route({
    method: 'post',
    path: '/api/v1/items/{id}/label',
    summary: 'Record a triage verdict the classifier learns from',
    tags: ['items'],
    role: 'analyst',
    request: { params: id, body: { content: { 'application/json': { schema: LabelBody } } } },
    responses: { 201: json(LabelBody.extend({ itemId: z.string() }), 'Recorded') },
  });
  route({ method: 'get', path: '/api/v1/keys', summary: 'List API keys (never the keys themselves)', tags: ['keys'], role: 'admin', responses: { 200: json(z.object({ data: z.array(ApiKeyDto) }), 'Keys') } });
  route({
    method: 'post',
    path: '/api/v1/keys',
    summary: 'Create an API key (shown once)',
    tags: ['keys'],
    role: 'admin',
    request: { body: { content: { 'application/json': { schema: CreateKeyBody } } } },
    responses: { 201: json(ApiKeyDto.extend({ key: z.string(), note: z.string() }), 'The new key, in clear, once') },
  });
  route({ method: 'delete', path: '/api/v1/keys/{id}', summary: 'Revoke an API key', tags: ['keys'], role: 'admin', request: { params: id }, responses: { 204: { description: 'Revoked' } } });
  route({ method: 'get', path: '/api/v1/audit', summary: 'The audit log: every write, who, when, what changed', tags: ['audit'], role: 'admin', request: { query: AuditListQuery }, responses: { 200: json(z.object({ data: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() }), 'Entries, newest first') } });

  const loose = z.record(z.string(), z.unknown());
  route({ method: 'get', path: '/api/v1/early-warnings', summary: 'Spike and rising signals, with the numbers that explain them', tags: ['early warning'], role: 'viewer', request: { query: EarlyWarningListQuery }, responses: { 200: json(z.object({ data: z.array(loose) }), 'Signals, newest first') } });
  route({
    method: 'get',
    path: '/api/v1/stats/timeseries',
    summary: 'Narrative volume per hour or quarter-hour for one mission',
    tags: ['early warning'],
    role: 'viewer',
    request: { query: TimeseriesQuery },
    responses: { 200: json(z.object({ data: z.array(z.object({ start: z.string(), count: z.number() })) }).passthrough(), 'Counts per bucket') },
  });
  route({
    method: 'get',
    path: '/api/v1/stats/top-sources',
    summary: 'Sources carrying the most distinct stories (near-duplicates count once), in the key’s missions',
    description: 'Items classified with a narrative (counter-messages excluded) whose effective time falls in `window` (default 7d) or `from`…`to` (≤ 92 days). Filters: mission, narrative, sourceId, harmful. A key limited to missions counts only inside them.',
    tags: ['stats'],
    role: 'viewer',
    request: { query: TopStatsQuery },
    responses: { 200: json(TopSourcesDto, 'Sources, most stories first') },
  });
  route({
    method: 'get',
    path: '/api/v1/stats/top-terms',
    summary: 'Lexicon terms found in the most distinct stories (near-duplicates count once), in the key’s missions',
    description: 'Same items and filters as top-sources; counter-messaging cues are not terms.',
    tags: ['stats'],
    role: 'viewer',
    request: { query: TopStatsQuery },
    responses: { 200: json(TopTermsDto, 'Terms, most stories first') },
  });
  route({ method: 'get', path: '/api/v1/moments', summary: 'High-risk moments calendar', tags: ['early warning'], role: 'viewer', responses: { 200: json(z.object({ data: z.array(loose) }), 'Moments by date') } });
  route({ method: 'post', path: '/api/v1/moments', summary: 'Add a high-risk moment (lowers thresholds around it, opens a prebunk task ahead of it)', tags: ['early warning'], role: 'admin', request: { body: { content: { 'application/json': { schema: MomentBody } } } }, responses: { 201: json(loose, 'The moment') } });
  route({ method: 'patch', path: '/api/v1/moments/{id}', summary: 'Edit a moment (any of its fields; `thresholdFactor: null` restores the default); its open prebunk task follows', tags: ['early warning'], role: 'admin', request: { params: id, body: { content: { 'application/json': { schema: MomentBody.partial() } } } }, responses: { 200: json(loose, 'The moment') } });
  route({ method: 'delete', path: '/api/v1/moments/{id}', summary: 'Remove a moment', tags: ['early warning'], role: 'admin', request: { params: id }, responses: { 204: { description: 'Removed' } } });
  route({ method: 'get', path: '/api/v1/tasks', summary: 'Prebunk tasks with their counter-messaging lines', tags: ['early warning'], role: 'viewer', responses: { 200: json(z.object({ data: z.array(loose) }), 'Tasks by due date') } });
  // Responses and reports (briefs, digests).
  const file = (description: string) => ({
    description: `${description} (Content-Disposition names the file)`,
    content: { 'text/html': { schema: z.string() }, 'text/markdown': { schema: z.string() }, 'application/json': { schema: loose } },
  });
  const responseBody = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } } } });
  route({ method: 'post', path: '/api/v1/alerts/{id}/responses', summary: 'Draft a response to an alert (then move the alert to responding with POST /alerts/{id}/respond)', tags: ['responses'], role: 'analyst', request: { params: id, ...responseBody(ResponseCreateBody) }, responses: { 201: json(ResponseDto, 'The draft') } });
  route({ method: 'get', path: '/api/v1/alerts/{id}/responses', summary: 'Responses to an alert, oldest first', tags: ['responses'], role: 'viewer', request: { params: id }, responses: { 200: json(z.object({ data: z.array(ResponseDto) }), 'Responses') } });
  route({ method: 'get', path: '/api/v1/responses/{id}', summary: 'One response', tags: ['responses'], role: 'viewer', request: { params: id }, responses: { 200: json(ResponseDto, 'The response') } });
  route({ method: 'patch', path: '/api/v1/responses/{id}', summary: 'Edit a draft (409 once approved)', tags: ['responses'], role: 'analyst', request: { params: id, ...responseBody(ResponsePatchBody) }, responses: { 200: json(ResponseDto, 'The draft'), 409: { description: 'Not a draft any more', content: problem } } });
  route({ method: 'post', path: '/api/v1/responses/{id}/approve', summary: 'Approve a draft (communications clearance)', tags: ['responses'], role: 'admin', request: { params: id }, responses: { 200: json(ResponseDto, 'Approved'), 409: { description: 'Not a draft', content: problem } } });
  route({ method: 'post', path: '/api/v1/responses/{id}/publish', summary: 'Record that an approved response went out (publishedAt defaults to now; the response effect is measured from it)', tags: ['responses'], role: 'analyst', request: { params: id, ...responseBody(ResponsePublishBody) }, responses: { 200: json(ResponseDto, 'Published'), 409: { description: 'Not approved yet, or already published', content: problem } } });
  route({ method: 'get', path: '/api/v1/alerts/{id}/brief', summary: 'Response brief for an alert: claim, origin, spread chart, sources, examples, severity, related alerts, counter-messaging (FR and EN), response effect', tags: ['reports'], role: 'viewer', request: { params: id, query: BriefQuery }, responses: { 200: file('The brief as a self-contained HTML page, Markdown or JSON') } });
  route({ method: 'get', path: '/api/v1/tasks/{id}/brief', summary: 'Prebunk brief for a task opened ahead of a high-risk moment: the moment and its window, and per narrative expected to surge its claim, 28-day volume chart, top sources, past alerts and what was done, counter-messaging (FR and EN)', tags: ['reports'], role: 'viewer', request: { params: id, query: BriefQuery }, responses: { 200: file('The prebunk brief as a self-contained HTML page, Markdown or JSON') } });
  route({ method: 'post', path: '/api/v1/digests', summary: 'Generate (or regenerate: replaces) the weekly digest for a mission or overall', tags: ['reports'], role: 'analyst', request: responseBody(DigestCreateBody), responses: { 201: json(z.object({ data: z.array(DigestSummaryDto) }), 'Generated'), 200: json(z.object({ data: z.array(DigestSummaryDto) }), 'Regenerated') } });
  route({ method: 'get', path: '/api/v1/digests', summary: 'Stored digests, newest week first', tags: ['reports'], role: 'viewer', request: { query: DigestListQuery }, responses: { 200: json(z.object({ data: z.array(DigestSummaryDto) }), 'Digests') } });
  route({ method: 'get', path: '/api/v1/digests/{id}', summary: 'One digest as e-mail-ready HTML, Markdown or JSON', tags: ['reports'], role: 'viewer', request: { params: id, query: DigestGetQuery }, responses: { 200: file('The digest') } });

  route({ method: 'get', path: '/api/v1/me', summary: 'The calling key: name, role and missions', tags: ['keys'], role: 'viewer', responses: { 200: json(z.object({ id: z.string(), name: z.string(), role: z.string(), missions: z.array(z.string()) }), 'The key') } });
  route({ method: 'get', path: '/api/v1/narratives', summary: 'The narrative catalogue: definitions, tiers, counter-messaging FR/EN, lexicon size per language', tags: ['narratives'], role: 'viewer', responses: { 200: json(z.object({ version: z.string(), data: z.array(z.record(z.string(), z.unknown())) }), 'The catalogue') } });
  route({ method: 'get', path: '/api/v1/narratives/{key}', summary: 'One narrative with its exemplars', tags: ['narratives'], role: 'viewer', request: { params: z.object({ key: z.enum(NARRATIVE_KEYS) }) }, responses: { 200: json(z.record(z.string(), z.unknown()), 'The narrative') } });
  // Classifier versions, catalogue editing, triage precision, re-classification.
  const versionId = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/) });
  route({ method: 'get', path: '/api/v1/narratives/versions', summary: 'Classifier versions (catalogue + models), newest first, with their status and dev-set figures', tags: ['classifier'], role: 'viewer', responses: { 200: json(z.object({ active: z.object({ label: z.string(), versionId: z.string().nullable(), builtin: z.boolean() }), data: z.array(ClassifierVersionDto) }), 'Versions') } });
  route({ method: 'get', path: '/api/v1/narratives/versions/{id}', summary: 'One classifier version', tags: ['classifier'], role: 'viewer', request: { params: versionId }, responses: { 200: json(ClassifierVersionDto, 'The version') } });
  route({
    method: 'post',
    path: '/api/v1/narratives/versions',
    summary: 'Edit the catalogue: apply changes (add/remove/re-weight terms, counter-messaging, definitions) to a version and save the result as a draft',
    description: 'The edited catalogue is validated with the full catalogue schema. Saving identical content returns the existing version (200). Keys scoped to missions get 403: the catalogue is shared by every mission. Audit-logged.',
    tags: ['classifier'],
    role: 'admin',
    request: { body: { content: { 'application/json': { schema: VersionCreateBody } } } },
    responses: { 201: json(ClassifierVersionDto, 'The new draft'), 200: json(ClassifierVersionDto, 'Same content as an existing version: that one') },
  });
  route({
    method: 'post',
    path: '/api/v1/narratives/versions/{id}/activate',
    summary: 'Make a version live: classifier workers swap to it without restart',
    description: 'Loads and smoke-tests the version, then evaluates it on the dev set: refused (400) when harmful F1 or S1 recall drops more than ACTIVATION_MAX_F1_DROP / ACTIVATION_MAX_S1_DROP below the active version, unless `force` with a `reason` (audit-logged). 409 when already active or another activation won the race.',
    tags: ['classifier'],
    role: 'admin',
    request: { params: versionId, body: { content: { 'application/json': { schema: ActivateBody } } } },
    responses: { 200: json(z.object({ activation: z.number(), version: ClassifierVersionDto, figures: VersionFiguresDto, previous: z.object({ label: z.string(), figures: VersionFiguresDto }), forced: z.boolean(), problems: z.array(z.string()) }), 'Activated'), 409: { description: 'Already active, or a concurrent activation', content: problem } },
  });
  route({ method: 'get', path: '/api/v1/narratives/terms/precision', summary: 'Per-term precision from triage decisions (worst first), to drop useless terms', tags: ['classifier'], role: 'viewer', request: { query: TermPrecisionQuery }, responses: { 200: json(z.object({ decisions: z.number(), data: z.array(z.object({ term: z.string(), narrative: z.string(), language: z.string(), truePositives: z.number(), falsePositives: z.number(), precision: z.number().nullable() })) }), 'Terms') } });
  route({ method: 'post', path: '/api/v1/classifier/reclassify', summary: 'Re-classify stored items with the active version (one background job with progress)', description: 'Mission-scoped admin keys must name missions within their scope. Alerts are never duplicated; a killed worker resumes from the saved cursor.', tags: ['classifier'], role: 'admin', request: { body: { content: { 'application/json': { schema: ReclassifyBody } } } }, responses: { 202: json(ReclassifyRunDto, 'The queued run (Location: its progress URL)') } });
  route({ method: 'get', path: '/api/v1/classifier/reclassify/{runId}', summary: 'Progress of a re-classification run: total, done, changed, errors', tags: ['classifier'], role: 'admin', request: { params: z.object({ runId: z.string().regex(/^[a-f0-9]{24}$/) }) }, responses: { 200: json(ReclassifyRunDto, 'The run') } });
  // Sources and manual intake (collector).
  const anyObject = z.record(z.string(), z.unknown());
  route({ method: 'get', path: '/api/v1/sources', summary: 'Sources with their health (last fetch, status, failures, classified last error, next fetch)', tags: ['sources'], role: 'viewer', responses: { 200: json(z.object({ data: z.array(anyObject) }).passthrough(), 'Sources') } });
  route({ method: 'post', path: '/api/v1/sources', summary: 'Add a source (rss, web or manual)', tags: ['sources'], role: 'admin', request: { body: { content: { 'application/json': { schema: SourceInput } } } }, responses: { 201: json(anyObject, 'The source'), 409: { description: 'A source with this name exists', content: problem } } });
  route({ method: 'patch', path: '/api/v1/sources/{id}', summary: 'Change a source', tags: ['sources'], role: 'admin', request: { params: id, body: { content: { 'application/json': { schema: SourcePatch } } } }, responses: { 200: json(anyObject, 'The source') } });
  for (const action of ['disable', 'enable'] as const) {
    route({ method: 'post', path: `/api/v1/sources/{id}/${action}`, summary: `${action === 'disable' ? 'Stop' : 'Resume'} polling a source`, tags: ['sources'], role: 'admin', request: { params: id }, responses: { 200: json(anyObject, 'The source') } });
  }
  route({ method: 'delete', path: '/api/v1/sources/{id}', summary: 'Delete a source (its items stay)', tags: ['sources'], role: 'admin', request: { params: id }, responses: { 204: { description: 'Deleted' } } });
  route({
    method: 'post',
    path: '/api/v1/items',
    summary: 'Submit pasted text (a forwarded message, a radio-transcript segment, a post) for classification',
    tags: ['items'],
    role: 'analyst',
    request: { body: { content: { 'application/json': { schema: IntakeBody } } } },
    responses: { 201: json(anyObject, 'Stored and queued'), 200: json(anyObject, 'Already submitted: `duplicate: true`') },
  });
  // Notifications.
  route({ method: 'get', path: '/api/v1/webhooks', summary: 'Outbound webhooks (secrets never shown again)', tags: ['notifications'], role: 'admin', responses: { 200: json(z.object({ data: z.array(anyObject) }).passthrough(), 'Webhooks') } });
  route({ method: 'post', path: '/api/v1/webhooks', summary: 'Add a webhook (JSON, Slack or Teams; HMAC-SHA256 signed; secret shown once)', tags: ['notifications'], role: 'admin', request: { body: { content: { 'application/json': { schema: WebhookCreateBody } } } }, responses: { 201: json(anyObject, 'The webhook with its secret') } });
  route({ method: 'patch', path: '/api/v1/webhooks/{id}', summary: 'Change or rotate a webhook', tags: ['notifications'], role: 'admin', request: { params: id, body: { content: { 'application/json': { schema: WebhookPatchBody } } } }, responses: { 200: json(anyObject, 'The webhook') } });
  route({ method: 'delete', path: '/api/v1/webhooks/{id}', summary: 'Delete a webhook', tags: ['notifications'], role: 'admin', request: { params: id }, responses: { 204: { description: 'Deleted' } } });
  route({ method: 'post', path: '/api/v1/webhooks/{id}/test', summary: 'Send a signed test event', tags: ['notifications'], role: 'admin', request: { params: id }, responses: { 202: json(anyObject, 'Queued') } });
  route({ method: 'get', path: '/api/v1/webhooks/{id}/deliveries', summary: 'Delivery log: status, attempts, latency, last error', tags: ['notifications'], role: 'admin', request: { params: id }, responses: { 200: json(z.object({ data: z.array(anyObject), nextCursor: z.string().nullable() }), 'Deliveries, newest first') } });
  route({ method: 'get', path: '/api/v1/silences', summary: 'Silences (time-bounded mutes by mission, narrative, source or term)', tags: ['notifications'], role: 'viewer', responses: { 200: json(z.object({ data: z.array(anyObject) }).passthrough(), 'Silences') } });
  route({ method: 'post', path: '/api/v1/silences', summary: 'Silence notifications (alerts still count and appear in digests)', tags: ['notifications'], role: 'analyst', request: { body: { content: { 'application/json': { schema: SilenceBody } } } }, responses: { 201: json(anyObject, 'The silence') } });
  route({ method: 'delete', path: '/api/v1/silences/{id}', summary: 'End a silence early (the record is kept)', tags: ['notifications'], role: 'analyst', request: { params: id }, responses: { 200: json(anyObject, 'The ended silence') } });
  route({ method: 'get', path: '/api/v1/stream', summary: 'Server-Sent Events: new and changed alerts in the key’s missions (heartbeat, Last-Event-ID resume)', tags: ['notifications'], role: 'viewer', responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } } } });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Vigie API',
      version,
      description:
        'Early warning on harmful narratives about UN peacekeeping missions. Errors are RFC 9457 `application/problem+json`. Lists use keyset pagination: pass `nextCursor` back as `cursor`.',
    },
    servers: [{ url: '/' }],
  });
}
