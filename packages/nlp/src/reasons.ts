/**
 * The reasons behind a classification, as codes with values (see `Reason` in @vigie/contracts), for the people who
 * read them: the dashboard shows each as a sentence in the officer's language (`why.<code>` in its i18n catalogue),
 * so a French-speaking officer reads « Appel à l'action (« brûlons ») avec une cible (« la base ») » rather than the
 * English notes, which stay for logs and the CLI. Pure: the classifier passes the facts it decided on.
 */
import type { NarrativeKey, Reason, Stance } from '@vigie/contracts';
import type { Match } from './lexicon-matcher.js';
import type { SeverityCode } from './severity.js';

/** The words as written that the decisions rest on: the first of each cue kind, and every counter and report cue. */
export interface DecisionWords {
  call?: string;
  target?: string;
  contingent?: string;
  logistics?: string;
  readonly counterTerms: string[];
  readonly reportTerms: string[];
}

/** {@link DecisionWords} of a text's matches, in one pass (this runs for every classified item). */
export function decisionWords(matches: readonly Match[]): DecisionWords {
  const w: DecisionWords = { counterTerms: [], reportTerms: [] };
  for (const m of matches) {
    switch (m.group) {
      case '_call_to_act':
        w.call ??= m.surface;
        break;
      case '_target':
        w.target ??= m.surface;
        break;
      case 'g:contingent':
        w.contingent ??= m.surface;
        break;
      case '_logistics':
        w.logistics ??= m.surface;
        break;
      case '_counter':
        w.counterTerms.push(m.surface);
        break;
      case '_report':
        w.reportTerms.push(m.surface);
        break;
    }
  }
  return w;
}

/** Whether a severity code's reason names logistics (so the caller looks for a clock time when no cue matched). */
export const namesLogistics = (code: SeverityCode): boolean => code === 'rule_logistics' || code === 'model_logistics';

/** The words as written in the text that decided a severity (first of each kind), and the escalation model's p. */
export interface SeverityFacts {
  readonly code: SeverityCode;
  readonly narrative: NarrativeKey | null;
  readonly call?: string | undefined;
  readonly target?: string | undefined;
  readonly logistics?: string | undefined;
  /** A troop contingent named in the text ("marocains", "the Indian battalion"). */
  readonly contingent?: string | undefined;
  readonly escalation?: number | undefined;
  /** The details that locate a person, as written (see doxxing.ts). */
  readonly details?: string | undefined;
  /** The words that promise another attack, as written (see threat-of-more.ts). */
  readonly threat?: string | undefined;
}

const p2 = (p: number | undefined): number => Math.round((p ?? 0) * 100) / 100;

/** The severity decision as a reason; null when there is no severity to explain (no narrative, not endorsed). */
export function severityReason(f: SeverityFacts): Reason | null {
  const narrative = f.narrative ?? '';
  switch (f.code) {
    case 'no_narrative':
    case 'not_endorsed':
      return null;
    case 'rule_target':
      return { code: 'severity.rule_target', values: { call: f.call ?? '', target: f.target ?? '' } };
    case 'rule_logistics':
      return { code: 'severity.rule_logistics', values: { call: f.call ?? '', logistics: f.logistics ?? '' } };
    case 'rule_doxxing':
      return { code: 'severity.rule_doxxing', values: { details: f.details ?? '' } };
    case 'rule_threat':
      return { code: 'severity.rule_threat', values: { words: f.threat ?? '' } };
    case 'model_target':
      return { code: 'severity.model_target', values: { p: p2(f.escalation), target: f.target ?? '' } };
    case 'model_logistics':
      return { code: 'severity.model_logistics', values: { p: p2(f.escalation), logistics: f.logistics ?? '' } };
    case 'model_alone':
      return { code: 'severity.model_alone', values: { p: p2(f.escalation), narrative } };
    case 'special_sea':
      return { code: 'severity.special_sea' };
    case 'criticism':
      return { code: 'severity.criticism' };
    case 'contingent_named':
      return { code: 'severity.contingent_named', values: { narrative, contingent: f.contingent ?? '' } };
    case 'no_contingent':
      return { code: 'severity.no_contingent', values: { narrative } };
    case 'leadership_named':
      return { code: 'severity.leadership_named' };
    case 'tier':
      return { code: 'severity.tier', values: { narrative } };
  }
}

/** What the stance decision rested on (the strongest evidence first), as written in the text. */
export interface StanceFacts {
  readonly stance: Stance;
  readonly source?: { readonly kind: 'official' | 'factChecker'; readonly name: string } | null;
  readonly counterTerms: readonly string[];
  readonly reportTerms: readonly string[];
  readonly call?: string | undefined;
  /** The denial the text opens with, as written (see `denialOpener`, stance.ts). */
  readonly denial?: string | undefined;
  /** The spokesperson whose statement the text gives, as written (see `spokespersonSpeaking`, stance.ts). */
  readonly spokesperson?: string | undefined;
  /** The narrative's heaviest term when its terms stand only in quotation marks, as written (see classifier.ts). */
  readonly quoted?: string | undefined;
}

const terms = (xs: readonly string[]): string => [...new Set(xs)].slice(0, 3).join(', ');

/** The stance decision as a reason; null when the text carries no narrative. */
export function stanceReason(f: StanceFacts): Reason | null {
  switch (f.stance) {
    case 'none':
      return null;
    case 'counter':
      if (f.source) return { code: f.source.kind === 'official' ? 'stance.official_source' : 'stance.fact_checker', values: { name: f.source.name } };
      if (f.counterTerms.length) return { code: 'stance.counter_terms', values: { terms: terms(f.counterTerms) } };
      if (f.denial) return { code: 'stance.counter_denial', values: { words: f.denial } };
      if (f.quoted) return { code: 'stance.counter_quoted', values: { words: f.quoted } };
      return f.spokesperson ? { code: 'stance.counter_spokesperson', values: { words: f.spokesperson } } : { code: 'stance.counter' };
    case 'report':
      return f.reportTerms.length ? { code: 'stance.report_terms', values: { terms: terms(f.reportTerms) } } : { code: 'stance.report' };
    case 'endorse':
      return f.call ? { code: 'stance.endorse_call', values: { call: f.call } } : { code: 'stance.endorse' };
  }
}
