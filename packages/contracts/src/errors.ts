/**
 * Errors typed by layer. Only the API maps them to HTTP (RFC 9457 problem+json), in one middleware.
 */
export class VigieError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class ValidationError extends VigieError {
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message, 'validation_error');
  }
}

export class NotFoundError extends VigieError {
  constructor(message: string) {
    super(message, 'not_found');
  }
}

export class ConflictError extends VigieError {
  constructor(message: string) {
    super(message, 'conflict');
  }
}

export class AuthenticationError extends VigieError {
  constructor(message = 'A valid API key is required: send it as "Authorization: Bearer <key>".') {
    super(message, 'unauthenticated');
  }
}

export class ForbiddenError extends VigieError {
  constructor(message: string) {
    super(message, 'forbidden');
  }
}
