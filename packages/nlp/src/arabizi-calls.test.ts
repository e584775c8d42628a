import { describe, expect, it } from 'vitest';
import { arabiziCallRoot, withArabiziCalls } from './arabizi-calls.js';
import { tokenise } from './normaliser.js';

describe('arabiziCallRoot', () => {
  it('reads plural imperatives and first persons plural of violent verbs in each dialect spelling', () => {
    const calls: Record<string, string> = {
      a7rigu: 'burn', '7ar2ouhon': 'burn', harigu: 'burn', nharguhum: 'burn', '7an7rig': 'burn', mna7er2o: 'burn', nehre2: 'burn', har2ouhon: 'burn',
      kassrouha: 'break', kssro: 'break', nkasser: 'break',
      nsakkro: 'close', sakkiru: 'close', n2affil: 'close', nagfilou: 'close', a9fulu: 'close',
      rjmouha: 'stone', nhijmoon: 'attack', ntarrdo: 'expel', tarrdouhon: 'expel', i2t7amo: 'storm',
    };
    for (const [word, root] of Object.entries(calls)) expect(arabiziCallRoot(word), word).toBe(root);
  });

  it('reads no third person, no noun and no ordinary word as a call', () => {
    for (const word of ['yi7ra2o', 'ta7ar2et', 'bi7ar2o', 'tkassarat', 'yarjim', 'hjoum', 'askar', '3askari', 'kasra', 'sukkar', 'darbo', 'markaz', 'tareeg', 'shabab', 'nasr', '7ara2', 'kasr', 'yehre2', 'khar2', 'khuru2at']) {
      expect(arabiziCallRoot(word), word).toBeUndefined();
    }
  });
});

describe('withArabiziCalls', () => {
  it('adds a call match in an Arabizi text, shown as the Arabic call it reads as, and none in other texts', () => {
    const nt = tokenise('ya shabab el janoob a7rigu mawaqe3hum fi Shama3 el laila');
    const out = withArabiziCalls([], nt, 7, 0.6);
    expect(out.map((m) => [m.surface, m.term, m.group, m.entry, m.via])).toEqual([['a7rigu', 'احرقوا', '_call_to_act', 7, 'arabizi']]);
    const english = tokenise('Kassro is the name of a bakery in Goma, open every day');
    expect(english.arabizi).toBe(false);
    expect(withArabiziCalls([], english, 7, 0.6)).toEqual([]);
  });
});
