export { startCollector, type RunningCollector } from './collector.js';
export { loadConfig, type CollectorConfig } from './config.js';
export { readSourcesFile, upsertSources } from './sources-file.js';
