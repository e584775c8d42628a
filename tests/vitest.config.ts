import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

// Integration and end-to-end tests: real Redis and a real MongoDB-wire server (FerretDB unless MONGO_URL is
// set), started once by the global setup. Files run in parallel; each one isolates itself with its own
// database name and queue prefix.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['**/*.test.ts'],
      exclude: ['node_modules/**'],
      globalSetup: ['./support/global-setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 240_000,
      fileParallelism: true,
      maxWorkers: 2,
    },
  }),
);
