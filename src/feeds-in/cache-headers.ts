// What a partner's response says about when to ask again: Retry-After and Cache-Control max-age.

/** Retry-After as seconds from `now`: a number of seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - now.getTime()) / 1000));
}

/** Cache-Control max-age (s-maxage wins) in seconds; no-store/no-cache count as no hint. */
export function maxAgeSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const match = /(?:^|,)\s*s-maxage\s*=\s*"?(\d+)/i.exec(value) ?? /(?:^|,)\s*max-age\s*=\s*"?(\d+)/i.exec(value);
  return match ? Number(match[1]) : undefined;
}
