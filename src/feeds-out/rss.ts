// FeedDocument → RSS 2.0 through feed@6, plus what it lacks: dc:creator (RSS <author> must be an
// email address), media:content with media:credit, dcterms:modified (RSS has no updated date), RFC 5005
// paging and hub links (atom:link, before the first item: the W3C validator warns "Misplaced Item"
// when a channel element follows one), plain text written as the RSS Best Practices Profile asks
// (escapeRssText), and the namespaces those need.
import type { Extension, Item } from "feed";
import { channel } from "#src/feeds-out/channel.js";
import { FEED_MEDIA_TYPES, type FeedDocument, type FeedItem } from "#src/feeds-out/types.js";
import { element, escapeHtml, escapeXml, escapeRssText, fillSlots, finishCdata, guardCdata, replaceRootTag, textSlots } from "#src/feeds-out/xml.js";

const ROOT =
  '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
  'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">';

type Texts = ReturnType<typeof textSlots>;

export function renderRss(doc: FeedDocument): string {
  const texts = textSlots();
  // feed@6 writes <copyright> before the items and extensions after them: the links go in its place.
  const feed = channel(doc, texts, { language: doc.language, image: doc.iconUrl });
  for (const item of doc.items) feed.addItem(rssItem(item, texts));
  const xml = fillSlots(feed.rss2(), "copyright", new Map([[0, channelLinks(doc)]]));
  return finishCdata(texts.fill(replaceRootTag(xml, "rss", ROOT), escapeRssText));
}

function channelLinks(doc: FeedDocument): string {
  const { paging } = doc;
  const links: Array<[string, string | null]> = [
    ["self", paging.self],
    ["first", paging.first],
    ["last", paging.last],
    ["next", paging.next],
    ["previous", paging.previous],
  ];
  return [
    ...links.filter((l): l is [string, string] => l[1] !== null).map(([rel, href]) => element("atom:link", { rel, href, type: FEED_MEDIA_TYPES.rss })),
    ...(doc.hubUrl ? [element("atom:link", { rel: "hub", href: doc.hubUrl })] : []),
  ].join("\n        ");
}

function rssItem(item: FeedItem, texts: Texts): Item {
  const extensions: Extension[] = [{ name: "dcterms:modified", objects: { _text: item.updated.toISOString() } }];
  if (item.author) extensions.push({ name: "dc:creator", objects: { _text: texts.put(item.author.name) } });
  if (item.image) {
    extensions.push({
      name: "media:content",
      objects: {
        // xml-js escapes nothing but quotes in attributes.
        _attributes: { url: escapeXml(item.image.url), type: item.image.type, medium: "image", ...(item.image.length ? { fileSize: item.image.length } : {}) },
        ...(item.image.credit ? { "media:credit": { _text: texts.put(item.image.credit) } } : {}),
        ...(item.image.alt ? { "media:description": { _text: texts.put(item.image.alt) } } : {}),
      },
    });
  }
  return {
    title: texts.put(item.title),
    id: item.id,
    link: item.link,
    date: item.published,
    published: item.published,
    // The description is HTML: the plain-text summary escaped once, so it reads as written.
    description: guardCdata(escapeHtml(item.summary)),
    ...(item.contentHtml !== null ? { content: guardCdata(item.contentHtml) } : {}),
    category: [{ name: texts.put(item.category.name), domain: item.category.url }, ...item.tags.map((t) => ({ name: texts.put(t.name), domain: t.url }))],
    // The W3C validator rejects an enclosure without a positive length; media:content carries the image anyway.
    ...(item.image && item.image.length > 0 ? { enclosure: { url: item.image.url, type: item.image.type, length: item.image.length } } : {}),
    extensions,
  };
}
