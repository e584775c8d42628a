import { describe, expect, it } from 'vitest';
import { loadCatalogue } from './catalogue.js';
import {
  activationProblems,
  buildVersionedClassifier,
  BundleValidationError,
  bundleHash,
  canonicalJson,
  hateModelIsCurrent,
  loadBuiltinBundle,
  modelFormatProblem,
  partHash,
  versionLabel,
  type VersionFigures,
} from './classifier-bundle.js';

const figures = (over: Partial<VersionFigures> = {}): VersionFigures => ({ harmfulF1: 0.88, harmfulPrecision: 0.9, harmfulRecall: 0.86, s1Recall: 0.95, narrativeMacroF1: 0.75, falseAlarmRate: 0.05, n: 500, ...over });

describe('version hashing', () => {
  it('is independent of key order and changes with content', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}');
    expect(partHash({ a: 1, b: 2 })).toBe(partHash({ b: 2, a: 1 }));
    expect(partHash({ a: 1 })).not.toBe(partHash({ a: 2 }));
    const h = bundleHash({ catalogue: 'c', model: 'm', hateModel: null });
    expect(h).toMatch(/^[a-f0-9]{64}$/);
    expect(bundleHash({ catalogue: 'c', model: 'm', hateModel: 'h' })).not.toBe(h);
    expect(versionLabel('2026.11.3', h)).toBe(`2026.11.3+db.${h.slice(0, 12)}`);
  });
});

describe('buildVersionedClassifier', () => {
  const catalogue = loadCatalogue();
  it('stamps results with the version label', () => {
    const c = buildVersionedClassifier({ catalogue, model: null, hateModel: null }, 'test-label');
    expect(c.classify({ text: 'La MONUSCO arme les rebelles' }).classifierVersion).toBe('test-label');
  });
  it('refuses a broken catalogue or model, saying what to do', () => {
    expect(() => buildVersionedClassifier({ catalogue: { ...catalogue, narratives: {} } as never, model: null, hateModel: null })).toThrow(BundleValidationError);
    expect(() => buildVersionedClassifier({ catalogue, model: { format: 'something-else' } as never, hateModel: null })).toThrow(/retrain/);
  });
  it('refuses models trained on an earlier feature definition, saying how to retrain', () => {
    const builtin = loadBuiltinBundle();
    expect(modelFormatProblem(builtin)).toBeNull();
    expect(() => buildVersionedClassifier(builtin)).not.toThrow();
    // The same weights under the old format name: they were fitted to other feature values and must not load.
    for (const format of ['vigie-nlp-model/1', 'vigie-nlp-model/2']) {
      const oldModel = { ...builtin.model!, format } as never;
      expect(() => buildVersionedClassifier({ ...builtin, model: oldModel })).toThrow(new RegExp(`earlier Vigie \\(${format}.*vigie train --from-db`));
    }
    const { features: _features, ...oldMeta } = builtin.hateModel!.meta;
    expect(() => buildVersionedClassifier({ ...builtin, hateModel: { ...builtin.hateModel!, meta: oldMeta } })).toThrow(/hate layer.*vigie train --hate/);
    expect(hateModelIsCurrent(null)).toBe(true);
  });
});

describe('activationProblems', () => {
  const margins = { harmfulF1: 0.02, s1Recall: 0.02 };
  it('passes within the margins', () => {
    expect(activationProblems(figures({ harmfulF1: 0.865, s1Recall: 0.93 }), figures(), margins)).toEqual([]);
  });
  it('names each figure that drops too far', () => {
    const p = activationProblems(figures({ harmfulF1: 0.7, s1Recall: 0.8 }), figures(), margins);
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/harmful F1 drops from 0.88 to 0.7/);
    expect(p[1]).toMatch(/S1 recall/);
  });
});
