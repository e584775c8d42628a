/**
 * JIT warm-up for a process that classifies for hours (the classifier service).
 *
 * V8 compiles a hot function with the optimising compiler using the types it has seen so far. When a later text
 * takes a path never taken before (the first contingent named, the first area-only text, a fact-checker as source,
 * a string built another way), the optimised code is thrown away and the function — `classify`, with everything
 * inlined into it — is compiled again, on the same core as the work. Measured on the labelled benchmark corpus,
 * pinned to one core: the first 5,000 texts after start spent ~0.5 s in such compilations, ~40 % of their time, and
 * `classify` alone was compiled four times (~100 ms each) before it settled (BENCHMARKS.md).
 *
 * Warming up classifies, before the first job, texts built from the catalogue itself: every narrative's exemplars
 * and counter-messages, lexicon phrases in every language, each mission's names, evasive spellings, places, armed
 * groups and contingents, official and fact-checking sources, calls to act with targets and times, and the inputs
 * the classifier must survive (empty, emoji only, markup, mixed scripts, long articles). The texts are assembled in
 * the representations strings arrive in (flat from JSON or BSON, sliced, concatenated), so the compiled code has
 * seen each kind. Nothing is cached for later texts except what the catalogue's own words put in the token caches.
 */
import type { NarrativeKey } from '@vigie/contracts';
import type { Catalogue } from './catalogue.schema.js';
import type { ClassifyInput } from './classifier.js';
import { MAX_TEXT_CHARS } from './normaliser.js';

/** What {@link warmUpClassifier} needs: anything that classifies with a catalogue. */
export interface WarmableClassifier {
  readonly catalogue: Catalogue;
  classify(input: ClassifyInput): unknown;
}

export interface WarmUpReport {
  /** Items classified. */
  readonly items: number;
  /** Wall-clock milliseconds spent. */
  readonly ms: number;
}

/** Rounds over the warm-up items by default: measured enough for the optimised code to settle (BENCHMARKS.md). */
export const DEFAULT_WARM_UP_ROUNDS = 8;

/** Short sentences from the catalogue (every narrative, mission and cue), in the catalogue's languages. */
export function warmUpSentences(catalogue: Catalogue): string[] {
  const out: string[] = [];
  const missions = catalogue.gazetteers.missions;
  for (const [key, narrative] of Object.entries(catalogue.narratives)) {
    for (const e of narrative.exemplars) out.push(e.text);
    out.push(...narrative.counterMessaging.fr, ...narrative.counterMessaging.en);
    // Lexicon phrases per language, attributed to a mission, so every language's entries (and their stems) are read.
    const byLang = new Map<string, string[]>();
    for (const e of narrative.lexicon) {
      const list = byLang.get(e.lang) ?? [];
      if (list.length < 4) byLang.set(e.lang, [...list, e.text]);
    }
    let i = key.length;
    for (const terms of byLang.values()) {
      const m = missions[i++ % missions.length]!;
      out.push(`${m.acronyms[0] ?? m.code} ${terms.join(', ')} ${m.places[0] ?? ''}`);
    }
  }
  const cue = (list: readonly { text: string }[], i: number): string => list.length ? list[i % list.length]!.text : '';
  const { cues } = catalogue;
  missions.forEach((m, i) => {
    const name = m.acronyms[0] ?? m.code;
    const place = m.places[i % Math.max(1, m.places.length)] ?? '';
    const group = m.armedGroups[0] ?? '';
    const contingent = m.contingents[0]?.forms[0] ?? '';
    out.push(
      `${place} : des affrontements entre ${group} et l'armée ont fait cinq morts.`,
      `Les casques bleus ${contingent} à ${place} soutiennent ${group}, ${m.countries[0] ?? ''}.`,
      `${m.evasions[0] ?? name} dégaaaage de ${m.places[1] ?? place} !!!`,
      `Demain à 8h ${cue(cues.callToAct, i)} ${cue(cues.targets, i)} ${name} à ${place}, ${cue(cues.logistics, i)}`,
      `${m.names.fr[0] ?? name} ${cue(cues.counter, i)} ${cue(cues.report, i)} ${cue(cues.leadership, i)}`,
      `${m.names.ar[0] ?? name} ${m.names.en[0] ?? ''} ${m.names.other[0] ?? ''}`,
      `« ${cue(cues.callToAct, i + 1)} la ${name} », a déclaré un habitant de ${place} cité par "Radio" ; ${cue(cues.report, i)}`,
    );
  });
  for (const p of catalogue.gazetteers.genericPeacekeepers.slice(0, 6)) out.push(`${p.text} ${missions[0]?.places[0] ?? ''}`);
  for (const u of catalogue.gazetteers.genericUn.slice(0, 6)) out.push(`${u.text} ${missions[1]?.places[0] ?? ''}`);
  for (const s of catalogue.gazetteers.sources.official.slice(0, 8)) out.push(`${s.name} : ${cue(cues.report, s.name.length)} ${missions[0]?.places[2] ?? ''}`);
  out.push('', '   ', '🔥🔥🔥 👀', '<p>&nbsp;<b>MONUSCO</b></p> &amp; <script>x</script>', 'yalla unifil barra, 3am yesta3mlo el kameret', 'M.O.N.U.S.C.O casqu3s bl3us', 'ٱلْأُمَمُ ٱلْمُتَّحِدَةُ ١٢٣ ـــ', 'UN un Un', 'Les c a s q u e s b l e u s et la m o n u s c o partent', 'Date: ۱۴۰۲/۰۵/۱۲ — 12 morts&#233;&#x2019; \u0007 ctrl', 'اليونيفيييييل برااااا');
  return [...new Set(out)];
}

/**
 * Warm-up items: the sentences alone and joined into ~1 KB posts and one long article, each in the string
 * representations inputs arrive in, with the optional fields (title, source, URL, language hint) present and absent.
 */
export function warmUpItems(catalogue: Catalogue): ClassifyInput[] {
  const sentences = warmUpSentences(catalogue);
  const posts: string[] = [];
  for (let i = 0; i < sentences.length; i += 3) {
    let text = '';
    for (let j = i; text.length < 1000; j++) text += `${sentences[j % sentences.length]} `;
    posts.push(text);
  }
  const joined = posts.join('\n');
  const article = joined.slice(0, 9000);
  // Longer than MAX_TEXT_CHARS: truncated, with a note.
  const oversized = joined.repeat(Math.ceil((2 * MAX_TEXT_CHARS + 1) / Math.max(1, joined.length))).slice(0, 2 * MAX_TEXT_CHARS + 1);
  const { official, factCheckers } = catalogue.gazetteers.sources;
  const sources = [...official.slice(0, 3), ...factCheckers.slice(0, 3)];
  const items: ClassifyInput[] = [];
  const all = [...sentences, ...posts, article];
  all.forEach((text, i) => {
    // Flat (parsed from JSON, as from a queue or the database), sliced and concatenated strings; with an id and a
    // headline as the service passes them, and bare as from the CLI or the API's test endpoint.
    const flat = JSON.parse(JSON.stringify(text)) as string;
    const half = text.length >> 1;
    // Official outlets and fact-checkers, an unknown page, and a URL that does not parse.
    const source = i % 4 === 0 ? sources[i % Math.max(1, sources.length)] : i % 4 === 1 ? { name: 'Kivu Libre (page Facebook)', domains: i % 8 === 1 ? ['not a url'] : ['example.org'] } : undefined;
    items.push({ id: `warm-up-${i}`, text: flat, title: i % 2 === 0 ? sentences[(i + 1) % sentences.length] : undefined });
    items.push({ text: `#${text}`.slice(1), title: i % 3 === 0 ? text.slice(0, 40) : undefined, language: i % 5 === 0 ? 'fr' : i % 7 === 0 ? 'xx-YY' : undefined });
    items.push({ id: String(i), text: text.slice(0, half) + text.slice(half), source: source?.name, url: source?.domains[0] ? (source.domains[0].includes(' ') ? source.domains[0] : `https://${source.domains[0]}/a/${i}`) : undefined });
  });
  // A queue payload that lost its text: classified as empty, with a note.
  items.push({} as ClassifyInput, { id: 'warm-up-oversized', text: oversized });
  // Claims answered in the same post (a thread pasted whole): each exemplar with the counter-messages of its own
  // narrative and of failure-to-protect, and the criticism exemplars with every counter-message. These reach the
  // failure-to-protect guard, which otherwise first runs on live items and throws away the compiled classifier.
  const counterOf = (n: Catalogue['narratives'][NarrativeKey]): string[] => [...n.counterMessaging.fr, ...n.counterMessaging.en];
  const criticism = catalogue.narratives.failure_to_protect;
  const everyCounter = Object.values(catalogue.narratives).flatMap(counterOf);
  for (const narrative of Object.values(catalogue.narratives)) {
    const replies = narrative === criticism ? everyCounter : [...counterOf(narrative), ...counterOf(criticism)];
    for (const e of narrative.exemplars) for (const reply of replies) items.push({ text: `${e.text} ${reply}` });
  }
  // Criticism and another narrative's claim in one post, in both orders: the guard weighs the two. Which of the pairs
  // above reaches it depends on the model a retrain ships (the model of 7,764 items reached it only through these).
  for (const narrative of Object.values(catalogue.narratives)) {
    if (narrative === criticism) continue;
    for (const e of narrative.exemplars) for (const c of criticism.exemplars) items.push({ text: `${c.text} ${e.text}` }, { text: `${e.text} ${c.text}` });
  }
  return items;
}

/** Classify the warm-up items `rounds` times. Results are discarded; the classifier keeps no per-text state. */
export function warmUpClassifier(classifier: WarmableClassifier, rounds = DEFAULT_WARM_UP_ROUNDS): WarmUpReport {
  const started = performance.now();
  const items = warmUpItems(classifier.catalogue);
  for (let r = 0; r < rounds; r++) for (const item of items) classifier.classify(item);
  return { items: items.length * rounds, ms: performance.now() - started };
}
