/**
 * A unique index refused the write. MongoDB answers E11000; FerretDB v1 on SQLite answers E11000 on inserts
 * but code 1 with SQLite's "UNIQUE constraint failed" on updates. Our idempotent upserts treat either as
 * "someone else won the race".
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (!error || typeof error !== 'object' || !('code' in error)) return false;
  if (error.code === 11000 || error.code === 11001) return true;
  return error.code === 1 && 'message' in error && typeof error.message === 'string' && error.message.includes('UNIQUE constraint failed');
}
