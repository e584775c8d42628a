import type { Connection } from 'mongoose';
import { sourceModel, type SourceModel } from './schemas/source.schema.js';
import { itemModel, type ItemModel } from './schemas/item.schema.js';
import { alertItemModel, alertModel, type AlertItemModel, type AlertModel } from './schemas/alert.schema.js';
import { apiKeyModel, type ApiKeyModel } from './schemas/api-key.schema.js';
import { auditEntryModel, type AuditEntryModel } from './schemas/audit.schema.js';

export interface Models {
  readonly connection: Connection;
  readonly sources: SourceModel;
  readonly items: ItemModel;
  readonly alerts: AlertModel;
  readonly alertItems: AlertItemModel;
  readonly apiKeys: ApiKeyModel;
  readonly audit: AuditEntryModel;
}

export function createModels(connection: Connection): Models {
  return Object.freeze({
    connection,
    sources: sourceModel(connection),
    items: itemModel(connection),
    alerts: alertModel(connection),
    alertItems: alertItemModel(connection),
    apiKeys: apiKeyModel(connection),
    audit: auditEntryModel(connection),
  });
}

/**
 * Creates every declared index (idempotent). Runs at service start; uniqueness is what makes our writes
 * idempotent, so a service must not process work before this has succeeded.
 */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of [models.sources, models.items, models.alerts, models.alertItems, models.apiKeys, models.audit]) {
    await model.createCollection().catch((error: unknown) => {
      // 48 = NamespaceExists: another process created it first.
      if (!(error && typeof error === 'object' && 'code' in error && error.code === 48)) throw error;
    });
    await model.createIndexes();
  }
}
