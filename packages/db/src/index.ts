export { connectMongo, pingMongo } from './connection.js';
export { createModels, ensureIndexes, type Models } from './models.js';
export { encodeCursor, decodeCursor, type CursorPosition } from './cursor.js';
export { isDuplicateKeyError } from './errors.js';
export {
  withDocumentLock,
  documentLocksEnabled,
  isFerretDb,
  setDocumentLockMode,
  DocumentLockTimeoutError,
  DOCUMENT_LOCKS_COLLECTION,
  type DocumentLockMode,
  type DocumentLockOptions,
} from './document-lock.js';
export { SOURCE_KINDS, type SourceKind, type SourceDoc } from './schemas/source.schema.js';
export { ITEM_STATUSES, type ItemDoc } from './schemas/item.schema.js';
export { ALERT_STATUSES, type AlertStatus, type AlertDoc } from './schemas/alert.schema.js';
export { ROLES, type Role, type ApiKeyDoc } from './schemas/api-key.schema.js';
export type { AuditEntryDoc } from './schemas/audit.schema.js';
export { upsertItem, saveClassification, type NewItem, type UpsertResult, type UpsertOutcome } from './repositories/item.repository.js';
export {
  recordEvidence,
  withAlertWriteLock,
  dedupKeyFor,
  applyAlertTransition,
  findReopenCandidate,
  backfillAlertKeys,
  rollForwardTransitions,
  lifecycleStateOf,
  ACTIVE_ALERT_STATUSES,
  EVIDENCE_INLINE_CAP,
  type EvidenceInput,
  type EvidenceResult,
  type AlertTransitionWrite,
} from './repositories/alert.repository.js';
export { recordAlertEvent, outboxBacklog, pruneRelayedAlertEvents } from './repositories/alert-outbox.repository.js';
export { relayPendingAlertEvents, type RelayOptions, type RelayReport } from './repositories/alert-event-relay.js';
export { topSources, topTerms, type StatsFilter, type RankedStat, type TopSource, type StoryRow } from './repositories/stats.repository.js';
export type { AlertOutboxDoc } from './schemas/alert-outbox.schema.js';
export {
  createApiKey,
  ensureBootstrapKey,
  verifyApiKey,
  generateKey,
  hashKey,
  isWellFormedKey,
  type AuthenticatedKey,
} from './repositories/api-key.repository.js';
export { appendAudit, type AuditInput } from './repositories/audit.repository.js';
export {
  linkDuplicate,
  findStalePending,
  classifyJobId,
  simhashBands,
  simhashDistance,
  NEAR_DUPLICATE_WINDOW_MS,
  NEAR_DUPLICATE_MAX_DISTANCE,
} from './repositories/item.repository.js';
export {
  upsertSourcesByName,
  ensureManualSource,
  exportSources,
  deleteSource,
  sourceConfigFields,
  DEFAULT_MANUAL_SOURCE_NAME,
  type UpsertSourcesReport,
} from './repositories/source.repository.js';
export { LABEL_VERDICTS, type LabelDoc } from './schemas/label.schema.js';
export {
  type ClassifierVersionSource,
  type ClassifierVersionDoc,
  type ReclassifyStatus,
  type ReclassifyRunDoc,
} from './schemas/classifier-version.schema.js';
export {
  putClassifierBlob,
  getClassifierBlob,
  createClassifierVersion,
  findClassifierVersion,
  setClassifierVersionFigures,
  activeClassifierPointer,
  activateClassifierVersion,
  listClassifierVersions,
  loadTriageDecisions,
  reclassifyItemQuery,
  createReclassifyRun,
  findReclassifyRun,
  startReclassifyRun,
  saveReclassifyProgress,
  finishReclassifyRun,
  storeClassifierParts,
  saveClassifierVersion,
  loadClassifierParts,
  classifierPartsOf,
  type ClassifierPartHashes,
  type ClassifierVersionLean,
  type ClassifierVersionStatus,
  type NewClassifierVersion,
  type ActivationInput,
  type TriageDecisionRow,
  type ReclassifyRunLean,
  type ReclassifyFilter,
} from './repositories/classifier-version.repository.js';
export { countSeries, activePairs, windowBreakdown, type BucketRow, type Breakdown } from './repositories/timeseries.repository.js';
export type { EarlyWarningDoc, MomentDoc, TaskDoc } from './schemas/early-warning.schema.js';
export {
  WEBHOOK_FORMATS,
  DELIVERY_STATUSES,
  type WebhookFormat,
  type DeliveryStatus,
  type WebhookDoc,
  type WebhookDeliveryDoc,
  type SilenceDoc,
  type PendingNotificationDoc,
  type NotificationKeyDoc,
} from './schemas/notification.schema.js';
export {
  activeSilences,
  ensureDelivery,
  recordDeliveryAttempt,
  type SilenceRecord,
  type DeliveryInput,
} from './repositories/notification.repository.js';
export {
  RESPONSE_CHANNELS,
  RESPONSE_STATUSES,
  ALL_MISSIONS,
  type ResponseChannel,
  type ResponseStatus,
  type ResponseDoc,
  type DigestDoc,
} from './schemas/response.schema.js';
export { loadBriefData, loadDigestData, loadPrebunkData, effectSeries, storeDigest, BRIEF_ITEM_CAP, type StoredDigestInput, type PrebunkSource, type BriefSource, type DigestSource, type DigestQuery, type EffectRowData, type ResponseData } from './repositories/reports.repository.js';
export { upsertFeedItems } from './repositories/feed-items.repository.js';
