// When to pull a partner next, and whether it is healthy. Pure: inputs and a `now` in, dates out.

export interface PolicyLimits {
  /** Backoff never waits longer than this. */
  maxBackoffMinutes: number;
  /** Failing continuously for longer than this marks a partner unhealthy. */
  unhealthyAfterMinutes: number;
}

const MINUTE = 60_000;

/** A partner's polling bounds and its configured interval (the fallback while its pace is unknown). */
export interface IntervalBounds {
  intervalMinutes: number;
  minIntervalMinutes: number;
  maxIntervalMinutes: number;
}

/**
 * How long to wait between good pulls: the pace the partner publishes at, kept within its bounds; the
 * configured interval when no pace is known (a feed without usable dates).
 */
export function pacedInterval(bounds: IntervalBounds, learnedIntervalMinutes: number | null): number {
  if (learnedIntervalMinutes === null) return bounds.intervalMinutes;
  return Math.min(Math.max(learnedIntervalMinutes, bounds.minIntervalMinutes), bounds.maxIntervalMinutes);
}

/** What the feed and its response say about asking again (each only ever lengthens the wait). */
export interface PullHints {
  /** RSS <ttl>, in minutes. */
  ttlMinutes?: number | undefined;
  /** Cache-Control max-age (or s-maxage). */
  maxAgeSeconds?: number | undefined;
  /** sy:updatePeriod / sy:updateFrequency, in minutes, already within the partner's bounds (update-period.ts). */
  updatePeriodMinutes?: number | undefined;
}

/** After a good pull: the interval (see pacedInterval), or longer when its ttl / sy:updatePeriod / Cache-Control ask for it (capped). */
export function nextPullAfterSuccess(now: Date, intervalMinutes: number, hints: PullHints, limits: PolicyLimits): string {
  const asked = Math.max(intervalMinutes, hints.ttlMinutes ?? 0, hints.updatePeriodMinutes ?? 0, (hints.maxAgeSeconds ?? 0) / 60);
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
