import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument('9.9.9');

  it('is OpenAPI 3.1 and describes every public route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
    const paths = Object.keys(doc.paths ?? {});
    for (const p of ['/readyz', '/api/v1/alerts', '/api/v1/alerts/{id}', '/api/v1/alerts/{id}/acknowledge', '/api/v1/alerts/bulk', '/api/v1/items', '/api/v1/keys', '/api/v1/audit']) {
      expect(paths).toContain(p);
    }
  });

  it('derives parameters from the validation schemas, enums included', () => {
    const list = doc.paths?.['/api/v1/alerts']?.get;
    const params = (list?.parameters ?? []) as { name: string; schema?: unknown }[];
    expect(params.map((p) => p.name)).toEqual(expect.arrayContaining(['mission', 'narrative', 'status', 'severity', 'limit', 'cursor', 'sort']));
    expect(JSON.stringify(params.find((p) => p.name === 'sort'))).toContain('triage');
    const resolve = doc.paths?.['/api/v1/alerts/{id}/resolve']?.post;
    expect(JSON.stringify(resolve?.requestBody)).toContain('referred_to_security');
    expect(JSON.stringify(list?.responses?.['400'])).toContain('application/problem+json');
  });
});
