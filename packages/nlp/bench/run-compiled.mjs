/**
 * Runs a benchmark of this package as the classifier service runs: compiled JavaScript on plain Node, without the
 * TypeScript loader. Under tsx the loader alone held ≈ 30 MB of the process (70 MB against Node's 39 MB before any of
 * our code), which the benchmark's peak RSS counted as the classifier's.
 *
 * The bench file and the workspace sources it imports are bundled with esbuild (the `source` condition, as under
 * tsx) into `.bench-out/` beside `bench/`, so `new URL('../data/…', import.meta.url)` still finds `data/`; npm
 * dependencies stay external and load from node_modules as in the service.
 * Usage: node packages/nlp/bench/run-compiled.mjs <bench file relative to bench/> [node flags…]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const [benchFile = 'classify.bench.ts', ...nodeFlags] = process.argv.slice(2);
const outfile = fileURLToPath(new URL(`../.bench-out/${benchFile.replace(/\.ts$/, '.mjs')}`, import.meta.url));

/** Bare imports other than the workspace's own packages stay imports: they load from node_modules at run time. */
const npmDependenciesExternal = {
  name: 'npm-dependencies-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@vigie/') ? undefined : { path: args.path, external: true }));
  },
};

await build({
  entryPoints: [fileURLToPath(new URL(`./${benchFile}`, import.meta.url))],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  logLevel: 'warning',
  plugins: [npmDependenciesExternal],
});
const run = spawnSync(process.execPath, [...nodeFlags, outfile], { stdio: 'inherit' });
process.exit(run.status ?? 1);
