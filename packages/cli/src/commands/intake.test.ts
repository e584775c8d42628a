import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, parseCsvRecords, parseJsonl, type ParsedLine } from './intake.js';

async function collect(gen: AsyncGenerator<ParsedLine>): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  for await (const r of gen) out.push(r);
  return out;
}
async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8');
}
const records = (rows: ParsedLine[]) => rows.filter((r): r is Extract<ParsedLine, { record: unknown }> => 'record' in r);
const errors = (rows: ParsedLine[]) => rows.filter((r): r is Extract<ParsedLine, { error: string }> => 'error' in r);

describe('parseJsonl', () => {
  it('accepts a BOM, CRLF, blank lines and chunks split anywhere, numbering lines from 1', async () => {
    const text = '\uFEFF{"text":"Les casques bleus à Beni"}\r\n\r\n{"text":"Deuxième","mission":"MONUSCO"}\r\n   \n{"text":"trois"}';
    const bytes = Buffer.from(text, 'utf8');
    const split = [bytes.subarray(0, 2), bytes.subarray(2, 17), bytes.subarray(17, 40), bytes.subarray(40)];
    const rows = await collect(parseJsonl(chunks(...split)));
    expect(rows).toEqual([
      { line: 1, record: { text: 'Les casques bleus à Beni' } },
      { line: 3, record: { text: 'Deuxième', mission: 'MONUSCO' } },
      { line: 5, record: { text: 'trois' } },
    ]);
  });

  it('reports bad lines with their number and carries on', async () => {
    const rows = await collect(
      parseJsonl(chunks('{"text":"ok"}\n', 'not json\n', '[1]\n', '{"text":""}\n', '{"text":"x","mission":"NOPE"}\n', '{"text":"x","extra":1}\n', Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a]), '{"text":"last"}\n')),
    );
    expect(records(rows).map((r) => [r.line, r.record.text])).toEqual([
      [1, 'ok'],
      [8, 'last'],
    ]);
    const errs = errors(rows);
    expect(errs.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(errs[0]!.error).toMatch(/JSON/);
    expect(errs[1]!.error).toMatch(/object/);
    expect(errs[2]!.error).toMatch(/empty/);
    expect(errs[3]!.error).toMatch(/mission/);
    expect(errs[4]!.error).toMatch(/extra/);
    expect(errs[5]!.error).toMatch(/UTF-8/);
  });

  it('skips a 10 MB line without holding it, and rejects a text over 100 KB', async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x61);
    async function* gen() {
      yield Buffer.from('{"text":"');
      for (let i = 0; i < huge.length; i += 64 * 1024) yield huge.subarray(i, i + 64 * 1024);
      yield Buffer.from(`"}\n{"text":"${'é'.repeat(60 * 1024)}"}\n{"text":"after"}\n`);
    }
    const rows = await collect(parseJsonl(gen()));
    expect(errors(rows).map((e) => e.line)).toEqual([1, 2]);
    expect(errors(rows)[0]!.error).toMatch(new RegExp(`${MAX_LINE_BYTES / 1024 / 1024} MB`));
    expect(errors(rows)[1]!.error).toMatch(/KB/);
    expect(records(rows).map((r) => r.record.text)).toEqual(['after']);
  });
});

describe('parseCsvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and newlines, a BOM and CRLF; blank lines skipped', async () => {
    const csv = '\uFEFFText,Mission,sourceName\r\n"Ils disent ""brûlez la base"" demain, à 7h\r\nPartagez",MONUSCO,WhatsApp\r\n\r\nsimple,,\r\n';
    const rows = await collect(parseCsvRecords(chunks(csv)));
    expect(records(rows).map((r) => r.record)).toEqual([
      { text: 'Ils disent "brûlez la base" demain, à 7h\r\nPartagez', mission: 'MONUSCO', sourceName: 'WhatsApp' },
      { text: 'simple' },
    ]);
    expect(errors(rows)).toEqual([]);
  });

  it('reports bad records with line numbers and continues', async () => {
    const csv = 'text,mission\nok one,MONUSCO\nwrong count,MONUSCO,extra\nbad mission,NOPE\n,MONUSCO\nok two,\n';
    const rows = await collect(parseCsvRecords(chunks(csv)));
    expect(records(rows).map((r) => r.record.text)).toEqual(['ok one', 'ok two']);
    expect(errors(rows).map((e) => e.line)).toEqual([3, 4, 5]);
  });

  it('flags invalid UTF-8 and refuses an unknown header', async () => {
    const rows = await collect(parseCsvRecords(chunks(Buffer.from('text\n'), Buffer.from([0x62, 0xe9, 0x62, 0xe9, 0x0a]), Buffer.from('fine\n'))));
    expect(errors(rows)[0]!.error).toMatch(/UTF-8/);
    expect(records(rows).map((r) => r.record.text)).toEqual(['fine']);
    const header = await collect(parseCsvRecords(chunks('txt,mision\na,b\n')));
    expect(header).toHaveLength(1);
    expect(errors(header)[0]!.error).toMatch(/unknown: txt, mision/);
  });

  it('rejects a 10 MB field as too long and goes on with the next record', async () => {
    const big = 'a'.repeat(10 * 1024 * 1024);
    const rows = await collect(parseCsvRecords(chunks('text\n', `"${big}"\n`, 'after\n')));
    expect(errors(rows)).toHaveLength(1);
    expect(errors(rows)[0]!.error).toMatch(/KB/);
    expect(records(rows).map((r) => r.record.text)).toEqual(['after']);
  });
});
