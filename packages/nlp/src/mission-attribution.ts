/**
 * Which missions a text is about, with evidence. A mission counts when it is named (acronym, name in any
 * language, evasive spelling, its own radio), or when a generic reference to peacekeepers or the UN comes with a
 * place, armed group or country of its area. Conflict news about rebels alone never names the UN and so is
 * attributed to no mission.
 */
import type { MissionCode } from '@vigie/contracts';
import type { Match } from './lexicon-matcher.js';

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

const DIRECT = new Set(['g:acronym', 'g:name', 'g:outlet']);
const AREA = new Set(['g:place', 'g:group', 'g:country']);

function push(map: Map<MissionCode, string[]>, code: MissionCode, ev: string): void {
  const list = map.get(code);
  if (!list) map.set(code, [ev]);
  else if (!list.includes(ev)) list.push(ev);
}

/** Attribute a text to missions from its gazetteer matches. */
export function attributeMissions(matches: readonly Match[]): MissionAttribution {
  const direct = new Map<MissionCode, string[]>();
  // Area matches by mission, in order of first mention; their evidence strings are only written for the missions
  // that end up attributed (most area mentions name places of missions the text is not about).
  const area = new Map<MissionCode, Match[]>();
  const generic: string[] = [];
  const contingents = new Set<string>();
  for (const m of matches) {
    if (m.group === 'g:pk' || m.group === 'g:un') {
      // English "UN" only in capitals: the lower-case form is the French article "un".
      if (m.term.length === 2 && m.term.toLowerCase() === 'un' && m.surface !== 'UN') continue;
      generic.push(m.surface);
    } else if (DIRECT.has(m.group) && m.meta) {
      push(direct, m.meta as MissionCode, `${m.group === 'g:outlet' ? 'mission outlet' : 'named'} "${m.surface}"`);
    } else if (AREA.has(m.group) && m.meta) {
      const list = area.get(m.meta as MissionCode);
      if (!list) area.set(m.meta as MissionCode, [m]);
      else list.push(m);
    } else if (m.group === 'g:contingent' && m.meta) {
      contingents.add(m.meta);
    }
  }
  const areaEvidence = (code: MissionCode): string[] => {
    const out = new Map<MissionCode, string[]>();
    for (const m of area.get(code) ?? []) push(out, code, `${m.group.slice(2)} "${m.surface}"`);
    return out.get(code) ?? [];
  };
  const evidence: { mission: MissionCode; evidence: string[] }[] = [];
  for (const [code, ev] of direct) evidence.push({ mission: code, evidence: [...ev, ...areaEvidence(code)] });
  // Area evidence attributes a mission only when the text speaks of peacekeepers or the UN and names no mission.
  if (direct.size === 0 && generic.length > 0) {
    const quoted = [...new Set(generic)].slice(0, 2).map((g) => `"${g}"`);
    for (const code of area.keys()) evidence.push({ mission: code, evidence: [`generic ${quoted.join(', ')}`, ...areaEvidence(code)] });
  }
  evidence.sort((a, b) => b.evidence.length - a.evidence.length || a.mission.localeCompare(b.mission));
  const missions = evidence.map((e) => e.mission);
  const areaOnly = missions.length === 0 ? [...area.keys()] : [];
  return { missions, evidence, unReference: missions.length > 0 || generic.length > 0 || contingents.size > 0, areaOnly, contingents: [...contingents] };
}
