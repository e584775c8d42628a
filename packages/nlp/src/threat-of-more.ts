/**
 * Threats of more: "Next stop Mavivi!!", « Aguelhok la prochaine 🔥 », « ce n'est que le début », « Boy-Rabe, Fouh,
 * Combattant, on attend votre tour », after an attack told or praised. TAXONOMY.md puts praise of attacks and threats
 * against contingents in S1; these words promise the next one without a call verb. Not « دوركم »: "your turn" and
 * "your role" (« وين دوركم » is criticism) are written alike.
 *
 * This module only finds the words (pure); the classifier decides, as for doxxing, whether the text endorses them.
 */
import { wholeWords } from './whole-words.js';

/**
 * Words that promise another attack. Not « la prochaine fois » nor "next time" (« la prochaine fois, la MONUSCO devra
 * protéger les civils » is a grievance), not « la prochaine » before a noun (« la prochaine réunion »): only at the end
 * of a sentence or before an emoji.
 */
const THREAT_OF_MORE = wholeWords(
  [
    // French.
    "à qui le tour|a qui le tour|(?:votre|leur|ton) tour|ce n['’]est que le début|c['’]est (?:seulement|juste) le début|que [çc]a continue",
    'la prochaine(?=\\s*(?:[!.…🔥💥]|$))',
    'le prochain (?:nom|sur la liste|camp|convoi)',
    // English.
    "next stop|who['’]?s next|you(?:['’]re| are) next|your turn|(?:only|just) the beginning|more to come",
    // Arabic, Arabizi.
    'الدور عليكم|ما هي إلا البداية|هذه البداية|وهذه البداية|el dor 3alaykon|el dor 3likon',
    // Swahili.
    'zamu yenu|ni mwanzo tu',
  ],
  'imu',
);

/** The first words of `text` that promise another attack, as written, or undefined (see {@link THREAT_OF_MORE}). */
export function threatOfMore(text: string): string | undefined {
  return THREAT_OF_MORE.exec(text)?.[0];
}
