/**
 * The demo orchestrator (run by infra/local/demo.sh): one process that owns the local stack and the three
 * services, shows live status, and stops everything in order on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { ensureRedis, freePort, startFerretDb, waitFor, type RedisHandle, type RunningFerretDb } from '@vigie/devstack';
import { generateKey } from '@vigie/db';
import { classifierProcessLaunch } from '@vigie/nlp';

const root = resolve(import.meta.dirname, '../..');
const dataDir = join(root, '.vigie', 'demo');
const logDir = join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });
const say = (m: string) => process.stdout.write(`${m}\n`);

let redis: RedisHandle | undefined;
let ferret: RunningFerretDb | undefined;
const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

async function main() {
  redis = await ensureRedis({ url: process.env.REDIS_URL, dataDir: join(dataDir, 'redis'), progress: say });
  say(`  Redis:    ${redis.url}${redis.owned ? ' (started by the demo, AOF on)' : ' (already running)'}`);
  let mongoUrl = process.env.MONGO_URL;
  if (!mongoUrl) {
    ferret = await startFerretDb({ dataDir: join(dataDir, 'ferretdb'), progress: say });
    mongoUrl = ferret.url;
    say(`  Database: FerretDB v1.24.2 on SQLite at ${mongoUrl} (data in .vigie/demo/ferretdb)`);
  } else {
    say(`  Database: ${mongoUrl.replace(/\/\/[^@]*@/, '//***@')}`);
  }

  // The bundled sample feeds, served on loopback so the demo works offline.
  const feedDir = join(root, 'infra', 'local', 'sample-feeds');
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').replace(/^\//, '').split('?')[0] ?? '';
    if (!/^[a-z0-9-]+\.xml$/.test(name) || !existsSync(join(feedDir, name))) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(readFileSync(join(feedDir, name)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  const feedBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const missionsByFeed: Record<string, string[]> = {
    'kivu-echos.xml': ['MONUSCO'],
    'monusco-official.xml': ['MONUSCO'],
    'bangui-wire.xml': ['MINUSCA'],
    'janoub-news.xml': ['UNIFIL'],
  };
  const sources = readdirSync(feedDir)
    .filter((f) => f.endsWith('.xml'))
    .map((f) => ({ name: `demo: ${f.replace('.xml', '')}`, kind: 'rss', url: `${feedBase}/${f}`, missions: missionsByFeed[f] ?? [], pollIntervalSec: 60 }));
  const sourcesFile = join(dataDir, 'sources.json');
  writeFileSync(sourcesFile, JSON.stringify({ sources }, null, 2));
  say(`  Feeds:    ${sources.length} sample feeds served at ${feedBase}`);

  const keyFile = join(dataDir, 'admin-key');
  const adminKey = process.env.VIGIE_BOOTSTRAP_ADMIN_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : generateKey().key);
  writeFileSync(keyFile, adminKey, { mode: 0o600 });
  const apiPort = process.env.PORT ? Number(process.env.PORT) : await freePort();

  const env = {
    ...process.env,
    NODE_ENV: 'development',
    REDIS_URL: redis.url,
    MONGO_URL: mongoUrl,
    MONGO_DB: process.env.MONGO_DB ?? 'vigie_demo',
    QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? 'vigie-demo',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    PORT: String(apiPort),
    VIGIE_BOOTSTRAP_ADMIN_KEY: adminKey,
    COLLECTOR_SOURCES_FILE: sourcesFile,
    COLLECTOR_ALLOW_PRIVATE_ADDRESSES: 'true',
  };
  for (const name of ['api', 'classifier', 'collector']) {
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
    const script = join(root, 'services', name, 'dist', 'main.js');
    // The classifier starts as in production (infra/compose.yaml): its heap and allocator settings save ≈ 65 MB.
    const launch = name === 'classifier' ? classifierProcessLaunch([script], env) : { args: [script], env };
    const child = spawn(process.execPath, launch.args, { env: launch.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.once('exit', (code) => {
      if (!stopping) {
        say(`\n✖ ${name} stopped unexpectedly (exit ${code}); see .vigie/demo/logs/${name}.log`);
        void stop(1);
      }
    });
    children.push({ name, child });
  }
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await fetch(`${apiUrl}/readyz`).catch(() => null))?.ok ?? false, 60_000, 'the API');
  say('');
  say(`✔ Vigie is running.`);
  say(`  Dashboard: ${apiUrl}/   (sign in with the key below; French or English)`);
  say(`  API:      ${apiUrl}/api/v1   (documentation: ${apiUrl}/docs)`);
  say(`  API key:  ${adminKey}   (admin; kept in .vigie/demo/admin-key)`);
  say(`  Try:      curl -H "Authorization: Bearer ${adminKey}" ${apiUrl}/api/v1/alerts`);
  say(`  Logs:     .vigie/demo/logs/*.log        Stop: Ctrl-C`);
  say('');

  const startedAt = Date.now();
  const headers = { authorization: `Bearer ${adminKey}` };
  for (;;) {
    if (stopping) return;
    try {
      const [alerts, items] = await Promise.all([
        fetch(`${apiUrl}/api/v1/alerts?limit=200&status=open`, { headers }).then((r) => r.json() as Promise<{ data: { severity: string }[] }>),
        fetch(`${apiUrl}/api/v1/items?limit=200`, { headers }).then((r) => r.json() as Promise<{ data: { status: string }[] }>),
      ]);
      const classified = items.data.filter((i) => i.status === 'classified').length;
      const s1 = alerts.data.filter((a) => a.severity === 'S1').length;
      const line = `  [${Math.round((Date.now() - startedAt) / 1000)} s] items: ${items.data.length} (classified ${classified}) · open alerts: ${alerts.data.length} (S1: ${s1})`;
      process.stdout.write(process.stdout.isTTY ? `\r${line}   ` : `${line}\n`);
    } catch {
      // the API is restarting or stopping; the next tick tells
    }
    await new Promise((r) => setTimeout(r, process.stdout.isTTY ? 2_000 : 10_000));
  }
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  say('\nStopping: collector, classifier, API, then the database and Redis…');
  // Intake first: the collector stops producing, the classifier finishes its jobs, the API goes last.
  for (const name of ['collector', 'classifier', 'api']) {
    const entry = children.find((c) => c.name === name);
    if (!entry || entry.child.exitCode !== null) continue;
    const exited = new Promise((r) => entry.child.once('exit', r));
    entry.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  }
  await ferret?.stop();
  await redis?.stop();
  say('Stopped.');
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
main().catch((error: unknown) => {
  say(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
