// Reading loosely typed XML values (strings, {_: text, $: attrs}, arrays) as plain values.
import { decodeEntities } from "#src/articles/sanitize.js";

/** The text of an XML value, trimmed; undefined when there is none. */
export function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number") return String(value);
  if (value && typeof value === "object") {
    const inner = (value as { _?: unknown })._;
    if (typeof inner === "string") return inner.trim() || undefined;
  }
  return undefined;
}

/** An attribute of an XML value ({$: {url: …}} as xml2js gives it, or a flat object as rss-parser's enclosure). */
export function attrOf(value: unknown, name: string): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  const attrs = (value as { $?: Record<string, unknown> }).$ ?? (value as Record<string, unknown>);
  const found = attrs[name] ?? attrs[name.toUpperCase()];
  return typeof found === "string" ? decodeEntities(found.trim()) || undefined : undefined;
}

export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** An absolute http(s) URL resolved against `base`, or undefined. */
export function absoluteUrl(value: string | undefined, base: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = base ? new URL(value, base) : new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const TRACKING = /^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|__s)$/i;

/** Drops utm_* and similar tracking parameters from a URL. */
export function withoutTracking(href: string): string {
  try {
    const url = new URL(href);
    const keys = [...url.searchParams.keys()].filter((k) => TRACKING.test(k));
    if (!keys.length) return href;
    for (const key of keys) url.searchParams.delete(key);
    return url.href;
  } catch {
    return href;
  }
}
