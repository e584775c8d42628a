export { startCollector, type RunningCollector } from './collector.js';
export { loadConfig, type CollectorConfig } from './config.js';
export { readSourcesFile, upsertSources } from './sources-file.js';
export { collectFeed, articleToNewItem, type CollectDeps, type CollectSummary } from './collect-feed.processor.js';
export { createHostLimiter, retryDelayMs, type HostLimiter, type PolitenessLimits, type HostDecision } from './politeness.js';
export { sweepStalePending } from './sweeper.js';
export { adaptiveIntervalSec, nextFetchAt, shouldFetchUnconditionally } from './adaptive-interval.js';
export { nextRedirectState, ADOPT_AFTER } from './redirect-adoption.js';
export { createHealthWriter, type HealthWriter } from './health-writer.js';
