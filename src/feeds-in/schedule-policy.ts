// When to pull a partner next, and whether it is healthy. Pure: inputs and a `now` in, dates out.

export interface PolicyLimits {
  /** Backoff never waits longer than this. */
  maxBackoffMinutes: number;
  /** Failing continuously for longer than this marks a partner unhealthy. */
  unhealthyAfterMinutes: number;
}

const MINUTE = 60_000;

/** After a good pull: the partner's interval, or longer when its ttl / Cache-Control ask for it (capped). */
export function nextPullAfterSuccess(
  now: Date,
  intervalMinutes: number,
  hints: { ttlMinutes?: number | undefined; maxAgeSeconds?: number | undefined },
  limits: PolicyLimits,
): string {
  const asked = Math.max(intervalMinutes, hints.ttlMinutes ?? 0, (hints.maxAgeSeconds ?? 0) / 60);
  const wait = Math.min(asked, Math.max(intervalMinutes, limits.maxBackoffMinutes));
  return new Date(now.getTime() + wait * MINUTE).toISOString();
}

/** After the n-th failure in a row: interval × 2^(n-1), capped; a Retry-After is honoured up to the cap. */
export function nextPullAfterFailure(
  now: Date,
  intervalMinutes: number,
  errorCount: number,
  retryAfterSeconds: number | undefined,
  limits: PolicyLimits,
): string {
  const backoff = intervalMinutes * 2 ** Math.min(Math.max(errorCount - 1, 0), 20);
  const wait = Math.min(Math.max(backoff, (retryAfterSeconds ?? 0) / 60), Math.max(intervalMinutes, limits.maxBackoffMinutes));
  return new Date(now.getTime() + wait * MINUTE).toISOString();
}

export function isHealthy(failingSince: string | null, now: Date, limits: PolicyLimits): boolean {
  if (!failingSince) return true;
  return now.getTime() - Date.parse(failingSince) < limits.unhealthyAfterMinutes * MINUTE;
}
