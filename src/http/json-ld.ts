// Structured data for search engines and link previews: schema.org JSON-LD, written so that it can
// sit inside <script type="application/ld+json"> whatever the text holds. Pure.

/**
 * JSON for a script element: "<" (so no "</script>" or "<!--" ends or changes it), ">" and "&" as
 * \u escapes, and U+2028 / U+2029, which older JavaScript parsers take for line ends. JSON.parse
 * reads the same value back.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export interface NewsArticleInput {
  headline: string;
  description: string;
  url: string;
  datePublished: string;
  dateModified: string;
  author: string | null;
  /** Who wrote it when no person is named: the partner it came from, else the publisher. */
  organization: string;
  image: string | null;
  section: string;
  keywords: string[];
  publisher: { name: string; url: string; logo: string };
}

/** A schema.org NewsArticle (what Google's article rich results read). */
export function newsArticle(input: NewsArticleInput) {
  return {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: input.headline,
    description: input.description,
    url: input.url,
    mainEntityOfPage: { "@type": "WebPage", "@id": input.url },
    datePublished: input.datePublished,
    dateModified: input.dateModified,
    author: input.author ? [{ "@type": "Person", name: input.author }] : [{ "@type": "Organization", name: input.organization }],
    ...(input.image ? { image: [input.image] } : {}),
    articleSection: input.section,
    ...(input.keywords.length ? { keywords: input.keywords } : {}),
    publisher: { "@type": "Organization", name: input.publisher.name, url: input.publisher.url, logo: { "@type": "ImageObject", url: input.publisher.logo } },
  };
}
