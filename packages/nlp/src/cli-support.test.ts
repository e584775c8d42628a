import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier.js';
import { classifyStream } from './cli-support.js';

describe('classify JSONL stream (vigie classify)', () => {
  it('round-trips items in order, with an error line for a malformed line, and goes on', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const run = classifyStream(createClassifier(), input, output);
    input.end(
      [
        JSON.stringify({ id: 'a', text: 'Demain à 8h, brûlons la base de la MONUSCO à Goma !' }),
        '',
        '{"id": "b", "text": "broken',
        JSON.stringify({ id: 'c', text: 'Sud-Kivu : des affrontements entre milices ont fait cinq morts.', language: 'fr' }),
        JSON.stringify({ id: 'd' }),
      ].join('\n'),
    );
    const counts = await run;
    const lines = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(counts).toEqual({ lines: 4, errors: 2 });
    expect(lines.map((l) => l.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(lines[0]).toMatchObject({ missions: ['MONUSCO'], severity: 'S1', harmful: true, stance: 'endorse' });
    expect(typeof lines[0]!.classifierVersion).toBe('string');
    // The error says where (the input's line 3: blank lines count, though they give no output) and what a line must be.
    expect(lines[1]).toMatchObject({ id: 'b', line: 3 });
    expect(lines[1]!.error).toMatch(/invalid JSON.*each line must be one JSON object/);
    expect(lines[0]).not.toHaveProperty('line');
    expect(lines[2]).toMatchObject({ language: 'fr', missions: [], harmful: false });
    expect(lines[3]).toMatchObject({ id: 'd', line: 5 });
    expect(lines[3]!.error).toMatch(/"text" field/);
  });
});
