import { describe, expect, it } from 'vitest';
import { extractArticle } from './extract-article.js';

const PARAGRAPH =
  "Les casques bleus de la MONUSCO ont renforcé leurs patrouilles autour de Bunia après les violences de la semaine dernière. Selon le porte-parole de la mission, les effectifs déployés dans la région ont doublé et des bases temporaires ont été installées près des sites de déplacés. ";

const PAGE = `<!DOCTYPE html><html lang="fr"><head><title>Ituri : la MONUSCO renforce ses patrouilles | Radio Exemple</title>
<meta property="og:site_name" content="Radio Exemple"><meta property="article:published_time" content="2025-02-03T08:30:00+01:00">
<link rel="canonical" href="https://radio.example.cd/ituri-patrouilles"><script>trackUser()</script></head>
<body><nav><a href="/">Accueil</a> <a href="/sport">Sport</a></nav>
<article><h1>Ituri : la MONUSCO renforce ses patrouilles</h1><p class="byline">Par Jeanne Mukendi</p>
<p>${PARAGRAPH}</p><p>${PARAGRAPH}</p><p>${PARAGRAPH}</p><script>alert(1)</script></article>
<footer>© Radio Exemple — Publicité</footer></body></html>`;

describe('extractArticle', () => {
  it('extracts the main text and metadata of an article page', () => {
    const a = extractArticle(PAGE, 'https://radio.example.cd/ituri-patrouilles?utm_source=fb');
    expect(a.title).toContain('Ituri : la MONUSCO renforce ses patrouilles');
    expect(a.text).toContain('renforcé leurs patrouilles autour de Bunia');
    expect(a.text).not.toMatch(/alert|trackUser|Accueil|Publicité/);
    expect(a.siteName).toBe('Radio Exemple');
    expect(a.publishedAt?.toISOString()).toBe('2025-02-03T07:30:00.000Z');
    expect(a.language).toBe('fr');
    expect(a.canonicalUrl).toBe('https://radio.example.cd/ituri-patrouilles');
  });

  it('falls back to the body text on a page without an article', () => {
    const a = extractArticle('<html><body><p>Court communiqué de presse.</p></body></html>', 'https://e.org/');
    expect(a.text).toBe('Court communiqué de presse.');
  });
});
