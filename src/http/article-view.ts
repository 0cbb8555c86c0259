// The article page's view model: plain data in (the stored article, its category, the partner it
// came from, related stories), plain data out for templates/pages/article.hbs. Pure: no store, no clock.
import type { Article, Category } from "#src/model.js";
import type { RelatedItem, RelatedStories } from "#src/articles/related.js";
import { newsArticle, scriptJson } from "#src/http/json-ld.js";
import { absoluteUrl } from "#src/feeds-out/clean.js";
import { slugify } from "#src/slug.js";
import { feedLinks, feedRef, feedUrl } from "#src/feeds-out/urls.js";

export interface ArticleViewInput {
  article: Article;
  category: Category | undefined;
  /** The partner a syndicated article came from; undefined for our own (or a partner since removed). */
  partner: { name: string } | undefined;
  site: { baseUrl: string; publisherName: string; language: string };
  /** Stylesheets of the page, as same-origin paths. */
  stylesheets: string[];
  /** The body cut where "Read also" links go (default: the whole body, uncut). */
  bodyParts?: string[];
  related?: RelatedStories;
}

function articleUrl(baseUrl: string, slug: string): string {
  return `${baseUrl}/articles/${encodeURIComponent(slug)}`;
}

export function articleView(input: ArticleViewInput) {
  const { article: a, site } = input;
  const base = site.baseUrl;
  const canonical = absoluteUrl(a.canonicalUrl, base) ?? articleUrl(base, a.slug);
  const categoryName = input.category?.name ?? a.category;
  const feeds = categoryFeeds(base, a.category, categoryName);
  const image = leadImage(a, base);
  const related = input.related ?? { readAlso: [], youMayAlsoLike: [] };
  const jsonLd = newsArticle({
    ...{ headline: a.title, description: a.summary, url: canonical, datePublished: a.publishedAt, dateModified: a.updatedAt },
    ...{ author: a.author, organization: input.partner?.name ?? site.publisherName, image: image?.url ?? null, section: categoryName, keywords: a.tags },
    publisher: { name: site.publisherName, url: `${base}/`, logo: `${base}/static/feed-logo.png` },
  });
  return {
    title: a.title,
    alternates: feeds.map((f) => ({ type: f.type, title: `${categoryName} (${f.label})`, url: f.url })),
    head: {
      description: a.summary,
      canonical,
      stylesheets: input.stylesheets,
      // Open Graph and Twitter cards: what a link preview shows; JSON-LD: what search engines read.
      openGraph: [
        { property: "og:type", content: "article" },
        { property: "og:site_name", content: site.publisherName },
        { property: "og:title", content: a.title },
        { property: "og:description", content: a.summary },
        { property: "og:url", content: canonical },
        ...(image
          ? [
              { property: "og:image", content: image.url },
              { property: "og:image:alt", content: image.alt },
            ]
          : []),
        { property: "article:published_time", content: a.publishedAt },
        { property: "article:modified_time", content: a.updatedAt },
      ],
      meta: twitterCard(a, image),
      jsonLd: scriptJson(jsonLd),
    },
    article: {
      title: a.title,
      category: { name: categoryName, url: `${base}/#category-${a.category}`, feeds },
      author: a.author ? { name: a.author, feed: feedUrl(base, "public", feedRef("author", slugify(a.author)), "atom") } : null,
      published: timeView(a.publishedAt, site.language),
      updated: a.updatedAt !== a.publishedAt ? timeView(a.updatedAt, site.language) : null,
      image,
      body: (input.bodyParts ?? [a.body]).map((html, i) => ({ html, readAlso: related.readAlso[i] ? storyView(related.readAlso[i], site.language) : null })),
      tags: a.tags.map((t) => ({ name: t, feed: feedUrl(base, "public", feedRef("tag", slugify(t)), "atom") })),
      source: sourceView(a, input.partner, base),
    },
    youMayAlsoLike: related.youMayAlsoLike.map((s) => storyView(s, site.language)),
  };
}

function twitterCard(a: Article, image: { url: string; alt: string } | null) {
  return [
    { name: "twitter:card", content: image ? "summary_large_image" : "summary" },
    { name: "twitter:title", content: a.title },
    { name: "twitter:description", content: a.summary },
    ...(image
      ? [
          { name: "twitter:image", content: image.url },
          { name: "twitter:image:alt", content: image.alt },
        ]
      : []),
  ];
}

/** A related story as its link shows it. */
export function storyView(item: RelatedItem, language: string) {
  return { ...item, published: timeView(item.publishedAt, language) };
}

function categoryFeeds(baseUrl: string, slug: string, name: string) {
  return feedLinks(baseUrl, "public", feedRef("category", slug)).map((f) => ({ ...f, name }));
}

function leadImage(a: Article, baseUrl: string) {
  const url = a.image ? absoluteUrl(a.image.url, baseUrl) : null;
  if (!a.image || !url) return null;
  return { url, alt: a.image.alt, credit: a.image.credit.trim() || null };
}

/** A partner's article credits the partner and links to the original. */
function sourceView(a: Article, partner: { name: string } | undefined, baseUrl: string) {
  if (a.source === "own") return null;
  return { name: partner?.name ?? a.source, original: absoluteUrl(a.canonicalUrl, baseUrl) };
}

/** Machine-readable ISO time and a reader's one, in UTC (the page is the same for every reader, so it can be cached). */
function timeView(iso: string, language: string) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return { iso, text: iso };
  const text = new Intl.DateTimeFormat(language, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(date);
  return { iso: date.toISOString(), text: `${text} UTC` };
}
