// One vitest configuration for every workspace: workspace packages resolve to their TypeScript sources, so
// tests never need a prior build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@vigie\/(api|collector|classifier)$/, replacement: `${repoRoot}services/$1/src/index.ts` },
      { find: /^@vigie\/([a-z-]+)$/, replacement: `${repoRoot}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
