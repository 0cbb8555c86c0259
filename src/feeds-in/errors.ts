// Errors of one pull step. Each names its step; ingest.ts records the message on the partner.
// They never reach HTTP: a failed pull is a recorded state, not a failed request.

export type PullStep = "fetch" | "parse" | "normalize" | "save";

export class PartnerPullError extends Error {
  readonly step: PullStep;
  /** Seconds the partner asked us to wait (Retry-After), when it did. */
  readonly retryAfterSeconds: number | undefined;
  constructor(step: PullStep, message: string, options: { cause?: unknown; retryAfterSeconds?: number | undefined } = {}) {
    super(`${step}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PartnerPullError";
    this.step = step;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
