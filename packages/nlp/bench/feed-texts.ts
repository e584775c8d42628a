/**
 * Prints the recorded feeds' items as the collector stores them (title, then text) as one JSON array on stdout. The
 * classifier bench runs this in a child process, so the feed parsers' memory (rss-parser, feedsmith, readability and
 * the parsed documents: about 100 MB) is not counted in the classifier's peak RSS.
 * Run: npx tsx --conditions=source packages/nlp/bench/feed-texts.ts <feeds folder>
 */
import { parseFeedFolder } from '@vigie/feeds';

const folder = process.argv[2];
if (!folder) throw new Error('usage: feed-texts.ts <feeds folder>');
const { items } = await parseFeedFolder(folder);
const texts = items.map(({ item }) => (item.title && !item.text.startsWith(item.title) ? `${item.title}\n${item.text}` : item.text)).filter((t) => t.trim());
process.stdout.write(JSON.stringify(texts));
