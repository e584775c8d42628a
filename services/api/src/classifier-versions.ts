/**
 * Classifier versions as the API handles them: the active catalogue (cached per activation), saving edited
 * catalogues as drafts, and the activation check (dev-set figures against the active version's).
 */
import {
  activeClassifierPointer,
  classifierPartsOf,
  findClassifierVersion,
  loadClassifierParts,
  setClassifierVersionFigures,
  saveClassifierVersion,
  type ClassifierVersionLean,
  type Models,
} from '@vigie/db';
import {
  DEFAULT_DEV_URL,
  buildVersionedClassifier,
  bundleFromParts,
  bundleHash,
  bundleParts,
  evaluate,
  figuresOf,
  identifyBundle,
  loadBuiltinBundle,
  partHash,
  readLabelledJsonl,
  type Catalogue,
  type ClassifierBundle,
  type VersionFigures,
  type VersionedClassifier,
} from '@vigie/nlp';

export interface ActiveVersionView {
  /** Activation sequence number; null = the built-in version (nothing activated yet). */
  readonly seq: number | null;
  readonly versionId: string | null;
  readonly label: string;
  readonly catalogue: Catalogue;
}

export interface ClassifierVersions {
  /** The live catalogue and version label, reloaded only when the activation pointer moves. */
  active(): Promise<ActiveVersionView>;
  /** The bundle of a stored version, or of the built-in one (`null`). */
  bundleOf(version: ClassifierVersionLean | null): Promise<ClassifierBundle>;
  /** Store a bundle as a version (idempotent on content). */
  save(bundle: ClassifierBundle, meta: { source: 'builtin' | 'edit' | 'train'; parentId: string | null; author: string; notes?: string; changes?: string[] }): Promise<{ version: ClassifierVersionLean; created: boolean }>;
  /** The built-in version, stored on first use so drafts can name it as their parent. */
  ensureBuiltin(): Promise<ClassifierVersionLean>;
  /** Dev-set figures of a version (stored on the version after the first computation). */
  figures(version: ClassifierVersionLean | null, classifier?: VersionedClassifier): Promise<VersionFigures>;
}

export function classifierVersions(models: Models, opts: { devSet?: string | URL } = {}): ClassifierVersions {
  let builtin: ClassifierBundle | null = null;
  const builtinBundle = () => (builtin ??= loadBuiltinBundle());
  let cached: ActiveVersionView | null = null;
  const builtinFigures = new Map<string, VersionFigures>();
  const devExamples = () => readLabelledJsonl(opts.devSet ?? DEFAULT_DEV_URL).examples;

  async function bundleOf(version: ClassifierVersionLean | null): Promise<ClassifierBundle> {
    if (!version) return builtinBundle();
    return bundleFromParts(await loadClassifierParts(models, classifierPartsOf(version)));
  }

  async function save(bundle: ClassifierBundle, meta: Parameters<ClassifierVersions['save']>[1]) {
    const { version, created } = await saveClassifierVersion(
      models,
      bundleParts(bundle),
      identifyBundle(bundle),
      () => ({
        catalogueVersion: bundle.catalogue.version,
        source: meta.source,
        parentId: meta.parentId,
        author: meta.author,
        notes: meta.notes ?? '',
        changes: meta.changes ?? [],
        at: new Date(),
      }),
    );
    return { version, created };
  }

  return {
    async active() {
      const pointer = await activeClassifierPointer(models);
      const seq = pointer?.seq ?? null;
      if (cached && cached.seq === seq) return cached;
      if (!pointer) {
        const b = builtinBundle();
        cached = { seq: null, versionId: null, label: buildVersionedClassifier(b).label, catalogue: b.catalogue };
        return cached;
      }
      const version = await findClassifierVersion(models, pointer.versionId);
      if (!version) throw new Error(`the active classifier version ${pointer.versionId} is missing`);
      const bundle = await bundleOf(version);
      cached = { seq, versionId: String(version._id), label: version.label, catalogue: bundle.catalogue };
      return cached;
    },
    bundleOf,
    save,
    async ensureBuiltin() {
      const b = builtinBundle();
      const hash = bundleHash({ catalogue: partHash(b.catalogue), model: b.model ? partHash(b.model) : null, hateModel: b.hateModel ? partHash(b.hateModel) : null });
      const existing = await models.classifierVersions.findOne({ hash }).lean();
      if (existing) return existing as ClassifierVersionLean;
      return (await save(b, { source: 'builtin', parentId: null, author: 'system', notes: 'The catalogue and models shipped in packages/nlp/data.' })).version;
    },
    async figures(version, classifier) {
      if (version?.figures) return version.figures as VersionFigures;
      const key = version ? String(version._id) : 'builtin';
      const known = builtinFigures.get(key);
      if (known) return known;
      const c = classifier ?? buildVersionedClassifier(await bundleOf(version), version?.label);
      const figures = figuresOf(evaluate(devExamples(), c));
      if (version) await setClassifierVersionFigures(models, String(version._id), { ...figures });
      else builtinFigures.set(key, figures);
      return figures;
    },
  };
}
