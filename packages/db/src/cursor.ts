import { ValidationError } from '@vigie/contracts';

/**
 * Opaque keyset cursors: the last row's sort value and _id, base64url-encoded. Keyset pagination stays fast at
 * any depth and never skips or repeats rows when new ones arrive.
 */
export interface CursorPosition {
  readonly v: string | number | null;
  readonly id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      parsed &&
      typeof parsed === 'object' &&
      'id' in parsed &&
      typeof parsed.id === 'string' &&
      /^[a-f0-9]{24}$/.test(parsed.id) &&
      'v' in parsed &&
      (parsed.v === null || typeof parsed.v === 'string' || typeof parsed.v === 'number')
    ) {
      return { v: parsed.v, id: parsed.id };
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('Invalid cursor: pass back the nextCursor value from the previous page unchanged.', [
    { path: 'cursor', message: 'not a cursor issued by this API' },
  ]);
}
