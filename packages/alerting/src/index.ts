/**
 * @vigie/alerting — the pure decision logic of early warning: spike and rising detection, the alert lifecycle,
 * silences, notification policy (grouping, rate caps, escalation, channels), high-risk moments, and webhook
 * signing/formatting. No I/O: time is always a parameter; callers load state, call these, and persist.
 */
export * from './spike-detector.js';
export { logGamma, mannKendallTau, median, poissonUpperTail, regularizedLowerGamma } from './poisson.js';
export * from './alert-lifecycle.js';
export * from './silences.js';
export * from './notification-policy.js';
export * from './moments.js';
export * from './webhook-signing.js';
export * from './webhook-delivery.js';
