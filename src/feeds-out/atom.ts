// FeedDocument → Atom 1.0 through feed@6, plus what it lacks: a feed-level author (RFC 4287 needs
// one on the feed or on every entry), RFC 5005 paging links, the site as the only rel="alternate"
// link, typed text/html (readers take the first, the last or any alternate link as the feed's
// website: newsboat takes the last, so no other format is an alternate), enclosures with their real
// type and length, media:content with media:credit, and categories with escaped labels (feed@6
// leaves "<" unescaped in attributes), and titles and summaries as type="text" (they are plain
// text; feed@6 writes them as HTML). Those are spliced in through slots, and the other plain text
// (feed title and subtitle, author names) through text slots, which feed@6's writer cannot alter.
import type { Item } from "feed";
import { channel } from "#src/feeds-out/channel.js";
import { FEED_MEDIA_TYPES, type FeedDocument, type FeedItem } from "#src/feeds-out/types.js";
import { element, escapeXml, fillHtmlSlots, fillSlots, finishCdata, guardCdata, replaceRootTag, slot, textSlots } from "#src/feeds-out/xml.js";

const ROOT = '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="LANG">';

export function renderAtom(doc: FeedDocument): string {
  const plain = textSlots();
  const feed = channel(doc, plain, {
    // feed@6 writes the site's link untyped: feedLinks() writes it instead.
    link: undefined,
    feed: doc.paging.self,
    ...(doc.hubUrl ? { hub: doc.hubUrl } : {}),
    image: doc.logoUrl,
    favicon: doc.iconUrl,
    author: { name: plain.put(doc.publisher), link: doc.homeUrl },
  });
  const fills = new Map<number, string>([[0, feedLinks(doc)]]);
  const texts = new Map<number, string>();
  doc.items.forEach((item, i) => {
    const n = 3 * i + 1;
    feed.addItem(atomItem(item, n, plain.put));
    fills.set(n, entryExtras(item));
    texts.set(n + 1, element("title", { type: "text" }, item.title));
    texts.set(n + 2, element("summary", { type: "text" }, item.summary));
  });
  let xml = replaceRootTag(feed.atom1(), "feed", ROOT.replace("LANG", escapeXml(doc.language)));
  xml = fillHtmlSlots(fillHtmlSlots(xml, "title", texts), "summary", texts);
  return finishCdata(plain.fill(fillSlots(xml, "rights", fills), escapeXml));
}

function feedLinks(doc: FeedDocument): string {
  const { paging } = doc;
  const links = [
    element("link", { rel: "alternate", type: "text/html", href: doc.homeUrl }),
    element("link", { rel: "first", type: FEED_MEDIA_TYPES.atom, href: paging.first }),
    element("link", { rel: "last", type: FEED_MEDIA_TYPES.atom, href: paging.last }),
    paging.next ? element("link", { rel: "next", type: FEED_MEDIA_TYPES.atom, href: paging.next }) : "",
    paging.previous ? element("link", { rel: "previous", type: FEED_MEDIA_TYPES.atom, href: paging.previous }) : "",
  ];
  return links.filter(Boolean).join("\n    ");
}

/** Slots n (extras), n + 1 (title) and n + 2 (summary): feed@6 writes both as type="html", they are plain text. */
function atomItem(item: FeedItem, n: number, text: (plain: string) => string): Item {
  return {
    title: slot(n + 1),
    id: item.id,
    link: item.link,
    date: item.updated,
    published: item.published,
    description: slot(n + 2),
    ...(item.contentHtml !== null ? { content: guardCdata(item.contentHtml) } : {}),
    ...(item.author ? { author: [{ name: text(item.author.name), link: item.author.url }] } : {}),
    copyright: slot(n),
  };
}

function entryExtras(item: FeedItem): string {
  const parts = [
    element("category", { term: item.category.slug, label: item.category.name, scheme: item.category.url }),
    ...item.tags.map((t) => element("category", { term: t.slug, label: t.name, scheme: t.url })),
  ];
  if (item.image) {
    const { url, type, length, credit, alt } = item.image;
    parts.push(element("link", { rel: "enclosure", type, length: length || null, href: url }));
    const inner = [credit ? element("media:credit", {}, credit) : "", alt ? element("media:description", {}, alt) : ""].join("");
    parts.push(
      `<media:content url="${escapeXml(url)}" type="${escapeXml(type)}" medium="image"${length ? ` fileSize="${length}"` : ""}>${inner}</media:content>`,
    );
  }
  return parts.join("\n        ");
}
