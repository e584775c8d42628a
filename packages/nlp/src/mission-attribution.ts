/**
 * Which missions a text is about, with evidence. A mission counts when it is named (acronym, name in any
 * language, evasive spelling, its own radio), when a generic reference to peacekeepers or the UN comes with a place,
 * armed group or country of its area, or when one of its contingents or a patrol comes with a place of its area.
 * Conflict news about rebels alone never names the UN and so is attributed to no mission.
 */
import type { MissionCode } from '@vigie/contracts';
import type { Match } from './lexicon-matcher.js';
import { ARABIC_LETTER } from './normaliser.js';

export interface MissionAttribution {
  readonly missions: MissionCode[];
  readonly evidence: { mission: MissionCode; evidence: string[] }[];
  /** The text refers to the UN or peacekeepers at all (named mission, "casques bleus", "ONU"…). */
  readonly unReference: boolean;
  /** Missions whose area is mentioned without any UN reference; used only to place hate speech. */
  readonly areaOnly: MissionCode[];
  /** Troop-contributing nationalities named in the text, as `MISSION|Nationality`. */
  readonly contingents: string[];
}

/**
 * Whether two mentions of one list write the same evidence string: the same surface, and for area mentions the same
 * group; direct mentions share one prefix (`named "FINUL"` for an acronym or a name) except the mission's outlet.
 */
function sameEvidence(a: Match, b: Match, direct: boolean): boolean {
  return a.surface === b.surface && (direct ? (a.group === 'g:outlet') === (b.group === 'g:outlet') : a.group === b.group);
}

/**
 * The distinct mentions of a list (same group and surface written once), in order of first mention. Lists of one
 * are returned as they are; a long repetitive text costs mentions × distinct mentions, as the string lists did.
 */
function distinct(list: Match[], direct: boolean): Match[] {
  if (list.length < 2) return list;
  const out: Match[] = [list[0]!];
  for (let i = 1; i < list.length; i++) {
    const m = list[i]!;
    let seen = false;
    for (let j = 0; j < out.length; j++) {
      if (sameEvidence(out[j]!, m, direct)) {
        seen = true;
        break;
      }
    }
    if (!seen) out.push(m);
  }
  return out;
}

/** Mentions of one mission, in order; kept in an array of such lists in order of the mission's first mention. */
interface MissionMentions {
  readonly code: MissionCode;
  readonly list: Match[];
}

/** Add a mention to its mission's list (a mission has a dozen codes at most: a scan, no Map per text). */
function byMission(lists: MissionMentions[], code: MissionCode, m: Match): void {
  for (let i = 0; i < lists.length; i++) {
    if (lists[i]!.code === code) {
      lists[i]!.list.push(m);
      return;
    }
  }
  lists.push({ code, list: [m] });
}

function mentionsOf(lists: MissionMentions[] | undefined, code: MissionCode): Match[] | undefined {
  if (lists) for (let i = 0; i < lists.length; i++) if (lists[i]!.code === code) return lists[i]!.list;
  return undefined;
}

/** Evidence strings of a mission's area mentions (`place "Goma"`), distinct, in order of first mention. */
function areaEvidence(into: string[], list: Match[] | undefined): string[] {
  if (list) for (const m of distinct(list, false)) into.push(`${m.group.slice(2)} "${m.surface}"`);
  return into;
}

const LETTER_ACRONYM = /^[A-Z]{2,4}$/;

/**
 * Whether an area match is a short all-letter acronym (CAR, NAS, CMA, EIS) written in lower case: then it is most
 * likely the ordinary word of some language (English "car", French « car », Portuguese "nas"), not the country or
 * armed group. Acronyms with digits (M23, 3R, PK5) are no words, so any case counts.
 */
function lowerCaseAcronym(m: Pick<Match, 'term' | 'surface'>): boolean {
  return LETTER_ACRONYM.test(m.term) && m.surface !== m.surface.toUpperCase();
}

/**
 * Whether a mission's area mentions are one capitalised letter acronym and nothing else (NAS, ADF, UPC, CMA): enough
 * beside a UN reference, but alone it is as likely a storage box or a football confederation as an armed group, so it
 * does not place a text without one in the mission's area.
 */
function loneAcronym(list: readonly Match[]): boolean {
  for (const m of list) if (!LETTER_ACRONYM.test(m.term) || m.surface !== list[0]!.surface) return false;
  return true;
}

/** The catalogue's target cues that name a patrol, in any of its languages (patrol, patrouille, dawriyye, دورية…). */
const PATROL_TERM = /patrol|patrouill|dawri|دوري/i;

/** The first target cue that `is` accepts. */
function firstTarget(matches: readonly Match[], is: (m: Match) => boolean): Match | undefined {
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    if (m.group === '_target' && is(m)) return m;
  }
  return undefined;
}

/** A target cue that is a patrol. */
const isPatrol = (m: Match): boolean => PATROL_TERM.test(m.term);

/**
 * A mission's installation as its own posts write it: "their base", « leur camp », "kambi yao", "base na bango",
 * « معسكرهم », « برجهن » (UNIFIL's towers). With a place of a mission's area this is that mission's as plainly as a
 * patrol is: a post that calls to burn "their base at Munigi" rarely says MONUSCO. Read on the words as written (an
 * Arabic stem drops the possessive: « عربات التجار », the traders' carts, stems as « عرباتهم »); vehicles, houses and
 * staff are left out, as the army's or a neighbour's as often as the mission's.
 */
const OWNED_INSTALLATION =
  /^(?:(?:their|leurs?) (?:base|bases|camp|camps|compound|convoy|convoys|convoi|convois|offices|bureaux|entrepôt|entrepôts|warehouse|tower|towers)|(?:kambi|msafara|ofisi|kituo|base|lango) (?:yao|chao|zao|lao|wao)|(?:kaa|camp|base) na bango|[وفبلك]?(?:مقر|مقرات|معسكر|قاعدت|قواعد|قافلت|قوافل|مكاتب|مركز|مراكز|نقطت|نقاط|موقع|مواقع|برج|ابراج|أبراج)(?:هم|هن))(?:\s|$)/;

/**
 * A target cue that is a mission's installation in the words of its own posts (see {@link OWNED_INSTALLATION}), tested
 * on the start of the words as written: a phrase cue may run on ("Kambi yao ya" for "kambi ya").
 */
const isOwnedInstallation = (m: Match): boolean => OWNED_INSTALLATION.test(m.surface.toLowerCase());

/**
 * Target cues that name a base, camp, headquarters or its gate, with an article or not ("the base", « la base »,
 * "markaz", « المعسكر », "kambi ya"). Right before a place or named by it ("base de Katindo", "the Mavivi camp",
 * « معسكر بانتيو », "base ya Rwindi") they are that place's mission base.
 */
const INSTALLATION =
  /^(?:(?:the |la |le |l'|el |al )?(?:base|camp|compound|headquarters|hq|qg|quartier général|gate|portail|markaz|qa3de|mo3askar|m3askar|kambi|lango|geti|مقر|المقر|معسكر|المعسكر|قاعدة|القاعدة|المركز|مركز|بوابة|البوابة)|(?:kambi|base|lango) (?:ya|la))$/;

/**
 * Whether `place` names `installation`'s site: right after it or one word on ("base de Katindo", "camp near Pibor"),
 * right before it ("Bentiu gate"), or inside a phrase cue matched with a word between ("the Mavivi camp" for "the
 * camp"). A phrase with another word between is no site (« la nouvelle base de données », "Bangui : la nouvelle
 * base"). An Arabic place only as written, proclitic aside: a stem is too wide here (« المعسكر الجنوبي », the southern
 * camp, stems to « الجنوب », South Lebanon).
 */
function namesSite(installation: Match, gapped: boolean, place: Match): boolean {
  if (place.group !== 'g:place') return false;
  if (ARABIC_LETTER.test(place.surface) && !place.surface.endsWith(place.term)) return false;
  if (gapped) return place.startTok > installation.startTok && place.endTok < installation.endTok;
  return place.startTok >= installation.endTok ? place.startTok - installation.endTok <= 1 : place.endTok === installation.startTok;
}

/** Missions whose base a text names by its site: an installation cue (see {@link INSTALLATION}) by a place of its area. */
function installationSites(matches: readonly Match[], area: readonly MissionMentions[], into: { mission: MissionCode; evidence: string[] }[]): void {
  for (const t of matches) {
    if (t.group !== '_target' || !INSTALLATION.test(t.term.toLowerCase())) continue;
    // Matched with a word between the cue's words ("The Mavivi camp" for "the camp").
    const gapped = t.endTok - t.startTok > t.term.split(' ').length;
    for (const { code, list } of area) {
      if (into.some((e) => e.mission === code)) continue;
      const places = list.filter((m) => namesSite(t, gapped, m));
      if (places.length > 0) into.push({ mission: code, evidence: areaEvidence([`installation "${t.surface}"`], places) });
    }
  }
}

/** The first target cue of a text that has a call to act; none without a call. */
function calledTarget(matches: readonly Match[]): Match | undefined {
  return matches.some((m) => m.group === '_call_to_act') ? firstTarget(matches, () => true) : undefined;
}

/** Tokens between a contingent and a unit or target word for the two to be read together ("the Rwandan unit at"). */
const UNIT_WINDOW = 3;

/**
 * Whether a contingent mention has a unit or target cue (battalion, patrol, convoy, camp, « الكتيبة », "kambi"…) within
 * {@link UNIT_WINDOW} tokens on either side.
 */
function besideUnit(matches: readonly Match[], c: Match): boolean {
  for (let j = 0; j < matches.length; j++) {
    const t = matches[j]!;
    if (t.group !== '_target') continue;
    if (t.startTok >= c.endTok ? t.startTok - c.endTok < UNIT_WINDOW : c.startTok - t.endTok < UNIT_WINDOW) return true;
  }
  return false;
}

/** Whether `term`'s letters, dots and spaces aside, are `letters` in any case ("UN", "U.N."). */
function isLetters(term: string, letters: string): boolean {
  return term.replace(/[. ]/g, '').toLowerCase() === letters;
}

/**
 * Whether `m` is an acronym's split form (see `splitAcronymForms`: "UNIS FA") written as two ordinary words: with a
 * space between them and not in capitals. "UNIS-FA", "unis.fa" and "UN MISS" name the mission; "unis fa" does not.
 */
function splitAcronymAsWords(m: Match): boolean {
  return m.term.includes(' ') && /\s/.test(m.surface) && m.surface !== m.surface.toUpperCase();
}

/**
 * Whether `m`, a mission's name reached through the Arabizi reading of Latin words, lies on words that name a mission
 * as written: "minusca" in an Arabizi post is MINUSCA's acronym, and its consonants also spell MONUSCO's Arabic name
 * « مونوسكو » (the Arabizi reading drops vowels), which had attributed the post to both missions.
 */
function shadowedArabiziName(m: Match, matches: readonly Match[]): boolean {
  if (m.via !== 'arabizi') return false;
  for (const o of matches) {
    if (o.via === 'arabizi' || (o.group !== 'g:acronym' && o.group !== 'g:name')) continue;
    if (o.startTok < m.endTok && m.startTok < o.endTok) return true;
  }
  return false;
}

/**
 * Attribute a text to missions from its gazetteer matches. `arabizi`: the text is Arabic written in Latin letters,
 * where a contingent beside a unit word reads as it does in Arabic script ("el katibe el italiye").
 */
export function attributeMissions(matches: readonly Match[], arabizi = false): MissionAttribution {
  // Direct and area mentions by mission, in order of first mention. Evidence strings are written once per distinct
  // mention (group and surface) and, for area mentions, only for the missions that end up attributed (most area
  // mentions name places of missions the text is not about).
  let direct: MissionMentions[] | undefined;
  let area: MissionMentions[] | undefined;
  // Generic UN / peacekeeper mentions: their number and the first two distinct surfaces (all the evidence quotes).
  let generic = 0;
  let generic1 = '';
  let generic2: string | undefined;
  // Peacekeepers named by their look (white jeeps, "the blue ones"): they attribute with a place, never alone.
  let byLook = 0;
  let byLook1 = '';
  let contingents: Set<string> | undefined;
  // The first contingent mention per mission (« le contingent marocain », "el katibe l italiyye").
  let contingentMentions: MissionMentions[] | undefined;
  // Nationality words beside a unit or target word ("the Rwandan unit", « الكتيبة الإيطالية », "Indonesian patrol").
  let unitContingent = false;
  // An armed group of some mission's area is named (M23, Hezbollah, SPLA-IO…): then a patrol may be anyone's.
  let groupNamed = false;
  // Missions of contingents written in Arabic beside a unit word (« الكتيبة الإيطالية », « الفرنساوية بالقاعدة »).
  let arabicUnitMissions: Set<MissionCode> | undefined;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    const g = m.group;
    if (g.charCodeAt(0) !== 103 /* g */ || g.charCodeAt(1) !== 58 /* : */) continue;
    switch (g) {
      case 'g:pk':
      case 'g:un':
        // English "UN" (and "U.N.") only in capitals: the lower-case form is the French article "un".
        if (isLetters(m.term, 'un') && m.surface !== m.surface.toUpperCase()) break;
        if (generic === 0) generic1 = m.surface;
        else if (generic2 === undefined && m.surface !== generic1) generic2 = m.surface;
        generic++;
        break;
      case 'g:look':
        if (byLook === 0) byLook1 = m.surface;
        byLook++;
        break;
      case 'g:acronym':
        if (m.meta && !splitAcronymAsWords(m)) byMission((direct ??= []), m.meta as MissionCode, m);
        break;
      case 'g:name':
      case 'g:outlet':
        if (m.meta && !shadowedArabiziName(m, matches)) byMission((direct ??= []), m.meta as MissionCode, m);
        break;
      case 'g:place':
      case 'g:group':
      case 'g:country':
        if (m.meta && !lowerCaseAcronym(m)) {
          byMission((area ??= []), m.meta as MissionCode, m);
          if (g === 'g:group') groupNamed = true;
        }
        break;
      case 'g:contingent':
        if (m.meta) {
          (contingents ??= new Set()).add(m.meta);
          const code = m.meta.slice(0, m.meta.indexOf('|')) as MissionCode;
          if (!mentionsOf(contingentMentions, code)) byMission((contingentMentions ??= []), code, m);
          const beside = besideUnit(matches, m);
          if (beside) unitContingent = true;
          if (beside && (arabizi || ARABIC_LETTER.test(m.surface))) (arabicUnitMissions ??= new Set()).add(code);
        }
        break;
    }
  }
  const evidence: { mission: MissionCode; evidence: string[] }[] = [];
  if (direct) {
    for (const { code, list } of direct) {
      const ev: string[] = [];
      for (const m of distinct(list, true)) ev.push(`${m.group === 'g:outlet' ? 'mission outlet' : 'named'} "${m.surface}"`);
      evidence.push({ mission: code, evidence: areaEvidence(ev, mentionsOf(area, code)) });
    }
  } else if ((generic > 0 || byLook > 0) && area) {
    // Area evidence attributes a mission only when the text speaks of peacekeepers or the UN and names no mission.
    const quoted =
      generic === 0 ? `generic "${byLook1}"` : generic2 === undefined ? `generic "${generic1}"` : `generic "${generic1}", "${generic2}"`;
    for (const { code, list } of area) evidence.push({ mission: code, evidence: areaEvidence([quoted], list) });
  } else if (contingentMentions && area) {
    // A troop contingent of a mission in a place of its area is that mission ("the Italian battalion in Chamaa").
    for (const { code, list } of area) {
      const contingent = mentionsOf(contingentMentions, code);
      if (contingent) evidence.push({ mission: code, evidence: areaEvidence([`contingent "${contingent[0]!.surface}"`], list) });
    }
  }
  if (evidence.length === 0 && generic === 0 && area && !groupNamed) {
    // A patrol in a village of a mission's area, in a text that names no armed group, is that mission's patrol: "the
    // patrol passed through Aqbiya without the army", « الدورية بتمرق كل تنين من عند مفرق كفركلا ». Posts that call to
    // stop it rarely say UNIFIL. Places only (a country is too wide), and patrols only: a car, a road, a base or a
    // convoy in the same village are as often the army's or a trader's (as a rule for every target word, it attributed
    // 31 of the 312 conflict-without-UN training items; for patrols, one). Two narrower readings of a base do count:
    // one the post calls "theirs" anywhere in the text, and one named by its site ("base de Katindo"). On the training
    // set the two found some 45 more texts' missions and attributed one conflict-without-UN item ("a cattle camp near Pibor").
    const patrol = firstTarget(matches, isPatrol);
    const owned = patrol ? undefined : firstTarget(matches, isOwnedInstallation);
    // A call to act with a target ("on bloque la piste", "tokanga nzela", « منمنع سياراتهن ») in a place of a mission's
    // area, naming no armed group, is a call against that mission that does not say its name, as such calls are written.
    // On the training set it found 25 more texts' missions and attributed two texts with none (a malaria campaign's
    // « Bloquons la route au paludisme » in Bambari; a raid by an armed group whose name, « ٣R », was not read).
    const called = patrol || owned ? undefined : calledTarget(matches);
    const cue = patrol ? `patrol "${patrol.surface}"` : owned ? `their installation "${owned.surface}"` : called ? `called target "${called.surface}"` : undefined;
    if (cue) {
      for (const { code, list } of area) {
        const places = list.filter((m) => m.group === 'g:place');
        if (places.length > 0) evidence.push({ mission: code, evidence: areaEvidence([cue], places) });
      }
    } else installationSites(matches, area, evidence);
  }
  if (evidence.length === 0 && !area && arabicUnitMissions?.size === 1) {
    // A unit of a nationality that serves in one mission only, named in Arabic and in no mission's area: in Arabic
    // posts « الكتيبة الإيطالية » is UNIFIL's Italian battalion as plainly as "the Italian battalion in Chamaa" is, and
    // so is "el katibe el italiye" in Arabizi. Not in English or French, where "the French base" is as often a national
    // force outside any mission.
    const [code] = arabicUnitMissions;
    evidence.push({ mission: code!, evidence: [`contingent "${mentionsOf(contingentMentions, code!)![0]!.surface}"`] });
  }
  if (evidence.length > 1) evidence.sort((a, b) => b.evidence.length - a.evidence.length || a.mission.localeCompare(b.mission));
  const missions = evidence.map((e) => e.mission);
  const areaOnly = missions.length === 0 && area ? area.filter((a) => !loneAcronym(a.list)).map((a) => a.code) : [];
  // A nationality alone is no reference to the UN: "Russian mercenaries implicated in Mali massacre" matched MINURSO's
  // Russian observers and read as hate speech in a mission area, and "British", "Korean", "Chinese" made 22 of the 36
  // recorded feed items called harmful. A contingent counts beside a unit or target word, through the mission it
  // attributes, or with a UN or peacekeeper mention; otherwise it is no contingent at all.
  const unReference = missions.length > 0 || generic > 0 || unitContingent;
  return { missions, evidence, unReference, areaOnly, contingents: contingents && unReference ? [...contingents] : [] };
}
