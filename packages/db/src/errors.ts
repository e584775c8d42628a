/** E11000: a unique index refused the write. Our idempotent upserts treat it as "someone else won the race". */
export function isDuplicateKeyError(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && 'code' in error && (error.code === 11000 || error.code === 11001));
}
