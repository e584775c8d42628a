import { existsSync } from 'node:fs';
import { parseFeedFolder, SHARED_FEEDS_DIR as FEEDS_DIR } from '@vigie/feeds';
import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';
import { DEFAULT_GENERAL_NEWS_URL, readLabelledJsonl } from './dataset.js';
import { evaluateOffTopic, formatOffTopic, type OffTopicItem, type OffTopicReport } from './off-topic.js';

const classifier = createClassifier();

describe('off-topic false alarms', () => {
  const items: OffTopicItem[] = [
    { id: 'a', origin: 'sport.xml', title: 'Late goal sends the champions top of the league', text: 'A header in stoppage time settled a tense derby on Saturday.' },
    { id: 'b', origin: 'business.xml', text: 'Gold price edges higher as investors weigh rate cuts; mining shares mixed.' },
    { id: 'c', origin: 'forward.xml', text: 'Demain à 8h rendez-vous au rond-point, brûlons la base de la MONUSCO à Goma !' },
  ];

  it('counts harmful items as false alarms, those attributed to a mission as alerts, and lists them with their feed', () => {
    const seen: number[] = [];
    const rep = evaluateOffTopic(items, classifier, (done) => seen.push(done));
    expect(seen).toEqual([1, 2, 3]);
    expect(rep).toMatchObject({ items: 3, harmful: 1, alerts: 1, byNarrative: { incitement_violence: 1 } });
    expect(rep.flagged).toEqual([{ id: 'c', origin: 'forward.xml', title: items[2]!.text.slice(0, 100), topNarrative: 'incitement_violence', severity: 'S1', missions: ['MONUSCO'] }]);
  });

  it('prints the rates and the flagged items, alerts first, with table cells escaped', () => {
    const text = formatOffTopic({ ...evaluateOffTopic(items, classifier), flagged: [
      { id: 'x', origin: 'f.xml', title: 'no | mission', topNarrative: 'hate_speech', severity: 'S2', missions: [] },
      { id: 'y', origin: 'g.xml', title: 'alert', topNarrative: 'incitement_violence', severity: 'S1', missions: ['MONUSCO'] },
    ] });
    expect(text).toContain('| 3 | 1 (33.3 %) | 1 (33.3 %) |');
    expect(text).toContain('harmful by top narrative: incitement_violence 1');
    const rows = text.split('\n').filter((l) => l.startsWith('| g.xml') || l.startsWith('| f.xml'));
    expect(rows).toEqual(['| g.xml | alert | incitement_violence | S1 | MONUSCO |', '| f.xml | no \\| mission | hate_speech | S2 | — |']);
  });
});

/** Titles of the flagged items, listed when a bound below fails: what the classifier called harmful in ordinary news. */
const listFlagged = (rep: OffTopicReport): string => rep.flagged.map((f) => `${f.topNarrative} ${f.missions.join(',')} ${f.title}`).join('\n');

describe('false alarms on off-topic traffic', () => {
  // Before the matching and hate-evidence rules of 2026-11-27: 7.0 % of the feeds' items harmful, 2 alerts; 1.5–1.9 %
  // after them; 0.5 % since a nationality alone ("British", "Korean", "Russian") stopped counting as a UN reference
  // and English "sales" and "animals" stopped being hate terms; 0.2 % (4 items, none S1) since the stems of another
  // language's terms stopped reaching English words ("March" → « marchons », "part" → « partez ») and "United" the
  // target "unit" (two S1 calls to violence: a WordPress release and a UN Environment photo partnership). Urdu no
  // longer read as Arabic took one more away; the model retrained on catalogue 2026.11.8 read one back (a blog post on
  // Xcode plugins as hate speech): 4. The model of 4,611 items: 4 with the model-only gate off (one an S1 "incitement"
  // from a WordPress podcast, on the model alone), 2 with it on (none S1, none attributed to a mission); 3 with the 230
  // S1-heavy items of 4,841 (a Telegraph headline on Ukraine and the UN read as hate speech, none S1, none attributed);
  // 4 with consonant-skeleton features, then 2 with the Arabizi batch and catalogue 2026.11.16 (5,101; none S1, none
  // attributed: a Telegraph headline as geopolitical proxy, an FT one as hate speech); 1 with catalogue 2026.11.17; the
  // same 2 with the 5,444 items and catalogue 2026.11.18; 3 with the 6,393 items and catalogue 2026.11.19 (one more
  // Telegraph headline, "Zelensky tells UN: act now … or dissolve yourself", as hate speech; none S1, none attributed);
  // the same 3 with catalogue 2026.11.20, and with the 6,757 and the 7,384 items; the same 3 headlines with the 7,764
  // items (Zelensky's now as geopolitical proxy; none S1, none attributed); the same 3 with the 8,316 items and
  // catalogue 2026.11.21, and with catalogue 2026.11.22 (bases by "their" and by site; still none attributed), and with 2026.11.23 and 2026.11.24
  // (a call against a target in a mission's area; still none attributed).
  it('flags at most 0.5 % of the recorded real-world feeds harmful, none of them S1, and at most 1 in 1,000 would alert', async () => {
    expect(existsSync(FEEDS_DIR), `${FEEDS_DIR} is missing: lay the shared/ folder beside the checkout`).toBe(true);
    const folder = await parseFeedFolder(FEEDS_DIR);
    const items = folder.items.map(({ file, item }) => ({ id: item.id, origin: file, title: item.title, text: item.text }));
    expect(items.length).toBeGreaterThan(2000);
    const rep = evaluateOffTopic(items, classifier);
    expect(rep.harmful / rep.items, listFlagged(rep)).toBeLessThanOrEqual(0.005);
    expect(rep.flagged.filter((f) => f.severity === 'S1'), listFlagged(rep)).toEqual([]);
    expect(rep.alerts / rep.items, listFlagged(rep)).toBeLessThanOrEqual(0.001);
  });

  // 2 of 350 before the contingent rule, 1 since, 0 with the model retrained on catalogue 2026.11.8.
  it('flags at most 1 % of the team-written general news harmful', () => {
    const { examples, errors } = readLabelledJsonl(DEFAULT_GENERAL_NEWS_URL);
    expect(errors).toEqual([]);
    expect(examples.length).toBe(350);
    expect(examples.every((e) => !e.harmful && e.topNarrative === null && e.missions.length === 0)).toBe(true);
    const rep = evaluateOffTopic(examples.map((e) => ({ id: e.id, origin: e.language, text: e.text })), classifier);
    expect(rep.harmful / rep.items, listFlagged(rep)).toBeLessThanOrEqual(0.01);
  });
});
