// FeedDocument → RSS 2.0 through feed@6, plus what it lacks: dc:creator (RSS <author> must be an
// email address), media:content with media:credit, dcterms:modified (RSS has no updated date), RFC 5005 paging and hub links
// (atom:link), and the namespaces those need.
import { Feed, type Extension, type Item } from "feed";
import type { FeedDocument, FeedItem } from "#src/feeds-out/types.js";
import { escapeXml, finishCdata, guardCdata, replaceRootTag } from "#src/feeds-out/xml.js";

const ROOT =
  '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
  'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">';

export function renderRss(doc: FeedDocument): string {
  const feed = new Feed({
    id: doc.id,
    title: doc.title,
    description: doc.description,
    link: doc.homeUrl,
    language: doc.language,
    image: doc.iconUrl,
    updated: doc.updated,
    generator: "Dispatch",
  });
  // xml-js writes an array as repeated elements; feed@6's type only allows an object.
  feed.addExtension({ name: "atom:link", objects: channelLinks(doc) as unknown as Record<string, unknown> });
  for (const item of doc.items) feed.addItem(rssItem(item));
  return finishCdata(replaceRootTag(feed.rss2(), "rss", ROOT));
}

function channelLinks(doc: FeedDocument): Array<{ _attributes: Record<string, string> }> {
  const { paging } = doc;
  const links: Array<[string, string | null]> = [
    ["self", paging.self],
    ["first", paging.first],
    ["last", paging.last],
    ["next", paging.next],
    ["previous", paging.previous],
    ["hub", doc.hubUrl],
  ];
  return links
    .filter((l): l is [string, string] => l[1] !== null)
    .map(([rel, href]) => ({ _attributes: { rel, href: escapeXml(href), ...(rel === "hub" ? {} : { type: "application/rss+xml" }) } }));
}

function rssItem(item: FeedItem): Item {
  const extensions: Extension[] = [{ name: "dcterms:modified", objects: { _text: item.updated.toISOString() } }];
  if (item.author) extensions.push({ name: "dc:creator", objects: { _text: item.author.name } });
  if (item.image) {
    extensions.push({
      name: "media:content",
      objects: {
        _attributes: { url: escapeXml(item.image.url), type: item.image.type, medium: "image", ...(item.image.length ? { fileSize: item.image.length } : {}) },
        ...(item.image.credit ? { "media:credit": { _text: item.image.credit } } : {}),
        ...(item.image.alt ? { "media:description": { _text: item.image.alt } } : {}),
      },
    });
  }
  return {
    // Plain text in CDATA: readers (feedparser, rss-parser) give it back as written.
    title: guardCdata(item.title),
    id: item.id,
    link: item.link,
    date: item.published,
    published: item.published,
    description: guardCdata(escapeXml(item.summary)),
    ...(item.contentHtml !== null ? { content: guardCdata(item.contentHtml) } : {}),
    category: [{ name: item.category.name, domain: item.category.url }, ...item.tags.map((t) => ({ name: t.slug, domain: t.url }))],
    // The W3C validator rejects an enclosure without a positive length; media:content carries the image anyway.
    ...(item.image && item.image.length > 0 ? { enclosure: { url: item.image.url, type: item.image.type, length: item.image.length } } : {}),
    extensions,
  };
}
