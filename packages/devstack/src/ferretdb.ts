import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FERRETDB_VERSION, ferretDbBinaryPath } from './paths.js';
import { freePort, tcpOpen, waitFor } from './net.js';
import { withLock } from './lock.js';
import { keepSqliteIdIndexes } from './sqlite-id-index.js';

export type Progress = (message: string) => void;

const MODULE = 'github.com/FerretDB/FerretDB';

function binaryWorks(path: string): boolean {
  if (!existsSync(path)) return false;
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 && result.stdout.includes(FERRETDB_VERSION);
}

/**
 * Returns a FerretDB binary, building it from the Go module proxy once and caching it.
 *
 * Why not plain `go install …@v1.24.2`: FerretDB's version package panics at start-up unless
 * build/version/version.txt exists, and a module-mode install has none. So we copy the module's source out of
 * the Go module cache, write that one file, and `go build` it — the same code `go install` would compile.
 */
export async function ensureFerretDbBinary(progress: Progress = () => {}): Promise<string> {
  const target = ferretDbBinaryPath();
  if (binaryWorks(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  return withLock(`${target}.lock`, 15 * 60_000, async () => {
    if (binaryWorks(target)) return target;
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.status !== 0) {
      throw new Error(
        'FerretDB is not built yet and Go is not installed. Install Go (https://go.dev/dl) or set MONGO_URL to a MongoDB 7 server.',
      );
    }
    progress(`Building FerretDB ${FERRETDB_VERSION} from the Go module proxy (first run only, about 2–4 minutes)…`);
    const download = spawnSync('go', ['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (download.status !== 0) {
      throw new Error(`go mod download failed: ${download.stderr || download.stdout}`);
    }
    const { Dir: moduleDir } = JSON.parse(download.stdout) as { Dir: string };
    const work = mkdtempSync(join(tmpdir(), 'vigie-ferretdb-'));
    try {
      const src = join(work, 'src');
      cpSync(moduleDir, src, { recursive: true });
      spawnSync('chmod', ['-R', 'u+w', src]);
      writeFileSync(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
      const out = join(work, 'ferretdb');
      const build = spawn('go', ['build', '-trimpath', '-o', out, './cmd/ferretdb'], {
        cwd: src,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, CGO_ENABLED: '0' },
      });
      let stderr = '';
      build.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      const started = Date.now();
      const ticker = setInterval(() => progress(`  still compiling FerretDB… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
      const code = await new Promise<number | null>((resolve) => build.on('close', resolve));
      clearInterval(ticker);
      if (code !== 0) throw new Error(`go build of FerretDB failed:\n${stderr.slice(-4000)}`);
      chmodSync(out, 0o755);
      renameSync(out, target);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    if (!binaryWorks(target)) throw new Error(`FerretDB built at ${target} but does not report ${FERRETDB_VERSION}`);
    progress(`FerretDB ${FERRETDB_VERSION} built and cached at ${target}`);
    return target;
  });
}

export interface RunningFerretDb {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB on the SQLite backend in `dataDir`, on free loopback ports for both the wire listener and
 * the debug HTTP listener (its default 127.0.0.1:8088 would make parallel stacks collide).
 */
export async function startFerretDb(options: {
  dataDir: string;
  port?: number;
  progress?: Progress;
  logFile?: string;
  /**
   * Keep an index on the `_id` expression FerretDB's SQLite backend really queries (sqlite-id-index.ts); without
   * it every `_id` lookup scans its table. Default true.
   */
  idIndexes?: boolean;
}): Promise<RunningFerretDb> {
  const binary = await ensureFerretDbBinary(options.progress);
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const debugPort = await freePort();
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${options.dataDir}/`,
      `--state-dir=${options.dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--debug-addr=127.0.0.1:${debugPort}`,
      '--telemetry=disable',
      '--log-level=warn',
      '--log-format=json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: false },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`FerretDB exited with code ${child.exitCode}:\n${stderr}`);
        return tcpOpen('127.0.0.1', port);
      },
      30_000,
      'FerretDB',
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let reported = false;
  const keeper =
    options.idIndexes === false
      ? null
      : keepSqliteIdIndexes(options.dataDir, {
          onError: (error) => {
            if (reported) return;
            reported = true;
            const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
            options.progress?.(
              `Could not add _id indexes to FerretDB's SQLite files (${detail}); lookups by _id will scan their tables. Install the sqlite3 shell (Debian package sqlite3) to fix this.`,
            );
          },
        });
  await keeper?.pass();
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    process: child,
    async stop() {
      await keeper?.stop();
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
