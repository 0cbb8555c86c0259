// The sanitize step: the newsroom allowlist (articles/sanitize.ts) made stricter for strangers'
// HTML: http(s) only, links resolved and marked rel="noopener nofollow", tracking parameters and
// 1×1 pixels dropped, no srcset (it could point anywhere).
import type sanitizeHtml from "sanitize-html";
import { NEWS_HTML_OPTIONS, sanitizeBody } from "#src/articles/sanitize.js";
import { absoluteUrl, withoutTracking } from "#src/feeds-in/text.js";
import { isPixel } from "#src/feeds-in/image.js";

const MAX_BODY_CHARS = 1_000_000;

function partnerOptions(base: string | undefined): sanitizeHtml.IOptions {
  const attributes = { ...(NEWS_HTML_OPTIONS.allowedAttributes as Record<string, string[]>) };
  attributes.a = ["href", "title", "rel"];
  attributes.img = ["src", "alt", "title", "width", "height"];
  attributes.source = ["media", "type"];
  return {
    ...NEWS_HTML_OPTIONS,
    allowedAttributes: attributes,
    allowedSchemes: ["http", "https"],
    allowedSchemesByTag: { img: ["http", "https"] },
    transformTags: {
      a: (tagName, attribs) => {
        const href = absoluteUrl(attribs.href, base);
        return {
          tagName,
          attribs: { ...(href ? { href: withoutTracking(href) } : {}), ...(attribs.title ? { title: attribs.title } : {}), rel: "noopener nofollow" },
        };
      },
      img: (tagName, attribs) => {
        const src = absoluteUrl(attribs.src, base);
        const pixel = isPixel(
          `<img ${Object.entries(attribs)
            .map(([k, v]) => `${k}="${v}"`)
            .join(" ")}>`,
        );
        // A pixel or an image with no usable source loses its src and is then dropped by exclusiveFilter.
        return { tagName, attribs: { ...attribs, src: src && !pixel ? withoutTracking(src) : "" } };
      },
    },
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
  };
}

export function sanitizePartnerHtml(html: string, base: string | undefined): string {
  return sanitizePartnerBody(html, base).body;
}

const ALLOWED_TAGS = new Set(NEWS_HTML_OPTIONS.allowedTags || []);

/**
 * A body through the partner rules, and whether it is `settled`: every element the parser met was one
 * the rules allow and nothing was cut, so the article rules (a wider allowlist) would give it back as
 * it is (test/feeds-in/settled.test.ts). A body that lost an element may nest differently when read
 * again (`<p><x-box><p>` becomes `<p><p>`), so it is not settled and takes the article rules' pass.
 */
export function sanitizePartnerBody(html: string, base: string | undefined): { body: string; settled: boolean } {
  let foreign = false;
  const options = partnerOptions(base);
  options.onOpenTag = (name) => {
    if (!ALLOWED_TAGS.has(name)) foreign = true;
  };
  const whole = sanitizeBody(html.slice(0, MAX_BODY_CHARS * 2), options);
  return { body: whole.slice(0, MAX_BODY_CHARS), settled: !foreign && html.length <= MAX_BODY_CHARS * 2 && whole.length <= MAX_BODY_CHARS };
}
