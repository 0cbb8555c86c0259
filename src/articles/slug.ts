// Slugs: lower-case ASCII words joined by hyphens. Used for articles, categories, tags and authors.

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

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
  return [...text.trim()].map((ch) => ch.codePointAt(0)!.toString(36)).join("").slice(0, 80) || "untitled";
}
