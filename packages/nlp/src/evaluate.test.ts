/**
 * Floors on the labelled dev set and the public hate-speech sets: the figures actually reached (see data/README.md),
 * so a regression fails the build. The dev-set targets of issue 4 are met and are the floors, and so is OSACT4 A (target 0.85).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClassifier, loadHateModel } from './classifier.js';
import { DEFAULT_ARABIZI_URL, DEFAULT_DEV_URL, DEFAULT_HOLDOUT_URL, readLabelledJsonl } from './dataset.js';
import { evaluate, formatEvaluation, type Metrics } from './evaluate.js';
import { bestThreshold, DEFAULT_DATASETS_DIR, evaluateHateLayer, loadHateCorpora } from './hate-layer.js';

const hasDev = existsSync(DEFAULT_DEV_URL);

/** Each figure of `m` at or beyond its floor (false alarms at or below their ceiling). */
function expectFloors(m: Metrics, floor: { f1: number; s1Recall: number; s1Precision: number; macroF1: number; falseAlarms: number }): void {
  expect(m.harmful.f1).toBeGreaterThanOrEqual(floor.f1);
  expect(m.s1Recall ?? 0).toBeGreaterThanOrEqual(floor.s1Recall);
  expect(m.s1Precision ?? 0).toBeGreaterThanOrEqual(floor.s1Precision);
  expect(m.narrativeMacroF1).toBeGreaterThanOrEqual(floor.macroF1);
  expect(m.falseAlarmRate ?? 1).toBeLessThanOrEqual(floor.falseAlarms);
}

describe.runIf(hasDev)('dev set floors', () => {
  it('keeps harmful F1, S1 recall, narrative macro-F1 and false alarms at or beyond the reached figures', () => {
    const { examples } = readLabelledJsonl(DEFAULT_DEV_URL);
    expect(examples.length).toBeGreaterThan(300);
    const rep = evaluate(examples, createClassifier());
    // 2026-11-27 (1,552 independently written train items, S1 F2 in the blend's tuning): F1 0.929, S1 0.983, S1
    // precision 0.704, macro-F1 0.807, false alarms 0.024; the floors sit at or beyond the issue-4 targets (≥ 0.85,
    // ≥ 0.95, ≥ 0.75, ≤ 0.05). S1 precision has no target: its floor keeps escalations from flooding back (0.55 before;
    // 0.803 since calls stated of a third person, « partagez massivement », model escalations on a target alone
    // below 0.5 and loose Arabic logistics cues stopped counting). Arabic calls with an object pronoun or a dialect
    // tense prefix (هاجموهم, منضربهم; catalogue 2026.11.12) escalate more Arabic posts: S1 precision 0.760. The model
    // of 4,224 items: F1 0.934, S1 0.966 (56/58), S1 precision 0.800, false alarms 0.020. The model of 4,611 items
    // (catalogue 2026.11.14, model-only gate always on): F1 0.928, S1 0.966, S1 precision 0.789, false alarms 0.015;
    // with 230 S1-heavy items (4,841): F1 0.924, S1 0.983 (57/58), S1 precision 0.814, macro-F1 0.814, false alarms 0.015.
    // With consonant-skeleton features, 260 Arabizi and Arabic items and catalogue 2026.11.16 (5,101 items; the tuning
    // chose S1 threshold 0.15): F1 0.934, S1 0.983, S1 precision 0.770, macro-F1 0.831, false alarms 0.015. With 343 more
    // items (Arabizi, praise and thanks, patrol schedules) and catalogue 2026.11.18 (5,444 items; S1 threshold 0.4
    // chosen): F1 0.932, S1 0.966 (56/58), S1 precision 0.848, macro-F1 0.831, false alarms 0.015. With 949 more items
    // (praise against praise of attacks, Arabizi hard negatives, calls in new registers, 570 innocent patrol times),
    // catalogue 2026.11.19 and short fragments kept from model-only narratives (6,393 items; same blend chosen): F1 0.918,
    // S1 0.983 (57/58), S1 precision 0.826, macro-F1 0.822, false alarms 0.020 (4/205). Catalogue 2026.11.20 (doxxing,
    // rhetorical and "they know what to do" calls, "stop spreading" and Maghrebi debunk cues), retrained on the same
    // items: F1 0.918, S1 0.983, S1 precision 0.814 (70 called), macro-F1 0.823, false alarms 0.020. With 364 train items
    // from three more writers (6,757; same blend): F1 0.918, S1 0.983, S1 precision 0.814, macro-F1 0.838, false alarms
    // 0.020. With 627 items from five more writers (7,384; same blend): F1 0.930, S1 0.983, S1 precision 0.864 (66
    // called), macro-F1 0.838, false alarms 0.020. With 380 S1-heavy items from three more (7,764; the tuning chose
    // S1 threshold 0.3): F1 0.920, S1 0.983, S1 precision 0.814 (70 called), macro-F1 0.820, false alarms 0.024 (5/205).
    // With 552 more (8,316: Arabizi negatives, calls that are not orders; same blend) and catalogue 2026.11.21
    // (peacekeepers by their look, more places): F1 0.926, S1 0.966 (56/58), S1 precision 0.824 (68 called), macro-F1
    // 0.828, false alarms 0.015 (3/205). Catalogue 2026.11.22 (a base that is "theirs" or named by its site attributes
    // its mission, contingents as posts write them), retrained on the same items (S1 threshold 0.3 → 0.4 chosen): F1
    // 0.928, S1 0.966 (56/58), S1 precision 0.848 (66 called), macro-F1 0.828, false alarms 0.015 (3/205). Catalogue
    // 2026.11.23 (calls and Arabizi corrections read off cross-validation misses; S1 threshold 0.25 chosen): F1 0.932,
    // S1 0.966, S1 precision 0.824 (68 called), macro-F1 0.829, false alarms 0.015; the same with catalogue 2026.11.24
    // (a call against a target in a mission's area attributes it; one more dev text's mission found). Same model,
    // 2026.11.29 rules (claims only quoted are mentioned; a sure escalation model rescues a terse call against a named
    // mission): F1 0.936, S1 0.983 (57/58), S1 precision 0.826 (69 called), false alarms 0.010 (2/205).
    // Retrained (same blend) with 210 terse posts more (8,526 items): F1 0.932, S1 0.983 (57/58), S1 precision 0.770 (74
    // called), macro-F1 0.837, false alarms 0.020 (4/205).
    // Catalogue 2026.11.31 (46 call forms), retrained on the same items: macro-F1 0.840, the rest the same. A word listed
    // only inside longer calls, standing alone, is told (« pendant l'attaque »): F1 0.934, S1 precision 0.792 (72
    // called), macro-F1 0.841, false alarms 0.015 (3/205).
    expectFloors(rep.overall, { f1: 0.93, s1Recall: 0.95, s1Precision: 0.75, macroF1: 0.82, falseAlarms: 0.025 });
    // One batch (dev-NNNN): no batch rows.
    expect(rep.byBatch).toEqual({});
  }, 60_000);
});

describe.runIf(existsSync(DEFAULT_HOLDOUT_URL))('held-out set floors', () => {
  it('keeps the figures reached on items written by other people', () => {
    const { examples, errors } = readLabelledJsonl(DEFAULT_HOLDOUT_URL);
    expect(errors).toEqual([]);
    expect(examples.length).toBe(2441);
    const rep = evaluate(examples, createClassifier());
    // 2026-11-27 (data/README.md, "The held-out set"), all four writers' 540 items: F1 0.885, S1 recall 0.920 (69/75),
    // S1 precision 0.758, macro-F1 0.722, false alarms 0.023; Arabizi and Arabic are the weak parts. Later the same day:
    // S1 recall 0.933 (70/75), S1 precision 0.795 (catalogue 2026.11.5, the Arabizi qaf, the escalation rules). With `ho-e`'s
    // 148 items (688): F1 0.898, S1 recall 0.938 (90/96), S1 precision 0.804, macro-F1 0.738, false
    // alarms 0.027 (model retrained on catalogue 2026.11.8); retrained by the current code (fingerprinted inputs), F1 0.896;
    // with 300 Arabizi train items and four shuffles averaged: F1 0.901, S1 0.927 (89/96), S1 precision 0.788, macro-F1
    // 0.768, false alarms 0.033. With five more writers' 499 items (3,639) and catalogue 2026.11.10: F1 0.916, S1 recall
    // 0.917 (88/96; 0.948 and 0.958 with two other seed bases of 4dc0b85's training), S1 precision 0.815, macro-F1
    // 0.778, false alarms 0.024. Then `ho-f` (192 items from three writers, measured once, totals only): F1 0.933, S1
    // recall 0.784 (29/37; Arabic 3/8), false alarms 0.046 — all 880: F1 0.919, S1 0.880, S1 precision 0.824, macro-F1
    // 0.788, false alarms 0.030 (data/README.md, "Seventh round"). Catalogue 2026.11.11 (dialect contingents, « البعثة »):
    // all 880 F1 0.915, S1 0.887, S1 precision 0.808, false alarms 0.030; `ho-f` F1 0.927, S1 0.811 (30/37), false alarms
    // 0.055. Catalogue 2026.11.12 (Arabic call forms): all 880 F1 0.916, S1 0.880 (Arabic 17/23, was 15/23), false alarms
    // 0.027; `ho-f` F1 0.933, S1 0.784 (29/37), false alarms 0.046. Then `ho-g` (198 items from three more writers,
    // totals only; data/README.md, "Eighth round") and a model of 4,224 items (585 more, Arabic script above all;
    // catalogue 2026.11.13; tuned S1 threshold 0.25, model-only gate 0.5): all 1,078 F1 0.920, S1 0.919 (158/172),
    // S1 precision 0.819, macro-F1 0.781, false alarms 0.037; the old 880 S1 121/133, false alarms 16/440 (was 12);
    // `ho-f` F1 0.915, S1 0.865 (32/37), false alarms 0.073 (8/109, was 5); `ho-g` F1 0.919, S1 0.949 (37/39), false
    // alarms 0.038 (0.892, 0.846 and 0.058 on the model the session started with). With Arabizi calls read by root and
    // shape (arabizi-calls.ts), retrained: all 1,078 S1 0.913 (157/172), `ho-g` S1 0.923 (36/39; the one lost is English,
    // which that change does not read: a retrain's draw), the rest unchanged. Then `ho-h` (201 items from two more
    // writers, totals only; data/README.md, "Ninth round": F1 0.959, S1 36/36, false alarms 0.040 on that model) and a
    // model of 4,611 items (387 more, catalogue 2026.11.14 with Arabizi logistics, counter and report cues, the
    // model-only gate always on): all 1,279 F1 0.917, S1 0.909 (189/208, was 193), S1 precision 0.855, macro-F1 0.794,
    // false alarms 0.023 (15/645, was 22); `ho-f` S1 0.784 (29/37, was 32), false alarms 0.037 (4/109, was 8); `ho-g`
    // F1 0.923, S1 0.923, false alarms 0.038; `ho-h` F1 0.936, S1 0.944 (34/36), false alarms 0.020. With 230 S1-heavy
    // train items from two more writers (implicit threats, doxxing, praise of attacks; 4,841 items): all 1,279 F1 0.919,
    // **S1 0.957 (199/208)**, S1 precision 0.869, macro-F1 0.800, false alarms 0.028 (18/645); `ho-f` S1 0.865 (32/37),
    // false alarms 0.055 (6/109); `ho-g` S1 0.949 (37/39), false alarms 0.029; `ho-h` S1 1.000 (36/36), false alarms
    // 0.030. With 19 more Arabizi debunk spellings (catalogue 2026.11.15, retrained): all 1,279 F1 0.921, false alarms
    // 0.026 (17/645); `ho-f` false alarms 0.046 (5/109), the rest unchanged. Then `ho-i` (148 items from one more writer,
    // totals only; data/README.md, "Tenth round": F1 0.920, S1 0.906 (29/32), false alarms 0.027 on that model) and a
    // model of 5,101 items with consonant-skeleton features, 260 Arabizi and Arabic items and catalogue 2026.11.16 (S1
    // threshold 0.15): all 1,427 F1 0.931, S1 0.938 (225/240), S1 precision 0.879, macro-F1 0.827, false alarms 0.021
    // (15/720); the old 1,279 S1 197/208 (was 199), false alarms 14/645 (was 17); `ho-f` S1 0.838 (31/37, was 32), false
    // alarms 0.037 (4/109); `ho-h` S1 0.944 (34/36, was 36), false alarms 0.010; `ho-i` F1 0.929, S1 0.875 (28/32),
    // false alarms 0.013 (1/75). One retrain's held-out S1 recall moves by about three items with its seed. A patrol in
    // a village of a mission's area now attributes the text to that mission (same model): all 1,427 F1 0.933, S1 0.946
    // (227/240), the old 1,279 S1 199/208 (Arabic 43/45, was 41), `ho-f` F1 0.932, S1 0.865 (32/37), false alarms
    // unchanged. Catalogue 2026.11.17 (praise that promises a bigger next one), retrained: all 1,427 F1 0.934, false
    // alarms 14/720, the rest unchanged. Then `ho-j` (144 items from one more writer, totals only; data/README.md,
    // "Eleventh round": F1 0.881, S1 0.829 (29/35), false alarms 1/65 on that model) and a model of 5,444 items (343 more:
    // Arabizi, praise and thanks, patrol schedules; catalogue 2026.11.18; S1 threshold 0.4 chosen): all 1,571 F1 0.927,
    // S1 0.927 (255/275), S1 precision 0.914, macro-F1 0.807, false alarms 0.028 (22/785); the 1,427 of before S1 226/240
    // (was 227), false alarms 21/720 (was 14); `ho-f` F1 0.915, S1 31/37, false alarms 8/109 (was 4); `ho-g` S1 37/39,
    // false alarms 5/104; `ho-i` F1 0.911, S1 29/32, false alarms 2/75; `ho-j` F1 0.889, S1 29/35, false alarms 1/65.
    // The new batches were kept under the rule written down before the retrain (dev targets, recorded feeds), and this
    // is what it cost on held-out text: false alarms up, S1 precision up, S1 recall the same within a seed's draw.
    // Then `ho-k` (132 items from one more writer, totals only; data/README.md, "Twelfth round": F1 0.906, S1 25/25,
    // false alarms 2/66 on that model) and a model of 6,393 items (949 more, 570 of them innocent patrol times; catalogue
    // 2026.11.19 with more contingent and « international forces » forms; fragments; same blend): all 1,703 F1 0.925,
    // S1 0.937 (281/300), S1 precision 0.906, macro-F1 0.826, false alarms 0.026 (22/851); the 1,571 of before S1 256/275
    // (was 255), false alarms 20/785 (was 22); `ho-f` F1 0.927, S1 33/37 (was 31), false alarms 6/109 (was 8); `ho-g`
    // S1 37/39, S1 precision 0.881, false alarms 5/104; `ho-i` macro-F1 0.818; `ho-j` F1 0.897, S1 29/35, S1 precision
    // 0.879; `ho-k` F1 0.926, S1 25/25, false alarms 2/66. Catalogue 2026.11.20 (doxxing, rhetorical calls, "stop
    // spreading" and Maghrebi debunk cues), retrained on the same 6,393 items: all 1,703 the same totals (F1 0.926, S1
    // 281/300, false alarms 22/851); `ho-k` S1 precision 0.862 (29 called, was 28), the rest within one item.
    // Then `ho-l` (107 items from one more writer, totals only; data/README.md, "Fourteenth round"): F1 0.901, S1 recall
    // 0.700 (14/20), S1 precision 0.778, false alarms 1/51, the same on the model before catalogue 2026.11.20; all 1,810
    // F1 0.925, S1 0.922 (295/320), S1 precision 0.897, macro-F1 0.825, false alarms 0.025 (23/902). With 364 train
    // items from three more writers asked for the same forms of calls (6,757 items; same blend chosen): all 1,810 F1
    // 0.922, **S1 0.947 (303/320)**, S1 precision 0.891, macro-F1 0.819, false alarms 0.027 (24/902); `ho-f` S1 34/37
    // (was 33), false alarms 7/109 (was 6); `ho-g` S1 39/39 (was 37); `ho-h` S1 precision 0.900 (was 1.000), false alarms
    // 2/101; `ho-i` S1 30/32 (was 29), F1 0.919 (was 0.946); `ho-j` F1 0.881; `ho-l` F1 0.936, S1 16/20 (was 14).
    // Then 627 train items from five more writers (7,384 items, same blend; data/README.md, "Fifteenth round"), kept by
    // the dev rule: all 1,810 F1 0.923, S1 0.934 (299/320, was 303), S1 precision 0.903, macro-F1 0.824, false alarms
    // 0.028 (25/902); `ho-b` S1 19/20, `ho-d` 23/25, `ho-f` 33/37 and false alarms 8/109, `ho-l` F1 0.913. Then `ho-m`
    // (116 items from one more writer, totals only): F1 0.870, S1 0.850 (17/20), false alarms 1/59 (0.867, 17/20 and
    // 0/59 on the model before); all 1,926 F1 0.920, S1 0.929 (316/340; 320 on the model before), false alarms 26/961.
    // With 380 S1-heavy train items from three more writers (7,764 items; S1 threshold 0.4 → 0.3 chosen by the tuning),
    // kept by the dev rule: all 1,926 F1 0.926, S1 0.941 (320/340), S1 precision 0.886, macro-F1 0.824, false alarms
    // 0.024 (23/961); `ho-g` S1 38/39, `ho-j` 30/35, `ho-l` 17/20, `ho-m` 17/20 (F1 0.857).
    // Then `ho-n` (118 items from one more writer, totals only; data/README.md, "Sixteenth round"): F1 0.941, S1 0.900
    // (18/20), false alarms 1/57; all 2,044 F1 0.926, S1 0.939 (338/360), false alarms 24/1018. With 552 train items
    // from five more writers (8,316 items; same blend) and catalogue 2026.11.21 (peacekeepers named by their look,
    // places of seven areas), kept by the dev rule: all 2,044 F1 0.922, S1 0.931 (335/360), S1 precision 0.866,
    // macro-F1 0.825, false alarms 0.026 (26/1018); the 1,926 of before S1 316/340 (was 320), false alarms 25/961
    // (was 23); `ho-g` F1 0.946, `ho-h` S1 35/36, `ho-j` S1 29/35, `ho-k` S1 24/25, `ho-l` S1 16/20 and S1 precision
    // 0.727, `ho-m` S1 precision 0.895, `ho-n` F1 0.951, S1 19/20 — a retrain's draw of a few items, mostly against.
    // Catalogue 2026.11.22 (a base that is "theirs" or named by its site attributes its mission; contingents as posts
    // write them), retrained on the same 8,316 items (S1 threshold 0.4 chosen), kept by the dev rule: all 2,044 F1 0.922,
    // S1 0.936 (337/360), S1 precision 0.887 (380 called), macro-F1 0.826, false alarms 0.026 (26/1018); missions found
    // 1,703 → 1,711 of 1,751; `ho-f` S1 precision 0.895, `ho-j` 0.882, `ho-k` 0.923, `ho-l` 0.762. Then catalogue
    // 2026.11.23 (27 calls and 20 Arabizi corrections read off cross-validation misses on train; S1 threshold 0.25
    // chosen), kept by the dev rule: all 2,044 F1 0.929, S1 0.936 (337/360), S1 precision 0.853 (395 called), macro-F1
    // 0.832, false alarms 0.027 (27/1018); `ho-f` S1 35/37, `ho-g` false alarms 6/104, `ho-j` S1 precision 0.811.
    // Catalogue 2026.11.24 with the same model: a call to act against a target in a mission's area that names no armed
    // group attributes that mission (read off cross-validation misses on train): all 2,044 F1 0.930, S1 0.944 (340/360),
    // S1 precision 0.852 (399 called), false alarms 27/1018 (the same); `ho-i` S1 31/32, `ho-j` 32/35, and `ho-h` one
    // S1 called wrongly more (S1 precision 0.897 → 0.875). Catalogue 2026.11.25 (21 places) and 2026.11.26–27 (notices and
    // questions set the escalation model aside): the same figures. The same model with calls only quoted or in a French
    // past participle read as no call, a flat denial first read as a debunk, and catalogue 2026.11.28: F1 0.932, S1
    // precision 0.856 (397 called), false alarms 0.024 (24/1018); S1 the same. Arabizi past-tense calls read as no call
    // unless the text praises (catalogue 2026.11.29, same model; kept by the dev rule, dev unchanged): false alarms 23/1018,
    // S1 precision 0.858 (395 called), S1 one item fewer (339/360, 0.942). A claim only quoted read as mentioned for every
    // narrative, not only slurs (dev false alarms 3 → 2): F1 0.934, false alarms 0.019 (19/1018), S1 precision 0.860.
    // The critic's disclaimer ("not saying they are spies") read as criticism: F1 0.935, false alarms 0.017 (17/1018).
    // Catalogue 2026.11.30 ("stone the", « اسرقوا » as calls), retrained on the same items, same blend: the same figures.
    // Retrained (same blend) with 210 terse posts (8,526 items), kept by the dev rule: F1 0.937, **S1 0.956 (344/360)**,
    // S1 precision 0.862 (399 called), macro-F1 0.837, false alarms 0.018 (18/1018); `ho-f` S1 34/37 (was 35), false
    // alarms 4/109 (was 3); `ho-i` S1 precision 0.970 (was 1.0); `ho-j` F1 0.919; `ho-n` F1 0.942, S1 precision 0.864 (19
    // of 22 called; was 19 of 20); `ho-c`, `ho-d`, `ho-g`, `ho-h` S1 recall 1.0 (was 0.90, 0.92, 0.97, 0.97).
    // Catalogue 2026.11.31 (46 call forms from a sweep of imperatives; an attempt told is no call), retrained on the
    // same 8,526 items: F1 0.938, the rest the same. Then `ho-o` (98 items in Swahili, Lingala, Sango and Bambara) and
    // `ho-p` (99 in French, English and Arabic around less common call verbs), from two more writers nobody had read,
    // measured once, totals only (data/README.md, "Twenty-first round"): `ho-o` F1 0.864, S1 0.795 (35/44), false
    // alarms 2/39, macro-F1 0.518; `ho-p` F1 0.911, S1 0.900 (45/50), false alarms 5/34. All 2,241: F1 0.933, S1 0.934
    // (424/454), S1 precision 0.872 (486 called), macro-F1 0.828, false alarms 0.023 (25/1091).
    // A word listed only inside longer calls, standing alone, is told: F1 0.934, S1 precision 0.874 (485 called), false
    // alarms 0.021 (23/1091), S1 the same.
    // Calls left unsaid, rules only (data/README.md, "Twenty-second round"): doxxing of a person of the mission, then a
    // mobilisation with a time: F1 0.937, S1 0.945 (429/454), S1 precision 0.876 (490 called), false alarms the same;
    // `ho-o` S1 0.841 (37/44), F1 0.892. Then `ho-q` (100 items from one more writer around those unsaid calls and their
    // near-misses, written after the rules, measured once, totals only): F1 0.846, S1 0.892 (33/37), false alarms 0.138
    // (8/58); the rules against the session start there: S1 30 → 33, false alarms 6 → 8. All 2,341: F1 0.933, S1 0.941
    // (462/491), S1 precision 0.870 (531 called), macro-F1 0.825, false alarms 0.027 (31/1149). Then `ho-r` (100 items
    // from one more writer on protests and threats and their look-alikes, totals only): F1 0.958, S1 0.943 (33/35), false
    // alarms 0.034 (2/58), the same as with the code of the session start. All 2,441: F1 0.934, S1 0.941 (495/526), S1
    // precision 0.875 (566 called), macro-F1 0.821, false alarms 0.027 (33/1207).
    // These are the floors reached, not the goals: all held-out and most batches are under the S1 target.
    expectFloors(rep.overall, { f1: 0.93, s1Recall: 0.94, s1Precision: 0.865, macroF1: 0.815, falseAlarms: 0.03 });
    expectFloors(rep.byBatch['ho-f']!, { f1: 0.92, s1Recall: 0.91, s1Precision: 0.85, macroF1: 0.85, falseAlarms: 0.065 });
    expectFloors(rep.byBatch['ho-g']!, { f1: 0.94, s1Recall: 0.97, s1Precision: 0.9, macroF1: 0.85, falseAlarms: 0.06 });
    expectFloors(rep.byBatch['ho-h']!, { f1: 0.94, s1Recall: 0.97, s1Precision: 0.87, macroF1: 0.8, falseAlarms: 0.02 });
    expectFloors(rep.byBatch['ho-i']!, { f1: 0.95, s1Recall: 0.96, s1Precision: 0.97, macroF1: 0.8, falseAlarms: 0.02 });
    expectFloors(rep.byBatch['ho-j']!, { f1: 0.915, s1Recall: 0.9, s1Precision: 0.8, macroF1: 0.81, falseAlarms: 0.02 });
    expectFloors(rep.byBatch['ho-k']!, { f1: 0.9, s1Recall: 0.95, s1Precision: 0.88, macroF1: 0.86, falseAlarms: 0.02 });
    expectFloors(rep.byBatch['ho-l']!, { f1: 0.9, s1Recall: 0.8, s1Precision: 0.72, macroF1: 0.83, falseAlarms: 0.025 });
    expectFloors(rep.byBatch['ho-m']!, { f1: 0.855, s1Recall: 0.85, s1Precision: 0.89, macroF1: 0.75, falseAlarms: 0.02 });
    expectFloors(rep.byBatch['ho-n']!, { f1: 0.94, s1Recall: 0.95, s1Precision: 0.86, macroF1: 0.82, falseAlarms: 0.02 });
    expectFloors(rep.byBatch['ho-o']!, { f1: 0.89, s1Recall: 0.84, s1Precision: 0.94, macroF1: 0.5, falseAlarms: 0.055 });
    expectFloors(rep.byBatch['ho-p']!, { f1: 0.91, s1Recall: 0.9, s1Precision: 0.9, macroF1: 0.6, falseAlarms: 0.15 });
    expectFloors(rep.byBatch['ho-q']!, { f1: 0.84, s1Recall: 0.89, s1Precision: 0.8, macroF1: 0.57, falseAlarms: 0.14 });
    expectFloors(rep.byBatch['ho-r']!, { f1: 0.95, s1Recall: 0.94, s1Precision: 0.94, macroF1: 0.5, falseAlarms: 0.035 });
    // Each writer's batch is reported on its own (they were read to different extents), also by `vigie eval`.
    expect(Object.fromEntries(Object.entries(rep.byBatch).map(([b, m]) => [b, m.n]))).toEqual({ 'ho-a': 150, 'ho-b': 150, 'ho-c': 80, 'ho-d': 160, 'ho-e': 148, 'ho-f': 192, 'ho-g': 198, 'ho-h': 201, 'ho-i': 148, 'ho-j': 144, 'ho-k': 132, 'ho-l': 107, 'ho-m': 116, 'ho-n': 118, 'ho-o': 98, 'ho-p': 99, 'ho-q': 100, 'ho-r': 100 });
    expect(formatEvaluation(rep)).toContain('| batch ho-e | 148 |');
  }, 60_000);
});

describe.runIf(existsSync(DEFAULT_ARABIZI_URL))('Arabizi set floors', () => {
  it('keeps the figures reached on Arabizi from a writer who wrote nothing else here', () => {
    const { examples, errors } = readLabelledJsonl(DEFAULT_ARABIZI_URL);
    expect(errors).toEqual([]);
    expect(examples.length).toBe(119);
    // 2026-11-27, read only as totals: the model before the Arabizi batch gave F1 0.625, S1 recall 0.267 (4/15), false
    // alarms 0.072; the model of 3,140 items F1 0.713, S1 recall 0.400 (6/15), S1 precision 0.667, macro-F1 0.448, false
    // alarms 0.087 (6/69); the model of 3,639 items F1 0.721, S1 recall 0.467 (7/15), S1 precision 0.875, macro-F1 0.495,
    // false alarms 0.072 (5/69); with catalogue 2026.11.11, F1 0.750, S1 recall 0.533 (8/15); the model of 4,224 items
    // F1 0.747, S1 recall 0.533, S1 precision 0.800, macro-F1 0.575, false alarms 0.101 (7/69); the model of 4,611 items
    // (catalogue 2026.11.14: Arabizi logistics, counter and report cues) F1 0.795, S1 recall 0.600 (9/15), S1 precision
    // 0.750, macro-F1 0.594, false alarms 0.043 (3/69); with 230 S1-heavy items (4,841) F1 0.817, S1 recall 0.600,
    // S1 precision 0.818, macro-F1 0.679, false alarms 0.072 (5/69); with consonant-skeleton features (same 4,841 items)
    // F1 0.822, S1 recall 0.667 (10/15), false alarms 0.043 (3/69); with 260 Arabizi and Arabic items and catalogue
    // 2026.11.16 (5,101) F1 0.809, S1 recall 0.667, S1 precision 0.909, macro-F1 0.679, false alarms 0.043; with 343 more
    // items and catalogue 2026.11.18 (5,444) F1 0.842, S1 recall 0.800 (12/15), S1 precision 0.857, macro-F1 0.710, false
    // alarms 0.072 (5/69: over the 5 % target again); with 949 more items and catalogue 2026.11.19 (6,393) F1 0.854,
    // S1 recall 0.800, S1 precision 0.857, macro-F1 0.756, false alarms 0.072 (5/69); with 364 more items (6,757: calls
    // in the forms posts use, 70 of them in Arabizi) F1 0.839, S1 recall 0.800, S1 precision 0.800, macro-F1 0.758,
    // false alarms 0.058 (4/69); with 627 more items (7,384: 130 of them Arabizi, mostly hard negatives) F1 0.835, S1
    // recall 0.733 (11/15), S1 precision 0.846, macro-F1 0.745, false alarms 0.043 (3/69: under the 5 % target); with
    // 380 S1-heavy items more (7,764: 64 of them Arabizi, 45 negatives in all; S1 threshold 0.3) F1 0.809, S1 recall
    // 0.733, S1 precision 0.917, macro-F1 0.726, false alarms 0.087 (6/69: over the target again); with 552 more (8,316:
    // 140 Arabizi, two thirds of them negatives in a call's words) and catalogue 2026.11.21 F1 0.809, S1 recall 0.800
    // (12/15), S1 precision 0.800, macro-F1 0.784, false alarms 0.087 (6/69, the same); with catalogue 2026.11.22 (bases
    // by "their" and by site) the same; with catalogue 2026.11.23 (Sudanese, Chadian and Maghrebi Arabizi corrections)
    // F1 0.833, S1 recall 0.800, S1 precision 0.800, macro-F1 0.784, false alarms 0.087 (6/69, the same), and the same with
    // 2026.11.24; with 210 terse posts more (8,526: 45 of them Arabizi) F1 0.817, S1 recall 0.800 (12/15), S1 precision
    // 0.800, macro-F1 0.702, false alarms 0.072 (5/69). Arabizi stays the weakest
    // script; these are the floors reached, not the goals (S1 recall under 0.95, false alarms over 5 %).
    expectFloors(evaluate(examples, createClassifier()).overall, { f1: 0.81, s1Recall: 0.8, s1Precision: 0.8, macroF1: 0.7, falseAlarms: 0.08 });
  }, 60_000);
});

const datasets = fileURLToPath(DEFAULT_DATASETS_DIR);
describe.runIf(existsSync(datasets))('generic hate layer floors', () => {
  it('keeps OSACT4 dev subtask A macro-F1 at or above the reached figure', () => {
    const corpora = loadHateCorpora(datasets)!;
    const model = loadHateModel()!;
    const h = evaluateHateLayer(model, corpora);
    // 0.844 and 0.706 with the 2^17-bucket model and CV-chosen thresholds; 0.865 with NB-scaled buckets; 0.873 and 0.759
    // since the tatweel vanishes and the dialect letters گ چ ڤ پ read as ق ك ف ب (catalogue 2026.11.13): the 0.85 target
    // for A is met.
    expect(h.osactA).toBeGreaterThanOrEqual(0.87);
    expect(h.osactB).toBeGreaterThanOrEqual(0.75);
  }, 120_000);
});

describe('hate-layer threshold choice', () => {
  it('picks the threshold that separates the classes best, preferring the one nearer 0.5 on ties', () => {
    const items = [
      { gold: true, score: 0.42 },
      { gold: true, score: 0.38 },
      { gold: false, score: 0.33 },
      { gold: false, score: 0.1 },
    ];
    // 0.35 separates perfectly; at 0.5 every positive is missed.
    expect(bestThreshold(items)).toEqual({ threshold: 0.35, macroF1: 1 });
    const tied = [
      { gold: true, score: 0.9 },
      { gold: false, score: 0.05 },
    ];
    expect(bestThreshold(tied).threshold).toBe(0.5);
  });
});
