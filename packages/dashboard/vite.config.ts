import { defineConfig } from 'vitest/config';

// A static build only: the API serves dist/ (services/api/src/dashboard.ts). Nothing is loaded from another
// origin, and nothing is inlined as a script, so the page runs under a `'self'`-only Content-Security-Policy.
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Never turn a small asset into a data: URL or an inline <script>: the CSP would refuse it.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
