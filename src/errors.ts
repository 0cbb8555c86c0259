// The few named errors. Modules outside http/ throw these; http/errors.ts maps them to statuses.

export class DispatchError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A bad value in the environment: the process must not start. */
export class ConfigError extends DispatchError {
  constructor(message: string) {
    super("config", message);
  }
}

/** Input that fails validation; `fields` names each bad field and what is wrong with it. */
export class ValidationError extends DispatchError {
  readonly fields: Record<string, string>;
  constructor(message: string, fields: Record<string, string> = {}) {
    super("invalid", message);
    this.fields = fields;
  }
}

export class NotFoundError extends DispatchError {
  constructor(message: string) {
    super("not_found", message);
  }
}

export class ConflictError extends DispatchError {
  constructor(message: string) {
    super("conflict", message);
  }
}

/** No credentials, or credentials that do not match anything. */
export class UnauthorizedError extends DispatchError {
  constructor(message = "a valid key is required") {
    super("unauthorized", message);
  }
}

/** Credentials that were valid once but are not allowed now (a revoked key). */
export class ForbiddenError extends DispatchError {
  constructor(message: string) {
    super("forbidden", message);
  }
}

export class TooManyRequestsError extends DispatchError {
  constructor(message = "too many requests") {
    super("rate_limited", message);
  }
}

export class PayloadTooLargeError extends DispatchError {
  constructor(message: string) {
    super("too_large", message);
  }
}

/** The database or another required service cannot be reached. */
export class UnavailableError extends DispatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("unavailable", message, options);
  }
}
