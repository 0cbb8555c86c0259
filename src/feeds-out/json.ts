// FeedDocument → JSON Feed 1.1, written here: feed@6 emits JSON Feed 1.0 (no `authors`, no
// `language`, no hubs, no next_url).
import type { FeedDocument, FeedItem } from "#src/feeds-out/types.js";

export function renderJson(doc: FeedDocument): string {
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: doc.title,
    home_page_url: doc.homeUrl,
    feed_url: doc.paging.self,
    description: doc.description,
    icon: doc.iconUrl,
    favicon: doc.iconUrl,
    language: doc.language,
    authors: [{ name: doc.publisher, url: doc.homeUrl }],
    ...(doc.paging.next ? { next_url: doc.paging.next } : {}),
    ...(doc.hubUrl ? { hubs: [{ type: "WebSub", url: doc.hubUrl }] } : {}),
    items: doc.items.map(jsonItem),
  };
  return JSON.stringify(feed, null, 2);
}

function jsonItem(item: FeedItem) {
  return {
    id: item.id,
    url: item.link,
    title: item.title,
    summary: item.summary,
    ...(item.contentHtml !== null ? { content_html: item.contentHtml } : { content_text: item.summary }),
    ...(item.image ? { image: item.image.url } : {}),
    date_published: item.published.toISOString(),
    date_modified: item.updated.toISOString(),
    ...(item.author ? { authors: [{ name: item.author.name, url: item.author.url }] } : {}),
    tags: [item.category.name, ...item.tags.map((t) => t.name)],
    ...(item.image
      ? {
          attachments: [{ url: item.image.url, mime_type: item.image.type, ...(item.image.length ? { size_in_bytes: item.image.length } : {}) }],
          _media: { credit: item.image.credit, alt: item.image.alt },
        }
      : {}),
    _dispatch: { category: item.category.slug },
  };
}
