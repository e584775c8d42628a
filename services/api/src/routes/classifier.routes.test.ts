import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../openapi.js';
import { ActivateBody, ReclassifyBody, VersionCreateBody } from './classifier.routes.js';

describe('classifier routes: bodies', () => {
  it('a forced activation needs a reason', () => {
    expect(ActivateBody.safeParse({ force: true }).error?.issues[0]?.path).toEqual(['reason']);
    expect(ActivateBody.parse({ force: true, reason: 'figures are stale after a definition fix' }).force).toBe(true);
    expect(ActivateBody.parse({})).toEqual({ force: false });
  });
  it('refuses operator objects and unknown fields', () => {
    expect(VersionCreateBody.safeParse({ base: { $gt: '' }, changes: [{ op: 'removeTerm', narrative: 'espionage', lang: 'fr', text: 'x' }] }).success).toBe(false);
    expect(ReclassifyBody.safeParse({ missions: ['MONUSCO'], $where: '1' }).success).toBe(false);
    expect(ReclassifyBody.parse({ since: '2026-11-01' }).since).toEqual(new Date('2026-11-01'));
  });
});

describe('classifier routes: OpenAPI', () => {
  it('documents editing, activation, precision and re-classification', () => {
    const paths = Object.keys(buildOpenApiDocument('1').paths ?? {});
    for (const p of ['/api/v1/narratives/versions', '/api/v1/narratives/versions/{id}', '/api/v1/narratives/versions/{id}/activate', '/api/v1/narratives/terms/precision', '/api/v1/classifier/reclassify', '/api/v1/classifier/reclassify/{runId}']) {
      expect(paths).toContain(p);
    }
  });
});
