import { runMain } from '@vigie/runtime';
import { loadConfig } from './config.js';
import { startCollector } from './collector.js';

await runMain({ service: 'collector', loadConfig, start: startCollector });
