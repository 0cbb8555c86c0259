// Slugs: lower-case ASCII words joined by hyphens. Used for articles, categories, tags and authors,
// by the store as by the steps above it, so this module imports no other part of Dispatch.
import { z } from "zod";

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A slug in input (a body field, a path parameter). */
export const slugSchema = z.string().regex(SLUG_PATTERN, { message: "must be lower-case letters, digits and single hyphens (no spaces)" }).max(120);

/** "Jane Doe" → "jane-doe"; "Élysée talks" → "elysee-talks". Non-Latin text keeps a hash-free fallback. */
export function slugify(text: string): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/g, "");
  if (ascii) return ascii;
  // A name in a script with no ASCII letters: keep it addressable by its code points.
  return (
    [...text.trim()]
      .map((ch) => ch.codePointAt(0)!.toString(36))
      .join("")
      .slice(0, 80) || "untitled"
  );
}
