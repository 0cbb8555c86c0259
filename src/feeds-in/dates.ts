// Entry dates in any common format; missing or absurd ones (before 1990, or more than a day ahead) are null.
const EARLIEST = Date.UTC(1990, 0, 1);
const AHEAD_MS = 24 * 3_600_000;

export function parseEntryDate(value: string | undefined, fetchedAt: Date): string | null {
  if (!value) return null;
  const time = parseLoosely(value.trim());
  if (time === undefined || time < EARLIEST || time > fetchedAt.getTime() + AHEAD_MS) return null;
  return new Date(time).toISOString();
}

function parseLoosely(value: string): number | undefined {
  const direct = Date.parse(value);
  if (!Number.isNaN(direct)) return direct;
  // RFC 822 with a day name that does not match, or a trailing zone name V8 does not know ("CEST").
  const cleaned = value.replace(/^[A-Za-z]{3,9},?\s*/, "").replace(/\s+\(?[A-Z]{3,5}\)?$/, " GMT");
  const second = Date.parse(cleaned);
  return Number.isNaN(second) ? undefined : second;
}
