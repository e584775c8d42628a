export * from './taxonomy.js';
export * from './classification.js';
export * from './queues.js';
export * from './errors.js';
export * from './time-buckets.js';
export * from './sources.js';
export * from './api.js';
export * from './stream.js';
