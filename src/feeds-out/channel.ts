// The channel fields RSS and Atom share, for feed@6.
import { Feed, type FeedOptions } from "feed";
import type { FeedDocument } from "#src/feeds-out/types.js";
import { slot, type textSlots } from "#src/feeds-out/xml.js";

/**
 * Plain text (title, description) goes through `texts`, which feed@6's writer cannot alter; slot 0 in
 * <copyright> is where each format splices its links. `options` adds what only one format has.
 */
export function channel(doc: FeedDocument, texts: ReturnType<typeof textSlots>, options: Partial<FeedOptions>): Feed {
  return new Feed({
    id: doc.id,
    title: texts.put(doc.title),
    description: texts.put(doc.description),
    link: doc.homeUrl,
    updated: doc.updated,
    generator: "Dispatch",
    copyright: slot(0),
    ...options,
  });
}
