import { runMain } from '@vigie/runtime';
import { loadConfig } from './config.js';
import { startApi } from './api.js';

await runMain({ service: 'api', loadConfig, start: startApi });
