// The lead image of an entry: enclosure, media:content, media:thumbnail, media:group, else the first
// real <img> of its HTML (a 1×1 tracking pixel is not an image).
import type { RawItem } from "#src/feeds-in/raw.js";
import { absoluteUrl, attrOf, listOf } from "#src/feeds-in/text.js";

const IMAGE_EXT = /\.(jpe?g|png|gif|webp|avif|svg)(\?|#|$)/i;

export interface FoundImage {
  url: string;
  type: string | null;
  length: number | null;
}

export function findImage(item: RawItem, html: string, base: string | undefined): FoundImage | null {
  const candidates = [
    ...listOf(item.enclosure).map((e) => fromAttrs(e, "url")),
    ...listOf(item.mediaContent).map((m) => fromAttrs(m, "url")),
    ...listOf(item.mediaGroup).flatMap((g) => listOf((g as Record<string, unknown>)?.["media:content"]).map((m) => fromAttrs(m, "url"))),
    ...listOf(item.mediaThumbnail).map((m) => ({ ...fromAttrs(m, "url"), forceImage: true })),
  ];
  for (const c of candidates) {
    const url = absoluteUrl(c.url, base);
    if (!url) continue;
    const isImage = c.type ? c.type.startsWith("image/") : c.medium ? c.medium === "image" : "forceImage" in c || IMAGE_EXT.test(url);
    if (isImage) return { url, type: c.type ?? null, length: c.length };
  }
  const first = firstImg(html, base);
  return first ? { url: first, type: null, length: null } : null;
}

function fromAttrs(value: unknown, key: string) {
  const length = Number(attrOf(value, "length") ?? attrOf(value, "fileSize"));
  return {
    url: attrOf(value, key),
    type: attrOf(value, "type")?.toLowerCase(),
    medium: attrOf(value, "medium")?.toLowerCase(),
    length: Number.isSafeInteger(length) && length >= 0 ? length : null,
  };
}

function firstImg(html: string, base: string | undefined): string | undefined {
  for (const match of html.matchAll(/<img\b[^>]*>/gi)) {
    const tag = match[0];
    if (isPixel(tag)) continue;
    const src = /\bsrc\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    const url = absoluteUrl(src?.replace(/&amp;/g, "&"), base);
    if (url) return url;
  }
  return undefined;
}

const DIMENSION = {
  width: { attribute: /\bwidth\s*=\s*["']?\s*(\d+)/i, style: /width\s*:\s*(\d+)px/i },
  height: { attribute: /\bheight\s*=\s*["']?\s*(\d+)/i, style: /height\s*:\s*(\d+)px/i },
};

/** width and height of at most 1 (attributes or inline style): a tracking pixel. */
export function isPixel(tag: string): boolean {
  const dim = (name: keyof typeof DIMENSION) => {
    const value = DIMENSION[name].attribute.exec(tag)?.[1] ?? DIMENSION[name].style.exec(tag)?.[1];
    return value === undefined ? undefined : Number(value);
  };
  const w = dim("width");
  const h = dim("height");
  return w !== undefined && h !== undefined && w <= 1 && h <= 1;
}
