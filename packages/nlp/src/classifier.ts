/**
 * The classifier: catalogue + models → `classify(item) → Classification`.
 *
 * Pipeline per item: clean/normalise → one trie walk for every lexicon, cue and gazetteer → mission attribution →
 * statistical layers (narrative and stance models, generic hate layer) → blended per-narrative scores → stance →
 * severity and harm. Everything heavy (trie, model tables) is built once in {@link createClassifier}; a new
 * catalogue or model means a new classifier object, which is how an edited catalogue is hot-swapped.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { NARRATIVE_KEYS, type Classification, type Language, type MatchedTerm, type NarrativeKey, type Reason, type Stance } from '@vigie/contracts';
import { loadCatalogue } from './catalogue.js';
import type { Catalogue, LexiconEntry } from './catalogue.schema.js';
import { arabicCallReadings, firstPersonVariants } from './arabic-call-forms.js';
import { ARABIZI_CALL_ENTRY_META, withArabiziCalls } from './arabizi-calls.js';
import { accumulateFeaturePair, extractFeatures, HATE_FEATURES, NARRATIVE_FEATURES, type FeatureVector } from './features.js';
import { crossLanguageEntries, dropForeignFunctionWords, dropForeignInflections, EntryForms, textLanguageForMatching } from './function-words.js';
import { identifyLanguage } from './language-id.js';
import { LexiconMatcher, type Match, type MatcherEntry } from './lexicon-matcher.js';
import { ModelBank, SoftmaxModel, type LinearModelJson } from './logistic-regression.js';
import { attributeMissions } from './mission-attribution.js';
import { ARABIC_LETTER, HTML_REMOVED_NOTE, MAX_TEXT_CHARS, tokenise, type NormalisedText } from './normaliser.js';
import { decisionWords, namesLogistics, severityReason, stanceReason } from './reasons.js';
import { locatingDetails, placesAPerson } from './doxxing.js';
import { mobilisationWord } from './mobilisation.js';
import { threatOfMore } from './threat-of-more.js';
import { CUELESS_ESCALATION, decideSeverity } from './severity.js';
import { decideStance, denialOpener, sourceKind, spokespersonSpeaking } from './stance.js';
import { allInside, quotedSpans } from './quoted-terms.js';

/** One item to classify. Only `text` is required; anything malformed degrades to a result with notes. */
export interface ClassifyInput {
  readonly id?: string;
  readonly text: string;
  readonly title?: string | null;
  /** Language hint from the feed; echoed in the result when it is a known code. */
  readonly language?: string | null;
  readonly url?: string | null;
  /** Source name or handle (e.g. "Radio Okapi", "AFP Factuel"). */
  readonly source?: string | null;
}

/** Blend parameters between lexicon evidence and model probabilities (stored with the model). */
export interface BlendParams {
  /** Weight of the narrative model probability. */
  readonly model: number;
  /** Weight of the saturated lexicon score. */
  readonly lexicon: number;
  /** Minimum blended score for a top narrative. */
  readonly threshold: number;
  /** Weight of the generic hate layer's hate probability in the `hate_speech` score. */
  readonly hateLayer: number;
  /** Multiplier on non-hate narratives when the text never refers to the UN or peacekeepers. */
  readonly noUnPenalty: number;
  /** Probability from the escalation model above which an endorsed narrative is S1. */
  readonly s1Threshold?: number;
  /**
   * When true, the model part of a narrative's score is its probability against "no narrative" only,
   * p(k) / (p(k) + p(none)), instead of its share of all sixteen classes. With few examples per class the softmax
   * spreads its mass over related narratives (collusion vs arms transport vs espionage), so p(k) alone stays low
   * even when the text clearly carries *some* narrative; this was the main source of missed items.
   */
  readonly pairwise?: boolean;
  /** Weight of the harm head's evidence, (p(harmful) − 0.5), added to the endorse side of the stance decision. */
  readonly harmStance?: number;
  /**
   * p(harmful) from the harm head at or above which the best narrative is kept even below `threshold` — recall
   * first: an endorsed narrative the key models are unsure about is still worth an officer's look.
   */
  readonly harmPresence?: number;
  /**
   * Failure-to-protect guard: when `failure_to_protect` scores at least this fraction of the best narrative and the
   * text makes no explicit claim for that narrative (no call to act, lexicon evidence for it below
   * {@link BlendParams.ftpExplicit}), the text is read as criticism (S4, never harmful). Angry criticism ("massacre",
   * « complices de l'inaction ») shares words with collusion and incitement, so the models alone upgraded it.
   */
  readonly ftpGuard?: number;
  /** Summed lexicon weight for the competing narrative that counts as an explicit claim (default 1). */
  readonly ftpExplicit?: number;
  /**
   * An endorsement resting on the model alone — no lexicon term for the narrative, no call to act — needs the harm
   * head's p(harmful) at or above this, otherwise the stance falls back to the stronger of counter/report. Most
   * false alarms on debunks and benign UN news had no lexicon evidence at all.
   */
  readonly modelOnlyHarm?: number;
  /**
   * When no narrative reaches the threshold but the text calls to act with a target or logistics against the mission,
   * `incitement_violence` is kept if p(harmful) is at least this.
   */
  readonly callRescue?: number;
  /**
   * When no narrative reaches the threshold, no call-to-act term matched, but the escalation model gives p(S1) at
   * least this with a target or logistics in a text about the mission, `incitement_violence` is kept under the same
   * p(harmful) condition as {@link callRescue}: a call made by hint ("Saturday, the Bentiu gate. You know what to do.")
   * has no verb for the lexicon and too little of a narrative for the narrative model.
   */
  readonly modelRescue?: number;
}

/** The trained statistical layers shipped as `data/model.json`. */
export interface ModelJson {
  /**
   * `/2`: trained on the word-separable features (`TextFeatures` in features.ts). `/1` models were trained on per-feature tf and
   * the exact norm and are refused (retrain them with `vigie train`).
   */
  readonly format: typeof MODEL_FORMAT;
  /** Narrative model: classes are narrative keys plus `__none__`. */
  readonly narrative: LinearModelJson;
  /** Stance model over items carrying a narrative: endorse / counter / report. */
  readonly stance: LinearModelJson;
  /** Escalation model (classes `S1` / `other`): learns call-to-act + target/logistics phrasings the cue lexicon misses. */
  readonly s1?: LinearModelJson;
  /** Harm head (classes `harmful` / `other`): one binary decision learned from every example, used as evidence. */
  readonly harm?: LinearModelJson;
  readonly blend: BlendParams;
  readonly trainedOn: Readonly<Record<string, string | number>>;
}

/** A classification plus the item id it was made for. */
export type ClassificationResult = Classification & { id?: string };

export interface Classifier {
  /** `catalogue version + model hash`; stored with every result so re-classification can be targeted. */
  readonly version: string;
  readonly catalogue: Catalogue;
  classify(input: ClassifyInput): ClassificationResult;
}

export const NONE_CLASS = '__none__';
/** Format of the narrative/stance model file; see {@link ModelJson.format}. */
export const MODEL_FORMAT = 'vigie-nlp-model/3';
/** Narrative-model probability of `hate_speech` that stands as evidence by itself, with no hate term or anchor. */
const UNANCHORED_HATE_P = 0.5;

export const DEFAULT_BLEND: BlendParams = { model: 0.8, lexicon: 0.35, threshold: 0.35, hateLayer: 0.35, noUnPenalty: 0.3 };
const LEXICON_ONLY_BLEND: BlendParams = { model: 0, lexicon: 1, threshold: 0.3, hateLayer: 0.5, noUnPenalty: 0.3 };

/**
 * Characters of a text the statistical layers read (the lexicon and cues read everything up to MAX_TEXT_CHARS). Long
 * articles put their claim first; beyond this the features cost time without changing the decision.
 */
export const MODEL_TEXT_CHARS = 4000;

export const DEFAULT_MODEL_URL = new URL('../data/model.json', import.meta.url);
export const DEFAULT_HATE_MODEL_URL = new URL('../data/hate-model.json', import.meta.url);

/** Load the shipped narrative/stance model, or null when none has been trained yet. */
export function loadModel(path: string | URL = DEFAULT_MODEL_URL): ModelJson | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
}

/** Load the shipped generic hate-speech layer, or null. */
export function loadHateModel(path: string | URL = DEFAULT_HATE_MODEL_URL): LinearModelJson | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as LinearModelJson;
}

function effectiveWeight(e: LexiconEntry, c: Catalogue): number {
  const mult = e.validated ? c.weights.validated : e.status === 'attested' ? c.weights.attested : c.weights.suggested;
  return e.weight * mult;
}

/**
 * An acronym of five letters or more cut in two, each part two letters or more ("UNIS FA", "MINUS CA"), or in three
 * ("MON U SCO"); and a one-word Arabic name of six letters or more cut in two (« يو نيسفا »). Evasive posts break a
 * mission's name with hyphens, dots or a space so that a search for it misses (UNIS-FA, Mon-u-sco); the matcher reads
 * the parts as a phrase. {@link attributeMissions} keeps a Latin split form only when it is written with a separator
 * other than a space or in capitals, so that ordinary words never name a mission; Arabic has no capitals, hence the
 * longer minimum and two parts only.
 */
export function splitAcronymForms(acronym: string): string[] {
  const latin = /^[A-Za-z]{5,}$/.test(acronym);
  if (!latin && !/^[\u0621-\u064a]{6,}$/.test(acronym)) return [];
  const n = acronym.length;
  const out: string[] = [];
  for (let k = 2; k <= n - 2; k++) out.push(`${acronym.slice(0, k)} ${acronym.slice(k)}`);
  if (latin) for (let a = 1; a < n - 1; a++) for (let b = a + 1; b < n; b++) out.push(`${acronym.slice(0, a)} ${acronym.slice(a, b)} ${acronym.slice(b)}`);
  return out;
}

/** Flatten a catalogue into matcher entries: narratives, cues and gazetteers share one trie. */
export function compileCatalogue(c: Catalogue): MatcherEntry[] {
  const out: MatcherEntry[] = [];
  for (const key of NARRATIVE_KEYS) {
    for (const e of c.narratives[key].lexicon) out.push({ text: e.text, lang: e.lang, group: key, weight: effectiveWeight(e, c), ...(e.asWritten ? { asWritten: true } : {}) });
  }
  const cueGroups = { callToAct: '_call_to_act', targets: '_target', logistics: '_logistics', counter: '_counter', report: '_report', leadership: '_leadership', benign: BENIGN_GROUP, praise: PRAISE_GROUP } as const;
  for (const [name, group] of Object.entries(cueGroups)) {
    for (const e of c.cues[name as keyof typeof cueGroups]) out.push({ text: e.text, lang: e.lang, group, weight: effectiveWeight(e, c), ...(e.asWritten ? { asWritten: true } : {}) });
  }
  // Levantine, Egyptian and Sudanese write "we burn" with a tense prefix (منحرق, بنحرق, حنحرق), which the Arabic stemmer
  // keeps: each listed first-person call is also an entry in those forms (see arabic-call-forms.ts).
  const listed = new Set(c.cues.callToAct.map((e) => e.text));
  for (const e of c.cues.callToAct) {
    if (e.lang !== 'ar' || e.asWritten) continue;
    for (const v of firstPersonVariants(e.text)) if (!listed.has(v)) out.push({ text: v, lang: 'ar', group: '_call_to_act', weight: effectiveWeight(e, c) });
  }
  for (const m of c.gazetteers.missions) {
    for (const a of [...m.acronyms, ...m.evasions]) out.push({ text: a, lang: 'xx', group: 'g:acronym', weight: 1, meta: m.code });
    for (const a of [...m.acronyms, ...(m.names.ar ?? [])]) for (const split of splitAcronymForms(a)) out.push({ text: split, lang: 'xx', group: 'g:acronym', weight: 1, meta: m.code });
    for (const [lang, names] of Object.entries(m.names)) for (const n of names) out.push({ text: n, lang: lang === 'other' ? 'xx' : lang, group: 'g:name', weight: 1, meta: m.code });
    // Arabic writes a mission's short name with the article too (المينوسكا, المونوسكو, اليونيسفا), and Snowball stems
    // the two apart (مينوسكا → مينوسك, المينوسكا → مينوسكا): each one-word Arabic name also matches with ال.
    for (const n of m.names.ar ?? []) if (!n.includes(' ') && !n.startsWith('ال')) out.push({ text: `ال${n}`, lang: 'ar', group: 'g:name', weight: 1, meta: m.code });
    for (const p of m.places) out.push({ text: p, lang: 'xx', group: 'g:place', weight: 1, meta: m.code });
    for (const g of m.armedGroups) out.push({ text: g, lang: 'xx', group: 'g:group', weight: 1, meta: m.code });
    for (const k of m.countries) out.push({ text: k, lang: 'xx', group: 'g:country', weight: 1, meta: m.code });
    for (const k of m.contingents) for (const f of k.forms) out.push({ text: f, lang: 'fr', group: 'g:contingent', weight: 1, meta: `${m.code}|${k.nationality}` });
  }
  for (const s of c.gazetteers.sources.official) if (s.mission && s.name !== s.mission) out.push({ text: s.name, lang: 'xx', group: 'g:outlet', weight: 1, meta: s.mission });
  for (const g of c.gazetteers.genericPeacekeepers) out.push({ text: g.text, lang: g.lang, group: 'g:pk', weight: 1 });
  for (const g of c.gazetteers.genericPeacekeepersByLook) out.push({ text: g.text, lang: g.lang, group: 'g:look', weight: 1 });
  for (const g of c.gazetteers.genericUn) out.push({ text: g.text, lang: g.lang, group: 'g:un', weight: 1 });
  // Calls written in Arabizi, read by root and shape rather than listed (arabizi-calls.ts): an entry with no words,
  // which the trie never reaches, for their matches to count under, as `suggested` cues.
  out.push({ text: '', lang: 'ar', group: '_call_to_act', weight: c.weights.suggested, meta: ARABIZI_CALL_ENTRY_META });
  return out;
}

const KNOWN_LANGUAGES = new Set<string>(['en', 'fr', 'ar', 'sw', 'ln', 'sg', 'bm', 'und']);
const TERM_GROUPS = new Set<string>([...NARRATIVE_KEYS, '_call_to_act', '_target', '_counter']);

/**
 * Groups whose entries are calls: the call-to-act cues and the incitement lexicon (« brûlons », "burn their base",
 * احرقوا).
 */
const CALL_GROUPS: ReadonlySet<string> = new Set(['_call_to_act', 'incitement_violence']);
/**
 * Calls reached through a stem only, in a form other than any listed one. The EN/FR/AR stemmers send « les convois
 * sont attaqués », "was burned" and أحرقت (passive, past: what criticism and news say) to the same stem as
 * « attaquez », "burn" and احرقوا (the call itself), and these descriptive forms made criticism and protest reports
 * look like incitement. They stay visible to the models as their own feature group, but count neither as a call to
 * act (stance, severity, the S1 rule) nor as incitement lexicon evidence.
 */
export const INFLECTED_CALL_GROUP = '_call_inflected';
/**
 * Notices and questions about the mission's movements (`cues.benign`). Read by the escalation rules only, never a model
 * feature: the shipped models stay valid when the list changes.
 */
const BENIGN_GROUP = '_benign';
/** Praise and acclaim (`cues.praise`): keeps a call told of a deed a call (see {@link splitDescriptiveCalls}). No model feature. */
const PRAISE_GROUP = '_praise';
/** Groups the rules read that are no model feature: the shipped models stay valid when their lists change. */
const RULE_ONLY_GROUPS: ReadonlySet<string> = new Set([BENIGN_GROUP, PRAISE_GROUP]);
/** Groups listed as cues in the explanation (none of them is a term group). */
const CUE_GROUPS = new Set<string>(['_report', '_logistics', '_leadership', INFLECTED_CALL_GROUP, BENIGN_GROUP, PRAISE_GROUP]);
/** A note in English for logs and the CLI, and as a reason code with values for the officers (see reasons.ts). */
function addNote(notes: string[], reasons: Reason[], code: string, text: string, values?: Reason['values']): void {
  notes.push(text);
  reasons.push(values ? { code: `note.${code}`, values } : { code: `note.${code}` });
}

/** Texts with fewer words than this keep a narrative only with lexicon evidence for it (see `classify`). */
export const FRAGMENT_WORDS = 5;

/** A time of day ("8h", "18:30", "à 8 h"): logistics for the escalation rule. */
const TIME_CUE = /\b\d{1,2}\s?(?:h|:)\s?\d{0,2}\b/i;
/**
 * A time written with am/pm ("7pm", "8 a.m."): logistics too, except in Arabizi, where "3am" is the word عم. (The bare
 * words "am" and "pm" were logistics cues: every English "I am" was a time.)
 */
const AM_PM_CUE = /\b\d{1,2}\s?[ap]\.?m\b/i;

/** The first time of day a text names, as written (see {@link TIME_CUE}, {@link AM_PM_CUE}). */
function clockTimeIn(nt: NormalisedText): string | undefined {
  return (TIME_CUE.exec(nt.cleaned) ?? (nt.arabizi ? null : AM_PM_CUE.exec(nt.cleaned)))?.[0];
}

/** Whether a text names a time of day: logistics for the escalation rule. */
const namesTime = (nt: NormalisedText): boolean => clockTimeIn(nt) !== undefined;

/**
 * Whether a call-to-act match is written in a listed form. Overlapping cues sharing a stem ("attaquons",
 * "attaquez") are pruned to one match, so each token is checked against the words of every call cue, not only the
 * kept one; a skipped token inside a phrase is allowed.
 */
function asWritten(m: Match, nt: NormalisedText, forms: ReadonlySet<string>): boolean {
  let misses = 0;
  for (let i = m.startTok; i < m.endTok; i++) {
    const t = nt.tokens[i]!;
    // Arabic glues conjunctions, dialect tense prefixes and object pronouns to the call (واحرقوا, منطردهم, هاجموهم): the
    // word is still the imperative or the first person (arabic-call-forms.ts).
    const ok = forms.has(t.norm) || t.alts.some((a) => forms.has(a)) || (t.script === 'arabic' && arabicCallReadings(t.norm).some((r) => forms.has(r)));
    if (!ok) misses++;
  }
  return misses === 0 || (misses === 1 && m.endTok - m.startTok > 2);
}

/**
 * Subjects that make a verb a statement about others, not a call: "they block the road", « elle bloque nos FACA »,
 * "who torch villages". A call is addressed to the reader (imperative) or includes the writer ("we", « on »,
 * « nous »), so those stay calls.
 */
const THIRD_PERSON_SUBJECTS = new Set(['they', 'he', 'she', 'it', 'who', 'which', 'ils', 'elles', 'il', 'elle', 'qui']);
/** Adverbs that may stand between such a subject and its verb ("they always block", « ils ne bloquent »). */
const SUBJECT_ADVERBS = new Set(['always', 'often', 'never', 'also', 'still', 'just', 'even', 'then', 'now', 'ne', 'n', 'toujours', 'aussi', 'encore', 'meme', 'souvent']);

/** Whether the call match starts right after a third-person subject (an adverb may stand between). */
function afterThirdPersonSubject(m: Match, nt: NormalisedText): boolean {
  let i = m.startTok - 1;
  if (i >= 0 && SUBJECT_ADVERBS.has(nt.tokens[i]!.norm)) i--;
  return i >= 0 && nt.tokens[i]!.script === 'latin' && THIRD_PERSON_SUBJECTS.has(nt.tokens[i]!.norm);
}

/**
 * `matches` with the call matches that `notACall` accepts re-labelled as inflected (see {@link INFLECTED_CALL_GROUP});
 * the same array when there are none.
 */
function relabelCalls(matches: Match[], notACall: (m: Match) => boolean): Match[] {
  let out: Match[] | null = null;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    if (!CALL_GROUPS.has(m.group) || !notACall(m)) continue;
    out ??= matches.slice();
    out[i] = { ...m, group: INFLECTED_CALL_GROUP };
  }
  return out ?? matches;
}

/**
 * Re-label call matches that are not calls (see {@link INFLECTED_CALL_GROUP}): stem-only matches whose surface is not
 * a listed form, and calls stated of a third person.
 */
function splitInflectedCalls(matches: Match[], nt: NormalisedText, callForms: ReadonlySet<string>): Match[] {
  return relabelCalls(matches, (m) => afterThirdPersonSubject(m, nt) || (m.via === 'stem' && !asWritten(m, nt, callForms)));
}

/** A French past participle ("bloqué", « brûlées », « attaqué »), as written: accents are what tell it from the present. */
const PAST_PARTICIPLE = /\p{L}(?:é|ée|és|ées)$/u;

/** Whether some word of `m` as written is a past participle that its cue does not list (« ils l'ont cherché » does). */
function participleCall(m: Match): boolean {
  for (const w of m.surface.toLowerCase().split(/\s+/)) if (PAST_PARTICIPLE.test(w) && !m.term.toLowerCase().includes(w)) return true;
  return false;
}

/** An Arabizi consonant: a Latin consonant or a digit standing for an Arabic one (2 ء/ق, 3 ع, 5 خ, 7 ح, 8 غ, 9 ق/ص). */
const ARABIZI_CONSONANT = '[b-df-hj-np-tv-z235789]';
/**
 * An Arabizi verb in the past tense, third person plural, with or without an object: « 7ara2o » (they burned),
 * "hajamo", "katalu", "sakkaro", "2ata3o", "gafalu", "7ara2ohom". The vowel a after both the first and the second
 * radical is what tells the past from the imperative the Arabic cue lists (« احرقوا »: "7re2o", "ahrigu"; « سكروا »:
 * "sakkro", "sakkiru"; « هاجموا »: "hajmo") — Arabic script writes both alike, so the skeleton matching cannot.
 */
const ARABIZI_PAST_PLURAL = new RegExp(`^${ARABIZI_CONSONANT}a{1,2}${ARABIZI_CONSONANT}{1,2}a${ARABIZI_CONSONANT}(?:o|u|ou|oo|uu|w)(?:h|ha|hom|hum|hon|hun)?$`);

/** Whether `m` reads an Arabic call from Arabizi whose verb is written in the past tense (see {@link ARABIZI_PAST_PLURAL}). */
function arabiziPastCall(m: Match): boolean {
  if (!ARABIC_LETTER.test(m.term)) return false;
  const verb = m.surface.toLowerCase().split(/\s+/)[0]!;
  return ARABIZI_PAST_PLURAL.test(verb);
}

/**
 * Determiners that make the one-word call after them a noun: "the attack", "every attack on Rubkona", "your block",
 * « une attaque ». Not "a": folded, French « à » is "a", and « appelant à attaquer » names a call. Not « le », « la »,
 * « les »: before a verb they are object pronouns (« on le bloque »).
 */
const DETERMINERS: ReadonlySet<string> = new Set(['an', 'the', 'your', 'my', 'our', 'their', 'his', 'her', 'its', 'every', 'each', 'this', 'that', 'these', 'those', 'any', 'un', 'une']);

/** Whether `m` is a one-word call used as a noun (see {@link DETERMINERS}). */
function nounCall(m: Match, nt: NormalisedText): boolean {
  if (m.endTok - m.startTok !== 1 || m.startTok === 0) return false;
  const before = nt.tokens[m.startTok - 1]!;
  return before.script === 'latin' && DETERMINERS.has(before.norm);
}

/**
 * English verbs of attempt that make the call after their "to" an infinitive told of someone: "police arrested men who
 * tried to kidnap the UNMISS staff", "a crowd attempted to ransack the office". Not verbs of plan or need: "we are
 * planning to burn the base on Friday", "we have to storm the gate" are calls.
 */
const ATTEMPT_VERBS: ReadonlySet<string> = new Set(['tried', 'tries', 'trying', 'attempted', 'attempts', 'attempting', 'failed']);

/** Whether `m` is an English infinitive after a verb of attempt (see {@link ATTEMPT_VERBS}). */
function attemptedCall(m: Match, nt: NormalisedText): boolean {
  if (m.startTok < 2) return false;
  const to = nt.tokens[m.startTok - 1]!;
  const verb = nt.tokens[m.startTok - 2]!;
  return to.norm === 'to' && verb.script === 'latin' && ATTEMPT_VERBS.has(verb.norm);
}

/**
 * Re-label calls that tell of a deed rather than call for it as inflected (see {@link INFLECTED_CALL_GROUP}), unless
 * the text praises:
 * - French past participles: accent folding makes « bloqué » the listed « (on) bloque », « brûlé » « (on) brûle »,
 *   « attaqué » « (on) attaque », so "ceux qui ont bloqué la route", « ils ont brûlé nos cases », « un convoi resté
 *   bloqué » read as calls. On the training set calls found only in such words were in 4 S1 items against 39 others
 *   (15 conflict news without the UN, 12 benign mentions of the mission).
 * - Arabizi verbs in the past tense (see {@link ARABIZI_PAST_PLURAL}): « 2ata3o el tari2 » (they blocked the road) in
 *   news of a protest, "hajamo" in a volleyball match. On 3-fold cross-validation of train they cleared 3 false alarms
 *   and lost 2 S1 items, both praise of the attack they told (« brafo », « mabrouk lil abtal »).
 * - One-word calls used as nouns (see {@link DETERMINERS}): "every attack on Rubkona comes from that direction", "if
 *   the night patrol did not reach your block". On 3-fold cross-validation of train: one false alarm and one S1 called
 *   wrongly fewer, nothing else changed.
 * - English infinitives after a verb of attempt (see {@link ATTEMPT_VERBS}): "men who tried to kidnap the UNMISS staff".
 *   No training text has one; with the phrases of catalogue 2026.11.31 ("kidnap the", "ransack the"…), 12 of 110 lines
 *   of news and notices in that shape were S1, none with the rule (terse-calls.test.ts).
 * - One Latin word reached by a stem and listed only inside longer calls (see {@link phraseWordCall}): « pendant
 *   l'attaque », « je ne demande à personne d'attaquer ». The stem match was accepted as written because « attaque »
 *   and « attaquer » are words of « on attaque » and « il faut attaquer ». On 3-fold cross-validation of train: false
 *   alarms 158 → 154, S1 called wrongly 230 → 224, S1 found the same.
 * Praise of an attack is S1 in TAXONOMY.md, so a text with a praise cue (`cues.praise`) keeps all such calls:
 * with that, the cross-validation lost no S1 item. Applied to what the rules read, after the features: the shipped
 * models learned these words as calls, and a retrain would be needed to move them into the inflected group of the
 * features too.
 */
function splitDescriptiveCalls(matches: Match[], nt: NormalisedText, soloCallForms: ReadonlySet<string>): Match[] {
  if (matches.some((m) => m.group === PRAISE_GROUP)) return matches;
  return relabelCalls(matches, (m) => participleCall(m) || arabiziPastCall(m) || nounCall(m, nt) || attemptedCall(m, nt) || phraseWordCall(m, matches, nt, soloCallForms));
}

/**
 * Whether `m` is one Latin word reached by a stem and listed only inside longer calls, standing outside them: « attaque »
 * is a call in « on attaque », but « pendant l'attaque » and « je ne demande à personne d'attaquer » tell. Inside a
 * longer call matched in the same text (« demain on bloque » also reaches the incitement term « bloquez ») it stays.
 */
function phraseWordCall(m: Match, matches: readonly Match[], nt: NormalisedText, soloCallForms: ReadonlySet<string>): boolean {
  if (m.via !== 'stem' || m.endTok - m.startTok !== 1) return false;
  const t = nt.tokens[m.startTok]!;
  if (t.script !== 'latin' || soloCallForms.has(t.norm) || t.alts.some((a) => soloCallForms.has(a))) return false;
  return !matches.some((o) => CALL_GROUPS.has(o.group) && o.endTok - o.startTok > 1 && o.startTok <= m.startTok && m.endTok <= o.endTok);
}

/**
 * The share of a text below which the quoted passages holding some of its words leave them mentioned rather than said
 * (see {@link onlyQuoted}): the writer's own words are at least the rest. A transcribed voice message, call-in or chant
 * is quoted almost whole (87–89 % of the text for two S1 items of train) and is the call itself.
 */
const QUOTED_SHARE = 0.5;

/**
 * Whether every one of `terms` stands inside quotation marks and the passages holding them are less than
 * {@link QUOTED_SHARE} of the text: the words are mentioned, not said.
 */
function onlyQuoted(terms: readonly Match[], text: string): boolean {
  const spans = quotedSpans(text).filter(([s, e]) => terms.some((m) => m.start >= s && m.end <= e));
  if (!allInside(terms, spans)) return false;
  let quoted = 0;
  for (const [s, e] of spans) quoted += e - s;
  return quoted < QUOTED_SHARE * text.length;
}

/**
 * Re-label the calls of a text as inflected (see {@link INFLECTED_CALL_GROUP}) when they are only quoted (see
 * {@link onlyQuoted}): the call is mentioned, not made — a debunk quoting the rumour ("A viral post reads: 'Sunday, the
 * Malakal gate. You all know the rest.'"), news of a slogan (« rafa3o shi3ar 'MONUSCO dégage' »), a chef's « احرقوا
 * البصل ». Of the training texts whose calls are all quoted, 85 are hard negatives and 6 S1 (protest slogans « ارحلوا »,
 * transcribed messages); on 3-fold cross-validation of train the rule cleared 9 false alarms and lost no S1 item.
 * Applied to what the rules read, after the features, as {@link splitDescriptiveCalls} is.
 */
function splitQuotedCalls(matches: Match[], text: string): Match[] {
  let calls: Match[] | undefined;
  for (const m of matches) if (CALL_GROUPS.has(m.group)) (calls ??= []).push(m);
  if (!calls || !onlyQuoted(calls, text)) return matches;
  return relabelCalls(matches, () => true);
}

/**
 * Per-group sums of match weights in an array indexed by group id: every group of the matcher's entries and the
 * inflected-call group get an id when the classifier is built, plus one slot that stays 0 for groups no entry has
 * (what a missing key of the former per-text `Map` read as). Sums are added in match order, as before.
 */
class GroupSums {
  private readonly ids = new Map<string, number>();
  private readonly entryGroup: Int32Array;
  private readonly inflected: number;
  /** The slot of groups without entries: never added to. */
  private readonly zero: number;
  /** Sums of the text being classified (reused from text to text; classify is synchronous). */
  readonly sums: Float64Array;

  constructor(entries: readonly MatcherEntry[]) {
    for (const e of entries) if (!this.ids.has(e.group)) this.ids.set(e.group, this.ids.size);
    if (!this.ids.has(INFLECTED_CALL_GROUP)) this.ids.set(INFLECTED_CALL_GROUP, this.ids.size);
    this.inflected = this.ids.get(INFLECTED_CALL_GROUP)!;
    this.zero = this.ids.size;
    this.entryGroup = Int32Array.from(entries, (e) => this.ids.get(e.group)!);
    this.sums = new Float64Array(this.zero + 1);
  }

  /** The slot of a group's sum. */
  id(group: string): number {
    return this.ids.get(group) ?? this.zero;
  }

  /** Sum a text's matches (each carries its entry's group, or {@link INFLECTED_CALL_GROUP}). */
  add(matches: readonly Match[]): Float64Array {
    const sums = this.sums.fill(0);
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i]!;
      const g = m.group === INFLECTED_CALL_GROUP ? this.inflected : this.entryGroup[m.entry]!;
      sums[g]! += m.weight;
    }
    return sums;
  }
}

/** Saturating map from summed evidence to [0,1): one strong phrase ≈ 0.6, two ≈ 0.85. */
export function saturate(x: number): number {
  return 1 - Math.exp(-0.9 * x);
}

/** Shared analysis of one text: normalisation, matches and features. Exported for training and evaluation. */
export interface Analysis {
  readonly nt: NormalisedText;
  readonly matches: Match[];
  readonly features: FeatureVector;
}

/**
 * Build a classifier. Defaults: the shipped catalogue and models. Pass `null` as `model` for a lexicon-only
 * classifier (used as a baseline and when no model has been trained yet).
 */
export function createClassifier(catalogue?: Catalogue, model?: ModelJson | null, hateModel?: LinearModelJson | null): Classifier & { analyse(text: string): Analysis } {
  const cat = catalogue ?? loadCatalogue();
  const mj = model === undefined ? loadModel() : model;
  const hj = hateModel === undefined ? loadHateModel() : hateModel;
  const matcher = new LexiconMatcher(compileCatalogue(cat));
  // The four heads share one feature vector: one bank, one lookup per feature.
  const bank = mj ? new ModelBank([mj.narrative, mj.stance, ...(mj.s1 ? [mj.s1] : []), ...(mj.harm ? [mj.harm] : [])]) : null;
  const narrativeModel = bank ? bank.models[0]! : null;
  const stanceModel = bank ? bank.models[1]! : null;
  const s1Model = bank && mj?.s1 ? bank.models[2]! : null;
  // The head's index, so that `classify` does not keep the model file's JSON (weight rows and all) alive.
  const harmHead = mj?.s1 ? 3 : 2;
  const harmModel = bank && mj?.harm ? bank.models[harmHead]! : null;
  const hate = hj ? new SoftmaxModel(hj) : null;
  const blend = mj?.blend ?? LEXICON_ONLY_BLEND;
  // The whole model file (every head and the blend: thresholds change results as much as weights) names the version;
  // a retrain that only re-tunes the blend still gets a new classifierVersion.
  const modelHash = [mj ? createHash('sha256').update(JSON.stringify(mj)).digest('hex').slice(0, 10) : 'lexicon', hate?.hash ?? 'nohate'].join('.');
  const version = `${cat.version}+${modelHash}`;

  // Class indices of the heads, looked up once instead of by name for every text (-1 when a class is absent, as before).
  const iHarmful = harmModel ? harmModel.classes.indexOf('harmful') : -1;
  const iS1 = s1Model ? s1Model.classes.indexOf('S1') : -1;
  const iEndorse = stanceModel ? stanceModel.classes.indexOf('endorse') : -1;
  const iCounter = stanceModel ? stanceModel.classes.indexOf('counter') : -1;
  const iReport = stanceModel ? stanceModel.classes.indexOf('report') : -1;
  const iHS = hate ? hate.classes.indexOf('HS') : -1;
  const iOFF = hate ? hate.classes.indexOf('OFF') : -1;
  const iNone = narrativeModel ? narrativeModel.classes.indexOf(NONE_CLASS) : -1;
  const iNarrative = NARRATIVE_KEYS.map((key) => (narrativeModel ? narrativeModel.classes.indexOf(key) : -1));
  // Group sums by id, with the ids of the groups classify reads looked up once.
  const groupSums = new GroupSums(matcher.entries);
  const gNarrative = Int32Array.from(NARRATIVE_KEYS, (key) => groupSums.id(key));
  const gHate = groupSums.id('hate_speech');
  const gCall = groupSums.id('_call_to_act');
  const gTarget = groupSums.id('_target');
  const gLogistics = groupSums.id('_logistics');
  const gCounter = groupSums.id('_counter');
  const gReport = groupSums.id('_report');
  const gLeadership = groupSums.id('_leadership');
  const gInflected = groupSums.id(INFLECTED_CALL_GROUP);
  const gBenign = groupSums.id(BENIGN_GROUP);
  const gIncitement = groupSums.id('incitement_violence');

  // Token forms of each call-to-act cue as written (imperatives, first person plural), to tell them from
  // inflections the stemmers also reach (see asWritten); and the cues of one word, as a word listed only inside longer
  // cues is a call only with them (see phraseWordCall).
  const callForms = new Set<string>();
  const soloCallForms = new Set<string>();
  for (const e of matcher.entries) {
    if (!CALL_GROUPS.has(e.group)) continue;
    const tokens = tokenise(e.text).tokens;
    for (const t of tokens) callForms.add(t.norm);
    if (tokens.length === 1) soloCallForms.add(tokens[0]!.norm);
  }
  // The lexicon scans the whole (capped) text; the models read its first MODEL_TEXT_CHARS, where a post's claim is.
  const modelText = (nt: NormalisedText): NormalisedText => (nt.cleaned.length > MODEL_TEXT_CHARS ? { ...nt, tokens: nt.tokens.filter((t) => t.start < MODEL_TEXT_CHARS) } : nt);
  const narrativeOptions = (matches: readonly Match[]) => ({ ...NARRATIVE_FEATURES, matches: matches.filter((m) => !m.group.startsWith('g:') && !RULE_ONLY_GROUPS.has(m.group)) });
  const crossLanguage = crossLanguageEntries(matcher.entries);
  const arabiziCallEntry = matcher.entries.findIndex((e) => e.meta === ARABIZI_CALL_ENTRY_META);
  const arabiziCallWeight = matcher.entries[arabiziCallEntry]!.weight;
  const entryForms = new EntryForms(matcher.entries);
  const read = (text: string): { nt: NormalisedText; matches: Match[]; modelNt: NormalisedText; detected: Language } => {
    const nt = tokenise(text);
    const detected = identifyLanguage(nt);
    const found = withArabiziCalls(matcher.match(nt), nt, arabiziCallEntry, arabiziCallWeight);
    const matches = dropForeignInflections(dropForeignFunctionWords(splitInflectedCalls(found, nt, callForms), crossLanguage, detected), nt, textLanguageForMatching(nt, detected), entryForms);
    return { nt, matches, modelNt: modelText(nt), detected };
  };
  // The feature vector itself, for training; classify scores straight from the feature accumulator instead.
  const analyse = (text: string): Analysis => {
    const { nt, matches, modelNt } = read(text);
    return { nt, matches, features: extractFeatures(modelNt, narrativeOptions(matches)) };
  };

  const classify = (input: ClassifyInput): ClassificationResult => {
    const notes: string[] = [];
    // Each note also as a code with values, for the officer-facing reasons (see reasons.ts).
    const noteReasons: Reason[] = [];
    const rawText = typeof input?.text === 'string' ? input.text : '';
    if (typeof input?.text !== 'string') addNote(notes, noteReasons, 'no_text_field', 'no text field: classified as empty');
    const title = typeof input?.title === 'string' ? input.title : '';
    const text = title && !rawText.startsWith(title) ? `${title}\n${rawText}` : rawText;
    const { nt, matches: featureMatches, modelNt, detected } = read(text);
    // Both feature sets from one pass over the tokens; the hate layer's is only completed if it runs. Nothing else may
    // extract features until both are scored: the buffers are shared.
    const features = accumulateFeaturePair(modelNt, narrativeOptions(featureMatches), HATE_FEATURES);
    // What the text itself says, then what the rules, the lexicon scores and the explanation read.
    const saidMatches = splitDescriptiveCalls(featureMatches, nt, soloCallForms);
    const matches = splitQuotedCalls(saidMatches, nt.cleaned);
    if (matches !== saidMatches) {
      const quotedCall = saidMatches.find((m) => CALL_GROUPS.has(m.group))?.surface ?? '';
      addNote(notes, noteReasons, 'quoted_call', `the calls to act stand in quotation marks ("${quotedCall}"): mentioned, not made`, { words: quotedCall });
    }
    // A text without a single word (empty, emoji or markup only) gives the models nothing to read: their output would be
    // their priors (hate_speech 0.14, sovereignty_partition 0.14…), listed as scores of a text that says nothing.
    const probs = bank && nt.tokens.length > 0 ? bank.predictText(features.primary) : null;
    notes.push(...nt.notes);
    if (nt.notes.includes(HTML_REMOVED_NOTE)) noteReasons.push({ code: 'note.html_removed' });
    if (nt.truncated) noteReasons.push({ code: 'note.truncated', values: { limit: MAX_TEXT_CHARS } });
    if (nt.arabizi) noteReasons.push({ code: 'note.arabizi' });

    const hint = typeof input?.language === 'string' ? input.language.toLowerCase().split(/[-_]/)[0]! : '';
    const language: Language | string = KNOWN_LANGUAGES.has(hint) && hint !== 'und' ? hint : detected;
    if (hint && !KNOWN_LANGUAGES.has(hint)) addNote(notes, noteReasons, 'unknown_language_hint', `unknown language hint "${input.language}": detected ${detected}`, { hint: String(input.language).slice(0, 32), detected });
    if (nt.tokens.length === 0) {
      if (rawText.trim()) addNote(notes, noteReasons, 'no_words', 'no words found (emoji, symbols or markup only)');
      else addNote(notes, noteReasons, 'empty', 'empty text');
    }
    if (nt.scriptCounts.arabic > 0 && nt.scriptCounts.latin > 0) addNote(notes, noteReasons, 'mixed_scripts', 'mixed Arabic and Latin scripts');

    const sums = groupSums.add(matches);
    // The matches as found: a call the text quotes or tells of in the past still says which mission it is about.
    const attribution = attributeMissions(featureMatches, nt.arabizi);
    const src = sourceKind(cat, input?.source, input?.url);

    // Narrative scores: lexicon evidence blended with the model's probability.
    const pNarr = probs ? probs[0]! : null;
    // The generic hate layer has its own features (a second extraction, ~20 % of the time on a 1 KB text), so it only
    // runs when the hate score can matter: the text refers to the UN or a mission area, or a hate-speech term
    // matched. Generic hate with no lexicon term and no mission-area anchor is not scored by it (see README).
    const hateRelevant = attribution.unReference || attribution.areaOnly.length > 0 || sums[gHate]! > 0;
    // A place alone runs the hate layer but is no anchor: a Goma phone shop's "FIRE SALE 🔥🔥" read as hate speech in
    // MONUSCO's area. Without a hate term or a UN reference, the narrative model must itself be sure of hate.
    const hateAnchored = attribution.unReference || sums[gHate]! > 0;
    // A text with no word for the models is scored by the hate layer on its lexicon-group features alone.
    const pHate = hate && hateRelevant ? (modelNt.tokens.length ? hate.predictText(features.secondary()) : hate.predict(extractFeatures(modelNt, narrativeOptions(featureMatches)))) : null;
    if (hate && !hateRelevant && nt.tokens.length > 0) addNote(notes, noteReasons, 'hate_layer_skipped', 'hate layer skipped: no UN or mission-area reference and no hate-speech term');
    const pHarm = harmModel && probs ? probs[harmHead]![iHarmful]! : null;
    const hateLayer = pHate && hate ? pHate[iHS]! + 0.5 * (pHate[iOFF] ?? 0) : 0;
    // Scores in NARRATIVE_KEYS order, as the entries of the Map they used to be read from (then stably sorted).
    const ranked: [NarrativeKey, number][] = [];
    let ftpScore = 0;
    const pNone = pNarr && iNone >= 0 ? pNarr[iNone]! : 0;
    for (let ki = 0; ki < NARRATIVE_KEYS.length; ki++) {
      const key = NARRATIVE_KEYS[ki]!;
      const lex = saturate(sums[gNarrative[ki]!]!);
      let p = pNarr && narrativeModel ? pNarr[iNarrative[ki]!] ?? 0 : 0;
      if (blend.pairwise && p > 0) p = p / (p + pNone);
      let s = Math.min(1, blend.model * p + blend.lexicon * lex);
      if (key === 'hate_speech') {
        if (hateLayer > 0) s = 1 - (1 - s) * (1 - blend.hateLayer * hateLayer);
        // Generic hate speech needs evidence of its own: a hate term, a UN or mission-area anchor (where the hate layer
        // read it), or a narrative model sure of it. Otherwise the model's doubt on text unlike any it learnt from
        // (a flat distribution, made sharp by the pairwise reading) called sport, tax and science news hate speech.
        if (!hateAnchored && (pNarr === null || pNarr[iNarrative[ki]!]! < UNANCHORED_HATE_P)) s *= blend.noUnPenalty;
      } else if (!attribution.unReference) s *= blend.noUnPenalty; // Peacekeeping narratives need the text to be about the UN.
      const score = Math.round(s * 1000) / 1000;
      ranked.push([key, score]);
      if (key === 'failure_to_protect') ftpScore = score;
    }
    ranked.sort((a, b) => b[1] - a[1]);
    let [bestKey, bestScore] = ranked[0]!;
    const call = sums[gCall]!;
    const pS1 = s1Model && probs ? probs[2]![iS1]! : 0;
    // A time ("8h", "18:30") counts as logistics; tested at most once per text, and only when the other cues are absent.
    let timeCue: boolean | undefined;
    const targetOrLogistics = sums[gTarget]! > 0 || attribution.contingents.length > 0 || sums[gLogistics]! > 0 || (timeCue ??= namesTime(nt));
    // A notice or a question about the mission's movements with no call in it ("anyone knows if the escort still leaves
    // on Tuesdays?", « patientez au rond-point, ne forcez pas le passage »): the escalation model reads a patrol's time
    // and place as an attack's logistics, and a cross-validation on train had it call 46 such residents' posts S1. Thanks
    // to the mission ("Big thanks to the UNISFA engineers… on Thursday", « شكراً ليهم ») likewise: 3 more in 2026.11.29.
    // And a warm emoji (see WARM_EMOJI).
    const modelEscalation = s1Model !== null && pS1 >= (blend.s1Threshold ?? 0.5);
    // The emoji are looked for only when the escalation model fires: the notice matters only then, and the scan is not
    // paid on every text.
    const benignNotice = call === 0 && sums[gIncitement] === 0 && (sums[gBenign]! > 0 || (modelEscalation && WARM_EMOJI.test(nt.cleaned)));
    const modelWouldEscalate = modelEscalation && targetOrLogistics;
    // The escalation model standing in for a call-to-act cue, with a target or logistics in the text (see severity.ts).
    const s1Evidence = call > 0 || (modelWouldEscalate && !benignNotice);
    if (blend.ftpGuard !== undefined && bestKey !== 'failure_to_protect' && bestKey !== 'hate_speech' && bestKey !== 'sexual_exploitation_abuse') {
      const ftp = ftpScore;
      const explicit = call > 0 || sums[groupSums.id(bestKey)]! >= (blend.ftpExplicit ?? 1);
      // The criticism reading needs its own evidence: a failure-to-protect term outweighing the competing narrative's, or
      // the writer disowning the accusation the words carry (tested last: its regex reads the whole text). On 3-fold
      // cross-validation of train the disclaimer turned 9 criticisms (8 false alarms) to failure to protect and changed
      // no other decision.
      const criticism = ftp > 0 && ftp >= blend.ftpGuard * bestScore && !explicit && sums[groupSums.id('failure_to_protect')]! > sums[groupSums.id(bestKey)]!;
      if (criticism || (call === 0 && bestScore >= blend.threshold && CRITICS_DISCLAIMER.test(nt.cleaned))) {
        addNote(notes, noteReasons, 'read_as_criticism', `read as failure-to-protect criticism: ${bestKey} ${bestScore.toFixed(2)} vs criticism ${ftp.toFixed(2)}, no explicit ${bestKey} claim`, { narrative: bestKey });
        bestKey = 'failure_to_protect';
        bestScore = Math.max(ftp, Math.min(bestScore, blend.threshold));
      }
    }
    // Only for texts that refer to the UN: generic hate speech goes through the hate layer and the threshold. A
    // narrative kept below threshold needs some lexicon evidence for it or a call to act.
    // A call to act is evidence for a mission narrative, not for hate speech: "bring your friends" to a UN peace concert
    // was kept as hate speech, then escalated to S1.
    const keptByHarm =
      pHarm !== null &&
      blend.harmPresence !== undefined &&
      pHarm >= blend.harmPresence &&
      attribution.unReference &&
      bestScore > 0.05 &&
      (sums[groupSums.id(bestKey)]! > 0 || (s1Evidence && bestKey !== 'hate_speech'));
    let topNarrative: NarrativeKey | null = bestScore >= blend.threshold || keptByHarm ? bestKey : null;
    if (topNarrative && bestScore < blend.threshold) addNote(notes, noteReasons, 'kept_by_harm_head', `narrative kept by the harm head (p=${pHarm!.toFixed(2)})`, { p: Math.round(pHarm! * 100) / 100 });
    // Calls left unsaid (mobilisation.ts, threat-of-more.ts, doxxing.ts) share one gate: the harm head calls the text
    // harmful, no counter cue, no official or fact-checking source. Their words are also what news of a march, a debunk
    // of a threat and a press release warning about a doxxing post say.
    const unsaidCallGate = pHarm !== null && pHarm >= (blend.callRescue ?? 0.5) && sums[gCounter] === 0 && !src;
    // Mobilisations and threats of more are read in a text attributed to a mission that holds no call word.
    const attributedWithoutCall = unsaidCallGate && call === 0 && attribution.missions.length > 0;
    // A mobilisation against a mission with a time: a call to act, TAXONOMY.md's "mobilisation with a time and place",
    // the place being the mission the text is attributed to.
    const mobilisation = attributedWithoutCall && (sums[gLogistics]! > 0 || (timeCue ??= namesTime(nt))) ? mobilisationWord(nt.cleaned) : undefined;
    if (mobilisation !== undefined && topNarrative === null) {
      topNarrative = 'expulsion_demand';
      addNote(notes, noteReasons, 'mobilisation', `a mobilisation against the mission with a time ("${mobilisation}"): a call to act`, { words: mobilisation });
    }
    // A call to act with a target or logistics against the mission is itself the incitement narrative, even when no
    // narrative model is sure of the justification around it (S1 recall first).
    // A terse call against a named mission ("Attack the UNMISS camp at Bentiu on Monday.", « هاجموا قاعدة اليونيفيل في
    // شمع يوم الجمعة ») is rescued too when the escalation model is sure, whatever the harm head says: training texts are
    // longer, and the harm head read those two at 0.20 and 0.25. Nothing changed in cross-validation of train; at 0.6 a
    // volleyball match (« l'équipe uruguayenne a attaqué… ») would have been rescued, at 0.5 a chef's quoted « احرقوا » too.
    const sureCall = call > 0 && sums[gTarget]! > 0 && attribution.missions.length > 0 && !benignNotice && pS1 >= CUELESS_ESCALATION;
    if (topNarrative === null && blend.callRescue !== undefined && call > 0 && targetOrLogistics && attribution.unReference && ((pHarm !== null && pHarm >= blend.callRescue) || sureCall)) {
      topNarrative = 'incitement_violence';
      addNote(notes, noteReasons, 'call_rescue', `call to act with a target or logistics (p(harmful)=${pHarm?.toFixed(2) ?? 'none'}, p(S1)=${pS1.toFixed(2)}): incitement`);
    }
    if (
      topNarrative === null &&
      !benignNotice &&
      blend.modelRescue !== undefined &&
      s1Model !== null &&
      pS1 >= blend.modelRescue &&
      targetOrLogistics &&
      attribution.unReference &&
      pHarm !== null &&
      pHarm >= (blend.callRescue ?? blend.modelRescue)
    ) {
      topNarrative = 'incitement_violence';
      addNote(notes, noteReasons, 'model_rescue', `escalation model p(S1)=${pS1.toFixed(2)} with a target or logistics (p(harmful)=${pHarm.toFixed(2)}): incitement`, { p: Math.round(pS1 * 100) / 100 });
    }
    // A fragment (a headline, "MONUSCO Goma", « جنود اليونيفيل بالعاقبية ») gives the models almost nothing to read, and
    // the labelled sets hold a handful of texts that short: their narratives, stances and escalations there were noise
    // (false_flag for "MONUSCO Goma", an S1 for "UNIFIL soldiers in Aqibiya" in Arabic). Such a text keeps a narrative
    // only with a term of the lexicon for it or a call to act ("m0nusc0 dégaaaage", "brûlez la base").
    if (topNarrative !== null && modelNt.tokens.length < FRAGMENT_WORDS && call === 0 && sums[groupSums.id(topNarrative)] === 0) {
      addNote(notes, noteReasons, 'fragment', `${modelNt.tokens.length} words and no term for ${topNarrative}: too short for the models alone`, { words: modelNt.tokens.length, narrative: topNarrative });
      topNarrative = null;
    }
    // Such a notice keeps a narrative only with a term of the lexicon for it: the one the models read into the schedule
    // goes, with the escalation.
    if (benignNotice && modelWouldEscalate && topNarrative !== null && sums[groupSums.id(topNarrative)] === 0) {
      const words = matches.find((m) => m.group === BENIGN_GROUP)?.surface ?? WARM_EMOJI.exec(nt.cleaned)?.[0] ?? '';
      addNote(notes, noteReasons, 'benign_notice', `read as a notice, a question or thanks about the mission ("${words}") with no call to act: ${topNarrative} from the models alone set aside`, { words, narrative: topNarrative });
      topNarrative = null;
    }
    // A post that locates a person of the mission (doxxing.ts): where they live, the plate they drive, when they are
    // alone. Read only in a text about the UN that the harm head calls harmful, with no counter cue and no official or
    // fact-checking source: a debunk or a press release warning about such a post names the same details. Criticism
    // that locates someone is a threat first: the narrative becomes incitement.
    const located = unsaidCallGate && attribution.unReference ? locatingDetails(nt.cleaned) : null;
    const doxxing = located !== null && placesAPerson(located, nt.cleaned);
    // The next attack promised ("Next stop Mavivi!!", « ce n'est que le début ») in a text about an attributed mission.
    const threat = attributedWithoutCall && !doxxing ? threatOfMore(nt.cleaned) : undefined;
    // Doxxing, a mobilisation and a threat of more are calls to act left unsaid: how many the text holds.
    const unsaidCalls = (doxxing ? 1 : 0) + (mobilisation !== undefined ? 1 : 0) + (threat !== undefined ? 1 : 0);
    if ((doxxing || threat !== undefined) && (topNarrative === null || topNarrative === 'failure_to_protect')) {
      topNarrative = 'incitement_violence';
      if (doxxing) addNote(notes, noteReasons, 'doxxing', `a person of the mission located (${located.words.join(', ')}) with no call word: incitement`);
      else addNote(notes, noteReasons, 'threat_of_more', `another attack promised ("${threat}") with no call word: incitement`, { words: threat! });
    }
    if (!attribution.unReference && ranked.some(([k, s]) => k !== 'hate_speech' && s > 0.2)) addNote(notes, noteReasons, 'no_un_reference', 'no reference to the UN or peacekeepers: mission narratives down-weighted');

    let stanceProbs: { endorse: number; counter: number; report: number } | undefined;
    if (stanceModel && probs) {
      const p = probs[1]!;
      stanceProbs = { endorse: p[iEndorse] ?? 0, counter: p[iCounter] ?? 0, report: p[iReport] ?? 0 };
    }
    // A flat denial as the first word, a spokesperson's statement: read only for a text with a narrative and no call, the
    // only one whose stance they can change (decideStance gives them no weight beside a call).
    const denial = topNarrative !== null && call === 0 ? denialOpener(nt.cleaned) : undefined;
    const spokesperson = topNarrative !== null && call === 0 ? spokespersonSpeaking(nt.cleaned) : undefined;
    // A slur the text only quotes is mentioned whatever else it says; a claim only quoted, unless the text calls to act.
    const quoted = topNarrative !== null && (topNarrative === 'hate_speech' || call === 0) ? quotedNarrative(matches, topNarrative, nt.cleaned) : undefined;
    const stanceResult = decideStance({
      hasNarrative: topNarrative !== null,
      counter: sums[gCounter]!,
      report: sums[gReport]!,
      callToAct: call + unsaidCalls,
      source: src?.kind ?? null,
      // Read by decideStance only for a text with a narrative: the regex over the whole text runs only then.
      quotes: topNarrative !== null && QUOTED.test(nt.cleaned),
      mentionOnly: quoted !== undefined,
      denialOpener: denial !== undefined,
      spokesperson: spokesperson !== undefined,
      ...(stanceProbs ? { model: stanceProbs } : {}),
      ...(pHarm !== null && blend.harmStance ? { harm: blend.harmStance * (pHarm - 0.5) } : {}),
    });
    let stance: Stance = stanceResult.stance;
    if (
      stance === 'endorse' &&
      topNarrative !== null &&
      blend.modelOnlyHarm !== undefined &&
      pHarm !== null &&
      pHarm < blend.modelOnlyHarm &&
      !s1Evidence &&
      unsaidCalls === 0 &&
      sums[groupSums.id(topNarrative)] === 0 &&
      topNarrative !== 'failure_to_protect' &&
      topNarrative !== 'sexual_exploitation_abuse'
    ) {
      const ftp = ftpScore;
      if (blend.ftpGuard !== undefined && ftp >= blend.ftpGuard * bestScore) {
        // Angry criticism the models half-read as another narrative: keep the endorsement, as criticism (S4).
        addNote(notes, noteReasons, 'read_as_criticism', `model-only ${topNarrative} with p(harmful)=${pHarm.toFixed(2)} read as failure-to-protect criticism (${ftp.toFixed(2)})`, { narrative: topNarrative });
        topNarrative = 'failure_to_protect';
      } else {
        stance = stanceResult.scores.counter >= stanceResult.scores.report ? 'counter' : 'report';
        stanceResult.reasons.push(`model-only endorsement with p(harmful)=${pHarm.toFixed(2)} < ${blend.modelOnlyHarm}: ${stance}`);
        noteReasons.push({ code: 'note.model_only_not_endorsed', values: { narrative: topNarrative } });
      }
    }

    const sev = decideSeverity(
      {
        topNarrative,
        stance,
        escalationModel: modelEscalation && !benignNotice ? pS1 : null,
        callToAct: call > 0 || mobilisation !== undefined,
        target: sums[gTarget]! > 0 || attribution.contingents.length > 0,
        logistics: sums[gLogistics]! > 0 || (timeCue ??= namesTime(nt)),
        contingentNamed: attribution.contingents.length > 0,
        leadershipNamed: sums[gLeadership]! > 0,
        inflectedCall: sums[gInflected]! > 0,
        doxxing,
        threat: threat !== undefined,
      },
      cat,
    );
    const harmful =
      topNarrative !== null &&
      stance === 'endorse' &&
      topNarrative !== 'failure_to_protect' &&
      topNarrative !== 'sexual_exploitation_abuse' &&
      (sev.severity === 'S1' || sev.severity === 'S2' || sev.severity === 'S3');

    let missions = attribution.missions;
    const missionEvidence = attribution.evidence;
    if (missions.length === 0 && topNarrative === 'hate_speech' && attribution.areaOnly.length > 0) {
      missions = attribution.areaOnly;
      addNote(notes, noteReasons, 'hate_in_mission_area', 'hate speech placed in a mission area by place names only');
      for (const m of missions) missionEvidence.push({ mission: m, evidence: ['mission area (hate speech)'] });
    }

    const matchedTerms: MatchedTerm[] = [];
    const cues: { cue: string; term: string; language: string; surface: string; weight: number }[] = [];
    for (const m of matches) {
      if (TERM_GROUPS.has(m.group)) matchedTerms.push({ term: m.term, narrative: m.group as MatchedTerm['narrative'], language: m.lang, surface: m.surface, weight: Math.round(m.weight * 100) / 100 });
      else if (CUE_GROUPS.has(m.group)) cues.push({ cue: m.group.slice(1), term: m.term, language: m.lang, surface: m.surface, weight: Math.round(m.weight * 100) / 100 });
    }
    if (src) notes.push(`source recognised as ${src.kind === 'official' ? 'official mission outlet' : 'fact-checker'}: ${src.entry.name}`);
    if (!narrativeModel) addNote(notes, noteReasons, 'no_model', 'no trained model loaded: lexicon-only scores');
    // The officer-facing reasons, once every note is in (they end with the notes): the words as written that the
    // decisions rested on.
    const words = decisionWords(matches);
    const reasons = [
      severityReason({
        code: sev.code,
        narrative: topNarrative,
        call: words.call ?? mobilisation,
        target: words.target ?? words.contingent,
        logistics: words.logistics ?? (namesLogistics(sev.code) ? clockTimeIn(nt) : undefined),
        contingent: words.contingent,
        escalation: pS1,
        details: doxxing ? located!.words.join(', ') : undefined,
        threat,
      }),
      stanceReason({ stance, source: src ? { kind: src.kind, name: src.entry.name } : null, counterTerms: words.counterTerms, reportTerms: words.reportTerms, call: words.call, denial, spokesperson, quoted }),
      ...noteReasons,
    ].filter((r): r is Reason => r !== null);

    const result: ClassificationResult = {
      language,
      missions,
      narratives: ranked.filter(([, s]) => s >= 0.05).map(([key, score]) => ({ key, score })),
      topNarrative,
      stance,
      harmful,
      severity: sev.severity,
      classifierVersion: version,
      explanation: {
        matchedTerms,
        missionEvidence,
        notes,
        reasons,
        cues,
        stance: { reasons: stanceResult.reasons, scores: roundStanceScores(stanceResult.scores) },
        severity: { reason: sev.reason, escalated: sev.escalated },
        model: {
          narrative: pNarr && narrativeModel ? topProbs(narrativeModel.classes, pNarr, 3) : null,
          escalation: s1Model ? Math.round(pS1 * 1000) / 1000 : null,
          harm: pHarm === null ? null : Math.round(pHarm * 1000) / 1000,
          hateLayer: pHate && hate ? roundByClass(hate.classes, pHate) : null,
          weights: { model: blend.model, lexicon: blend.lexicon },
        },
        detectedLanguage: detected,
      },
    };
    if (sev.severity === 'S1') result.explanation.target = describeTarget(missions, matches);
    if (typeof input?.id === 'string') result.id = input.id;
    return result;
  };

  return { version, catalogue: cat, classify, analyse };
}

/**
 * What an S1 item threatens, as one string the alerting code keys alerts on (one alert per target): the missions,
 * then the first concrete target cue, contingent or rally point in the text ("MONUSCO base", "MINUSCA convoi").
 */
const TARGET_DETERMINERS = /^(?:(?:la|le|les|l'|l’|leur|leurs|the|their|a|an|un|une|des|du|de)\s*)+/;

// Target surfaces repeat from text to text ("la base", "le convoi"): their key words are memoised, in a map cleared
// when it grows past a bound.
const targetWordsMemo = new Map<string, string>();

/** A target cue's surface as alert-key words: lower case, single spaces, determiners dropped. */
function targetWords(surface: string): string {
  let v = targetWordsMemo.get(surface);
  if (v === undefined) {
    // Determiners dropped so "la base", "leur base" and "the base" key the same alert.
    v = surface.toLowerCase().replace(/\s+/g, ' ').trim().replace(TARGET_DETERMINERS, '');
    if (targetWordsMemo.size >= 10_000) targetWordsMemo.clear();
    targetWordsMemo.set(surface, v);
  }
  return v;
}

/** The first match of a group. */
function firstOf(matches: readonly Match[], group: string): Match | undefined {
  for (let i = 0; i < matches.length; i++) if (matches[i]!.group === group) return matches[i];
  return undefined;
}

function describeTarget(missions: readonly string[], matches: readonly Match[]): string {
  const cue = firstOf(matches, '_target') ?? firstOf(matches, 'g:contingent') ?? firstOf(matches, '_logistics') ?? firstOf(matches, 'g:place');
  const where = cue ? targetWords(cue.surface) : '';
  const who = missions.join('+');
  // The non-empty ones of (missions, where), space-joined.
  return (who && where ? `${who} ${where}` : who || where) || 'unspecified target';
}

/**
 * The critic's disclaimer: the writer disowns the accusation the words carry — "I'm not saying UNIFIL are spies", « je
 * (ne) dis pas qu'ils sont des espions », « je ne dirai jamais que… », « أنا ما بقول إنو », « ما عم قول إنهم », « ما
 * بتّهم », « ما حدا عم يقول », "ma ngoulu", "mish ba2oul", Sudanese "ma bagul", "ma nuguul", "da mâ tuhma" (it is no
 * accusation). Not "ma ngoul" alone: « ma ngoul walou » (I say nothing) is a hint. The Arabic verb of saying counts only before what is said
 * (« إنو », « هم »): « ما بقول أكتر » (I say no more) and « ما بنقوله في التلفون » (we don't say it on the phone) are hints.
 */
const CRITICS_DISCLAIMER =
  /(?:\b(?:(?:i'?m |i am )?not saying|not accusing|nobody is saying|no one is saying|je (?:ne )?dis pas|je ne dirai jamais|je n'accuse pas|on ne dit pas|ma ngoulu|mish ba2oul|mesh ba2ool|mish ba2ool|ma 3am 2oul|ma b2oul|ma bagul|ma gul|ma bingool|ma nuguul|ma nugul|da m[aâ] tuhma|sisemi kwamba)\b)|(?:ما (?:عم )?ب?قول|ما بي قول|لا أقول) (?:إن|ان|هم)|ما بتّهم|ما حدا عم يقول/iu;

/**
 * Warm emoji: smiles, tears of emotion, hearts ("she salutes it like a tiny general 😭", « ils ont même acheté des
 * brochettes chez Maman Solange 😄 »). With no call they set the escalation model aside, as a notice does. Of the 76
 * training texts with one, 1 is S1 and 60 hard negatives; on 3-fold cross-validation of train the rule cleared 4 false
 * alarms and 3 S1 called wrongly, and lost no S1 item. Not 🙂 (four S1 threats end with it: « inshalla mnesta2bilon mitl
 * ma byesta7i2o 🙂 »), 👍 (an S1 plan agreed with one), 😂 (mockery: 12 S1), 😏 or 🔥.
 */
const WARM_EMOJI = /[😄😊😍🥰🥲😅😭🙌💙❤🤗😃]/u;

/** The text quotes someone: an opening quote mark, three or more characters that close none, and a closing one. */
const QUOTED = /[«“"][^»”"]{3,}[»”"]/;

/**
 * The heaviest term of `narrative` as written, when the text matched terms of it and the heaviest of them (at least half
 * the top weight) are only quoted (see {@link onlyQuoted}): the narrative is mentioned, not endorsed. A rebuttal quotes
 * the slur it rebuts, and names the group it defends outside the quotes (« peuls » 0.4, against « serpents » 1.0); a
 * debunk quotes the rumour (« le bras armé de la France », 'UN is putting poison in borehole water'), news the placards
 * ("Stop MINUSCA").
 */
function quotedNarrative(matches: readonly Match[], narrative: string, text: string): string | undefined {
  let top: Match | undefined;
  for (const m of matches) if (m.group === narrative && m.weight > (top?.weight ?? 0)) top = m;
  if (!top) return undefined;
  const heaviest = matches.filter((m) => m.group === narrative && m.weight >= top.weight / 2);
  return onlyQuoted(heaviest, text) ? top.surface : undefined;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Stance scores rounded to 3 decimals, keys in decideStance's order. */
function roundStanceScores(s: { endorse: number; counter: number; report: number }): Record<string, number> {
  return { endorse: round3(s.endorse), counter: round3(s.counter), report: round3(s.report) };
}

/** Probabilities by class name, rounded to 3 decimals, in class order. */
function roundByClass(classes: readonly string[], p: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < classes.length; i++) out[classes[i]!] = round3(p[i]!);
  return out;
}

/**
 * The `n` most probable classes, probabilities rounded to 3 decimals, ties (after rounding) in class order: what a
 * stable sort of every class would put first, without building and sorting an object per class.
 */
function topProbs(classes: readonly string[], p: Float64Array, n: number): { label: string; p: number }[] {
  const top: { label: string; p: number }[] = [];
  for (let i = 0; i < classes.length; i++) {
    const v = round3(p[i]!);
    if (top.length === n && v <= top[n - 1]!.p) continue;
    let j = Math.min(top.length, n - 1);
    while (j > 0 && top[j - 1]!.p < v) j--;
    if (top.length === n) top.pop();
    top.splice(j, 0, { label: classes[i]!, p: v });
  }
  return top;
}
