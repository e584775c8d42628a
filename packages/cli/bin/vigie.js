#!/usr/bin/env node
// Runs the compiled CLI when it has been built (`npm run build`), otherwise the TypeScript sources through tsx,
// so `npx vigie …` works in a fresh checkout right after `npm install`.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const src = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const useDist = existsSync(dist) && process.env.VIGIE_CLI_FROM_SOURCE !== '1';
if (useDist) {
  await import(dist);
} else {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', src, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = result.status ?? 1;
}
