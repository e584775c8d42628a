/**
 * The CLI contracts people and checks rely on, run as a real process: one JSON document on stdout, exit 0 on
 * success and 2 on failure, classify's line-per-line output with errors in place.
 */
import { describe, expect, it, vi } from 'vitest';

// Each case starts a real process that compiles TypeScript on the fly and loads the models: give it room.
vi.setConfig({ testTimeout: 180_000 });
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED_FEEDS_DIR } from '@vigie/feeds';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const corpus = SHARED_FEEDS_DIR;

function vigie(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', main, ...args], { input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vigie feed parse', () => {
  it('prints the parsed feed as one JSON document', () => {
    const r = vigie(['feed', 'parse', `${corpus}nodefeedparser__rss2sample.xml`]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; format: string; items: { title: string; publishedAt: string | null }[] };
    expect(doc.ok).toBe(true);
    expect(doc.format).toBe('rss');
    expect(doc.items.length).toBe(4);
    expect(doc.items[0]?.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('classifies failures and exits 2', () => {
    const html = vigie(['feed', 'parse', `${corpus}nodefeedparser__notafeed.html`]);
    expect(html.code).toBe(2);
    expect(JSON.parse(html.stdout)).toMatchObject({ ok: false, error: { code: 'not_a_feed' } });
    const blocked = vigie(['feed', 'parse', 'http://169.254.169.254/latest/meta-data']);
    expect(blocked.code).toBe(2);
    expect(JSON.parse(blocked.stdout)).toMatchObject({ ok: false, error: { code: 'blocked_address' } });
  });
});

describe('vigie classify', () => {
  it('answers every input line in order, with an error line for malformed input', () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'Rendez-vous demain à 7h au rond-point pour brûler la base de la MONUSCO à Goma !' }),
      '{ not json',
      JSON.stringify({ id: 'c', text: 'La campagne de vaccination a atteint 12 000 enfants à Rutshuru.' }),
    ].join('\n');
    const r = vigie(['classify', '--in', '-', '--out', '-'], input);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ id: 'a', missions: ['MONUSCO'], harmful: true, severity: 'S1' });
    expect(lines[1]).toHaveProperty('error');
    expect(lines[2]).toMatchObject({ id: 'c', harmful: false });
  });
});

describe('vigie eval', () => {
  it('evaluates the dev set, then the held-out set beside it, skipping broken lines with a message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-eval-'));
    const item = (id: string, text: string, harmful: boolean) =>
      JSON.stringify({ id, text, language: 'fr', missions: harmful ? ['MONUSCO'] : [], narratives: harmful ? ['incitement_violence'] : [], topNarrative: harmful ? 'incitement_violence' : null, stance: harmful ? 'endorse' : 'none', harmful, severity: harmful ? 'S1' : null, hardNegative: null, target: harmful ? 'MONUSCO base Goma' : null });
    writeFileSync(join(dir, 'dev.jsonl'), `${item('d1', 'Demain 7h au rond-point, brûlons la base de la MONUSCO à Goma !', true)}\n${item('d2', 'La campagne de vaccination a atteint 12 000 enfants à Rutshuru.', false)}\n`);
    writeFileSync(join(dir, 'holdout.jsonl'), `${item('h1', 'Ce soir 20h, tous devant le camp des casques bleus de Beni, incendiez leurs camions !', true)}\n{ broken\n${item('h2', 'Le marché de Goma rouvre lundi après les travaux.', false)}\n`);
    const r = vigie(['eval', '--dev', join(dir, 'dev.jsonl'), '--holdout', join(dir, 'holdout.jsonl'), '--general-news', join(dir, 'absent.jsonl')]);
    expect(r.code).toBe(0);
    const [devPart, heldOutPart] = r.stdout.split('held-out set');
    expect(devPart).toMatch(/\| all \| 2 \|/);
    expect(heldOutPart).toMatch(/\| all \| 2 \|/);
    expect(r.stderr).toMatch(/held-out: 1 invalid line\(s\), skipped/);
  });
});

describe('vigie data check', () => {
  it('names the lines to fix, drops items that quote an evaluation set, writes the rest and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-data-'));
    const item = (id: string, text: string, patch: Record<string, unknown> = {}) =>
      JSON.stringify({ id, text, language: 'fr', missions: [], narratives: [], topNarrative: null, stance: 'none', harmful: false, severity: null, hardNegative: null, target: null, ...patch });
    writeFileSync(join(dir, 'dev.jsonl'), `${item('d1', 'La campagne de vaccination des casques bleus a atteint douze mille enfants à Rutshuru cette semaine.')}\n`);
    const batch = [
      item('b1', 'Le marché central de Goma rouvre lundi après trois semaines de travaux.'),
      item('b2', 'Selon la radio, la campagne de vaccination des casques bleus a atteint douze mille enfants.'),
      item('b3', 'Brûlez le camp demain à 6h !', { missions: ['MONUSCO'], narratives: ['incitement_violence'], topNarrative: 'incitement_violence', stance: 'endorse', harmful: true, severity: 'S1' }),
      '{"id": "b4", "text": ',
    ].join('\n');
    writeFileSync(join(dir, 'batch.jsonl'), batch);
    const none = join(dir, 'absent.jsonl');
    const out = join(dir, 'kept.jsonl');
    const r = vigie(['data', 'check', join(dir, 'batch.jsonl'), '--out', out, '--dev', join(dir, 'dev.jsonl'), '--holdout', none, '--general-news', none, '--arabizi', none]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/line 2 \(b2\): dropped, shares ".*" with the dev/);
    expect(r.stdout).toMatch(/line 3 \(b3\): an S1 item names its target/);
    expect(r.stdout).toMatch(/line 4: not JSON/);
    expect(r.stdout).toMatch(/1 kept, 1 dropped for shared words, 2 line\(s\) to fix/);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['b1']);
  });
});
