import { describe, expect, it } from 'vitest';
import { decideStance, type StanceInput } from './stance.js';

const input = (over: Partial<StanceInput>): StanceInput => ({ hasNarrative: true, counter: 0, report: 0, callToAct: 0, source: null, quotes: false, ...over });

describe('decideStance', () => {
  it('reads a text that calls to act as the call when nothing reports it, even where the model leans report', () => {
    const r = decideStance(input({ callToAct: 1, model: { endorse: 0.2, counter: 0.05, report: 0.75 } }));
    expect(r.stance).toBe('endorse');
    expect(r.reasons).toContain('call to act, nothing reported');
  });

  it('keeps the model\'s report reading of a call relayed with a reporting cue or a quotation', () => {
    const model = { endorse: 0.2, counter: 0.05, report: 0.75 };
    expect(decideStance(input({ callToAct: 1, report: 0.6, model })).stance).toBe('report');
    expect(decideStance(input({ callToAct: 1, quotes: true, model })).stance).toBe('report');
  });

  it('leaves a counter reading of a call alone: a debunk that repeats the call stays a debunk', () => {
    expect(decideStance(input({ callToAct: 1, counter: 1, model: { endorse: 0.3, counter: 0.4, report: 0.3 } })).stance).toBe('counter');
  });

  it('gives no stance to a text without a narrative', () => {
    expect(decideStance(input({ hasNarrative: false, callToAct: 1 })).stance).toBe('none');
  });
});
