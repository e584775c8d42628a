import type { Command } from 'commander';
import { MISSION_CODES, type MissionCode } from '@vigie/contracts';
import { ROLES, connectMongo, createApiKey, createModels, ensureIndexes, generateKey, type Role } from '@vigie/db';
import { loadCliConfig } from '../config.js';

/** `vigie keys generate` (offline) and `vigie keys create` (writes to MONGO_URL): the first admin's way in. */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys');

  keys
    .command('generate')
    .description('print a new random key, e.g. for VIGIE_BOOTSTRAP_ADMIN_KEY (stores nothing)')
    .action(() => {
      process.stdout.write(`${generateKey().key}\n`);
    });

  keys
    .command('create')
    .description('create a key in the database at MONGO_URL and print it once')
    .requiredOption('--name <name>', 'who or what uses the key, e.g. "Goma comms cell"')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'admin')
    .option('--missions <codes>', 'comma-separated mission codes the key may see (default: all)', '')
    .action(async (opts: { name: string; role: string; missions: string }) => {
      if (!ROLES.includes(opts.role as Role)) {
        process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      const missions = opts.missions.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);
      const unknown = missions.filter((m) => !MISSION_CODES.includes(m as MissionCode));
      if (unknown.length) {
        process.stderr.write(`Unknown mission code(s): ${unknown.join(', ')}. Known: ${MISSION_CODES.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      const config = loadCliConfig();
      const connection = await connectMongo(config.mongo.url, { dbName: config.mongo.dbName, appName: 'vigie-cli' });
      try {
        const models = createModels(connection);
        await ensureIndexes(models);
        const created = await createApiKey(models, { name: opts.name, role: opts.role as Role, missions: missions as MissionCode[], createdBy: 'cli' });
        process.stdout.write(`${created.key}\n`);
        process.stderr.write(`Created ${opts.role} key "${opts.name}" (id ${created.id}). Store it now: it is shown only once.\n`);
      } finally {
        await connection.close();
      }
    });
}
