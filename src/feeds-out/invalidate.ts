// Article changes → the feeds they touch: invalidate those cache keys, then ping the WebSub hub
// for their public URLs. Runs inside the article write, so it must never throw.
import type { ArticleChange } from "#src/model.js";
import type { Logger } from "pino";
import { FEED_FORMATS } from "#src/feeds-out/types.js";
import { feedUrl, keysOfPlacement, refOfKey } from "#src/feeds-out/urls.js";

export interface InvalidationDeps {
  invalidate(feedKeys: Iterable<string>): void;
  publish?: ((urls: string[]) => void) | undefined;
  /** Read when a change happens (PORT=0 fills it in after listening). */
  site: { baseUrl: string };
  logger: Logger;
}

/** The feed keys a change touches: where the article was and where it is now. */
function keysOfChange(change: ArticleChange): string[] {
  const keys = new Set<string>();
  for (const placement of [change.before, change.after]) if (placement) for (const k of keysOfPlacement(placement)) keys.add(k);
  return [...keys];
}

/** After a batch of article changes (one save, or one partner pull): the feeds they touch are invalidated and announced once. */
export function feedChangesListener(deps: InvalidationDeps): (changes: ArticleChange[]) => void {
  return (changes) => {
    try {
      const keys = [...new Set(changes.flatMap(keysOfChange))];
      deps.invalidate(keys);
      deps.publish?.(keys.flatMap((key) => FEED_FORMATS.map((format) => feedUrl(deps.site.baseUrl, "public", refOfKey(key), format))));
    } catch (error) {
      deps.logger.error({ err: error, slugs: changes.map((c) => c.slug).slice(0, 20) }, "feeds-out: could not invalidate feeds after a change");
    }
  };
}
