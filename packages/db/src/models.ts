import type { Connection } from 'mongoose';
import { sourceModel, type SourceModel } from './schemas/source.schema.js';
import { itemModel, type ItemModel } from './schemas/item.schema.js';
import {
  alertItemModel,
  alertModel,
  alertTransitionModel,
  type AlertItemModel,
  type AlertModel,
  type AlertTransitionModel,
} from './schemas/alert.schema.js';
import { apiKeyModel, type ApiKeyModel } from './schemas/api-key.schema.js';
import { auditEntryModel, type AuditEntryModel } from './schemas/audit.schema.js';
import { labelModel, type LabelModel } from './schemas/label.schema.js';
import {
  notificationKeyModel,
  pendingNotificationModel,
  silenceModel,
  webhookDeliveryModel,
  webhookModel,
  type NotificationKeyModel,
  type PendingNotificationModel,
  type SilenceModel,
  type WebhookDeliveryModel,
  type WebhookModel,
} from './schemas/notification.schema.js';
import {
  earlyWarningModel,
  momentModel,
  taskModel,
  type EarlyWarningModel,
  type MomentModel,
  type TaskModel,
} from './schemas/early-warning.schema.js';
import { digestModel, responseModel, type DigestModel, type ResponseModel } from './schemas/response.schema.js';
import { alertOutboxModel, type AlertOutboxModel } from './schemas/alert-outbox.schema.js';
import {
  classifierActivationModel,
  classifierBlobModel,
  classifierVersionModel,
  reclassifyRunModel,
  type ClassifierActivationModel,
  type ClassifierBlobModel,
  type ClassifierVersionModel,
  type ReclassifyRunModel,
} from './schemas/classifier-version.schema.js';

export interface Models {
  readonly connection: Connection;
  readonly sources: SourceModel;
  readonly items: ItemModel;
  readonly alerts: AlertModel;
  readonly alertItems: AlertItemModel;
  readonly alertTransitions: AlertTransitionModel;
  readonly alertOutbox: AlertOutboxModel;
  readonly apiKeys: ApiKeyModel;
  readonly audit: AuditEntryModel;
  readonly labels: LabelModel;
  readonly webhooks: WebhookModel;
  readonly webhookDeliveries: WebhookDeliveryModel;
  readonly silences: SilenceModel;
  readonly pendingNotifications: PendingNotificationModel;
  readonly notificationKeys: NotificationKeyModel;
  readonly earlyWarnings: EarlyWarningModel;
  readonly moments: MomentModel;
  readonly tasks: TaskModel;
  readonly responses: ResponseModel;
  readonly digests: DigestModel;
  readonly classifierVersions: ClassifierVersionModel;
  readonly classifierBlobs: ClassifierBlobModel;
  readonly classifierActivations: ClassifierActivationModel;
  readonly reclassifyRuns: ReclassifyRunModel;
}

export function createModels(connection: Connection): Models {
  return Object.freeze({
    connection,
    sources: sourceModel(connection),
    items: itemModel(connection),
    alerts: alertModel(connection),
    alertItems: alertItemModel(connection),
    alertTransitions: alertTransitionModel(connection),
    alertOutbox: alertOutboxModel(connection),
    apiKeys: apiKeyModel(connection),
    audit: auditEntryModel(connection),
    labels: labelModel(connection),
    webhooks: webhookModel(connection),
    webhookDeliveries: webhookDeliveryModel(connection),
    silences: silenceModel(connection),
    pendingNotifications: pendingNotificationModel(connection),
    notificationKeys: notificationKeyModel(connection),
    earlyWarnings: earlyWarningModel(connection),
    moments: momentModel(connection),
    tasks: taskModel(connection),
    responses: responseModel(connection),
    digests: digestModel(connection),
    classifierVersions: classifierVersionModel(connection),
    classifierBlobs: classifierBlobModel(connection),
    classifierActivations: classifierActivationModel(connection),
    reclassifyRuns: reclassifyRunModel(connection),
  });
}

/**
 * Creates every declared index (idempotent). Runs at service start; uniqueness is what makes our writes
 * idempotent, so a service must not process work before this has succeeded.
 */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of [models.sources, models.items, models.alerts, models.alertItems, models.alertTransitions, models.alertOutbox, models.apiKeys, models.audit, models.labels, models.webhooks, models.webhookDeliveries, models.silences, models.pendingNotifications, models.notificationKeys, models.earlyWarnings, models.moments, models.tasks, models.responses, models.digests, models.classifierVersions, models.classifierBlobs, models.classifierActivations, models.reclassifyRuns]) {
    await model.createCollection().catch((error: unknown) => {
      // 48 = NamespaceExists: another process created it first.
      if (!(error && typeof error === 'object' && 'code' in error && error.code === 48)) throw error;
    });
    await model.createIndexes();
  }
}
