// Related stories over the whole store, kept warm: articles are added, updated and removed one at
// a time, and a query scores only the stories that share a word (text search hits) or a tag with
// the one asked for, with the same scoring as the per-edition relator (score.ts).
import { byScore, scoreCandidate, type RelatableArticle, type Scored } from "#src/related/score.js";
import { TextIndex } from "#src/related/text.js";
import type { Relator } from "#src/related/relate.js";

/** Neighbours cached per story: enough that excluding a page's or a digest's other stories still leaves some. */
const KEEP = 12;
/** Stories whose neighbour lists are kept between changes. */
const CACHE_SIZE = 20_000;

export type RelatedIndexOptions = { limit?: number } & (
  | { maxAgeDays?: undefined }
  /** Related stories older than `maxAgeDays` before `now()` are left out (the story asked for may be older). */
  | { maxAgeDays: number; now: () => Date }
);

export interface RelatedIndex<T extends RelatableArticle = RelatableArticle> extends Relator<T> {
  /** Adds the article, or replaces the stored one with the same id. */
  upsert(article: T): void;
  /** Forgets the article; false when it was not held. */
  remove(articleId: number): boolean;
  /** Forgets every article published before the age window; how many were removed. */
  prune(): number;
  get(articleId: number): T | undefined;
  readonly size: number;
}

export function createRelatedIndex<T extends RelatableArticle>(articles: Iterable<T>, options: RelatedIndexOptions = {}): RelatedIndex<T> {
  const text = new TextIndex<T>();
  const byId = new Map<number, T>();
  const publishedMs = new Map<number, number>();
  const byTag = new Map<string, Set<number>>();
  const cutoff = (): number => (options.maxAgeDays === undefined ? -Infinity : options.now().getTime() - options.maxAgeDays * 86_400_000);

  // Any change moves every story's text scores a little (BM25 counts words over all stories), so
  // any change empties the cache of neighbour lists.
  const neighbours = new Map<number, { since: number; list: T[] }>();
  const forget = (old: T) => {
    neighbours.clear();
    text.remove(old);
    byId.delete(old.articleId);
    publishedMs.delete(old.articleId);
    for (const tag of new Set(old.tags)) {
      const ids = byTag.get(tag);
      ids?.delete(old.articleId);
      if (ids?.size === 0) byTag.delete(tag);
    }
  };
  const hold = (article: T) => {
    neighbours.clear();
    byId.set(article.articleId, article);
    publishedMs.set(article.articleId, Date.parse(article.publishedAt));
    for (const tag of article.tags) {
      let ids = byTag.get(tag);
      if (!ids) byTag.set(tag, (ids = new Set()));
      ids.add(article.articleId);
    }
  };
  const initial = new Map<number, T>();
  for (const a of articles) initial.set(a.articleId, a);
  for (const a of initial.values()) hold(a);
  text.addAll([...initial.values()]);

  return {
    upsert(article) {
      const old = byId.get(article.articleId);
      if (old) forget(old);
      hold(article);
      text.add(article);
    },
    remove(articleId) {
      const old = byId.get(articleId);
      if (old) forget(old);
      return old !== undefined;
    },
    prune() {
      const since = cutoff();
      const old = [...byId.values()].filter((a) => publishedMs.get(a.articleId)! < since);
      for (const a of old) forget(a);
      return old.length;
    },
    get: (articleId) => byId.get(articleId),
    get size() {
      return byId.size;
    },
    related(articleId, exclude, limit = options.limit ?? 3) {
      const story = byId.get(articleId);
      if (!story || limit <= 0) return [];
      const since = cutoff();
      const keep = (a: T) => !exclude.has(a.articleId) && publishedMs.get(a.articleId)! >= since;
      let cached = neighbours.get(articleId);
      if (!cached || cached.since > since) {
        if (neighbours.size >= CACHE_SIZE) neighbours.clear();
        neighbours.set(articleId, (cached = { since, list: best(story, new Set(), KEEP, since) }));
      }
      const list = cached.list.filter(keep);
      // A full cached list may have lost too many to exclusion or age: those beyond it are needed.
      if (list.length < limit && cached.list.length === KEEP) return best(story, exclude, limit, since);
      return list.slice(0, limit);
    },
  };

  function best(story: T, exclude: ReadonlySet<number>, limit: number, since: number): T[] {
    const top = new TopK<T>(limit);
    const storyTags = new Set(story.tags);
    const consider = (id: number, textScore: number) => {
      if (id === story.articleId || exclude.has(id) || publishedMs.get(id)! < since) return;
      const candidate = byId.get(id)!;
      const score = scoreCandidate(story, storyTags, candidate, textScore);
      if (score !== null) top.offer({ article: candidate, score });
    };
    const hits = text.scores(story);
    for (const [id, score] of hits) consider(id, score);
    const seen = new Set<number>();
    for (const tag of storyTags) {
      for (const id of byTag.get(tag) ?? []) {
        if (hits.has(id) || seen.has(id)) continue;
        seen.add(id);
        consider(id, 0);
      }
    }
    return top.sorted().map((x) => x.article);
  }
}

/** The k best scored articles seen so far, without sorting every candidate. */
class TopK<T extends RelatableArticle> {
  private readonly items: Scored<T>[] = [];
  constructor(private readonly k: number) {}

  offer(item: Scored<T>): void {
    const items = this.items;
    if (items.length === this.k && byScore(item, items[items.length - 1]!) >= 0) return;
    let i = items.length;
    while (i > 0 && byScore(item, items[i - 1]!) < 0) i--;
    items.splice(i, 0, item);
    if (items.length > this.k) items.pop();
  }

  sorted(): Scored<T>[] {
    return this.items;
  }
}
