export * from './spike-detector.js';
export { logGamma, mannKendallTau, median, poissonUpperTail, regularizedLowerGamma } from './poisson.js';
export * from './alert-lifecycle.js';
export * from './silences.js';
export * from './notification-policy.js';
export * from './moments.js';
export * from './webhook-signing.js';
