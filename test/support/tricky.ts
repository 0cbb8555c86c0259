// Plain text that tempts a program to strip, decode or interpret it: each must come back as written.
export const TRICKY_TEXTS = {
  markupWord: "The <blink> tag turns 30",
  entityLookalike: "AT&amp;T",
  everything: `Tom & Jerry's "quote" <b>`,
  emoji: "Launch day 🚀🇺🇸 — ready",
  rtl: "مرحبا بالعالم — שלום",
} as const;

/** An admin API article whose every plain-text field is tricky. */
export function trickyArticle(slug: string, overrides: Record<string, unknown> = {}) {
  return {
    slug,
    title: TRICKY_TEXTS.markupWord,
    summary: TRICKY_TEXTS.everything,
    body: "<p>Body <script>alert(1)</script>stays HTML.</p>",
    author: TRICKY_TEXTS.entityLookalike,
    category: "us-news",
    tags: [TRICKY_TEXTS.everything, TRICKY_TEXTS.rtl, "economy"],
    image: { url: "https://img.example.com/a.jpg?w=640&h=480", alt: TRICKY_TEXTS.markupWord, credit: TRICKY_TEXTS.entityLookalike },
    canonicalUrl: `https://news.example.com/${slug}?a=1&b=2`,
    ...overrides,
  };
}
