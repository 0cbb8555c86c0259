// Related stories around one article, for its page, GET /api/related/{slug} and the embed:
// "Read also" (the closest related stories) and "You may also like" (more related stories, then the
// category's top stories, then the site's). The engine that relates stories is a port, so another
// (a warm index) can replace the default one without touching the rest.
import type { Article, CandidateRow } from "#src/model.js";
import { createRelator } from "#src/related/relate.js";
import { createRelatedIndex } from "#src/related/warm-index.js";
import { rankCandidates } from "#src/digest/rank.js";
import { absoluteUrl } from "#src/feeds-out/clean.js";

export interface RelatedItem {
  title: string;
  /** The story's canonicalUrl, else its page; absolute. */
  url: string;
  image: { url: string; alt: string; credit: string } | null;
  category: { slug: string; name: string };
  publishedAt: string;
}

export interface RelatedStories {
  readAlso: RelatedItem[];
  youMayAlsoLike: RelatedItem[];
}

/** Finds related stories among the articles it was built with (src/related/relate.ts by default). */
export interface RelatedEngine {
  related(articleId: number, exclude: ReadonlySet<number>, limit: number): Array<{ articleId: number }>;
}
export type RelatedEngineFactory = (articles: CandidateRow[], now: Date) => RelatedEngine;

/** What the service reads: recent articles with engagement (the digest's candidates) and category names. */
export interface RelatedSources {
  candidates(since: string): Promise<CandidateRow[]>;
  categoryNames(): Promise<Map<string, string>>;
}

export interface RelatedDeps {
  sources: RelatedSources;
  baseUrl: string;
  engine?: RelatedEngineFactory;
  now?: () => Date;
  /** How far back stories are offered (default 21 days). */
  windowDays?: number;
  /** How long the loaded stories are reused before they are read again (default 60 s); invalidate() drops them at once. */
  ttlMs?: number;
}

export interface RelatedRequest {
  readAlso?: number;
  youMayAlsoLike?: number;
  /** Slugs of stories the page already shows: never offered again. */
  shown?: Iterable<string>;
}

export const DEFAULT_COUNTS = { readAlso: 2, youMayAlsoLike: 4 } as const;

const defaultEngine: RelatedEngineFactory = (articles, now) => createRelator(articles, { now });

/** How far back related stories reach, as the per-edition relator's default. */
const RELATED_MAX_AGE_DAYS = 21;

/**
 * The default engine for the loaded stories: one warm index (src/related/warm-index.ts) kept for the
 * life of the service and brought in line with each load — only stories that changed, appeared or
 * left the window are written — so a reload costs a comparison, not a rebuild.
 */
function warmEngine(): RelatedEngineFactory {
  let clock = new Date(0);
  const index = createRelatedIndex<CandidateRow>([], { maxAgeDays: RELATED_MAX_AGE_DAYS, now: () => clock });
  const held = new Map<number, string>();
  const print = (a: CandidateRow) => JSON.stringify([a.slug, a.title, a.summary, a.category, a.tags, a.publishedAt]);
  return (articles, now) => {
    clock = now;
    const present = new Set<number>();
    for (const article of articles) {
      present.add(article.articleId);
      const current = print(article);
      if (held.get(article.articleId) === current) continue;
      index.upsert(article);
      held.set(article.articleId, current);
    }
    for (const id of held.keys()) {
      if (present.has(id)) continue;
      index.remove(id);
      held.delete(id);
    }
    return index;
  };
}

interface Pool {
  rows: CandidateRow[];
  bySlug: Map<string, CandidateRow>;
  byId: Map<number, CandidateRow>;
  ranked: CandidateRow[];
  names: Map<string, string>;
  engine: RelatedEngine;
  engineFor(articles: CandidateRow[]): RelatedEngine;
  baseUrl: string;
  answers: Map<string, RelatedStories>;
}

type Counts = { readAlso: number; youMayAlsoLike: number };

/** Answers kept per load of the stories; past this many, they start over. */
const MAX_ANSWERS = 5000;

export function createRelatedStories(deps: RelatedDeps) {
  const engine = deps.engine ?? defaultEngine;
  // The loaded stories share one warm index; an article outside the window gets an engine of its own.
  const poolEngine = deps.engine ?? warmEngine();
  const now = deps.now ?? (() => new Date());
  const windowMs = (deps.windowDays ?? 21) * 86_400_000;
  const ttlMs = deps.ttlMs ?? 60_000;
  let pool: { loading: Promise<Pool>; at: number } | undefined;

  async function load(at: Date): Promise<Pool> {
    const since = new Date(at.getTime() - windowMs).toISOString();
    const [rows, names] = await Promise.all([deps.sources.candidates(since), deps.sources.categoryNames()]);
    const ranked = rankCandidates(rows, { now: at, count: rows.length }) as CandidateRow[];
    const [bySlug, byId] = [new Map(rows.map((r) => [r.slug, r])), new Map(rows.map((r) => [r.articleId, r]))];
    const engineFor = (articles: CandidateRow[]) => engine(articles, at);
    return { rows, bySlug, byId, ranked, names, engine: poolEngine(rows, at), engineFor, baseUrl: deps.baseUrl, answers: new Map() };
  }

  /** The loaded stories, read again after ttlMs; one load however many requests wait for it, none kept if it fails. */
  function current(): Promise<Pool> {
    const at = now();
    if (!pool || at.getTime() - pool.at > ttlMs) {
      const loading = load(at);
      const entry = (pool = { loading, at: at.getTime() });
      loading.catch(() => {
        if (pool === entry) pool = undefined;
      });
    }
    return pool.loading;
  }

  return {
    /** Related stories for this article (which may be older than the window, or just saved). */
    async forArticle(article: Article, request: RelatedRequest = {}): Promise<RelatedStories> {
      const p = await current();
      const counts = { readAlso: request.readAlso ?? DEFAULT_COUNTS.readAlso, youMayAlsoLike: request.youMayAlsoLike ?? DEFAULT_COUNTS.youMayAlsoLike };
      const shown = [...(request.shown ?? [])];
      // Answers are kept with the stories they came from, so a page revalidated again and again costs a lookup.
      const key = JSON.stringify([article.slug, article.updatedAt, counts, shown]);
      let answer = p.answers.get(key);
      if (!answer) {
        if (p.answers.size >= MAX_ANSWERS) p.answers.clear();
        p.answers.set(key, (answer = answerFor(p, article, counts, shown)));
      }
      return answer;
    },

    /** Drops the loaded stories: the next request reads them again (after an article is saved). */
    invalidate(): void {
      pool = undefined;
    },
  };
}

export type RelatedStoriesService = ReturnType<typeof createRelatedStories>;

function answerFor(p: Pool, article: Article, counts: Counts, alsoShown: string[]): RelatedStories {
  let self = p.bySlug.get(article.slug);
  let relate = p.engine;
  if (!self) {
    // Outside the window: relate it to the recent stories with an engine built for this one article.
    self = asCandidate(article, -1);
    relate = p.engineFor([...p.rows, self]);
  }
  const shown = new Set([...alsoShown, ...linkedSlugs(article.body, p.rows, p.baseUrl)]);
  const shownIds = new Set(p.rows.filter((r) => shown.has(r.slug)).map((r) => r.articleId));
  const related = relate.related(self.articleId, shownIds, counts.readAlso + counts.youMayAlsoLike).flatMap((r) => p.byId.get(r.articleId) ?? []);
  const picked = pickStories(self, related, p.ranked, shown, counts);
  const item = (row: CandidateRow) => relatedItem(row, p.names, p.baseUrl);
  return { readAlso: picked.readAlso.map(item), youMayAlsoLike: picked.youMayAlsoLike.map(item) };
}

/**
 * Pure: related stories first, then the category's top stories, then the site's; never the story
 * itself, nor one already shown, nor one twice. The first `readAlso` are "Read also", the next "You may also like".
 */
export function pickStories<T extends { slug: string; category: string }>(
  self: T,
  related: T[],
  ranked: T[],
  shown: ReadonlySet<string>,
  counts: { readAlso: number; youMayAlsoLike: number },
): { readAlso: T[]; youMayAlsoLike: T[] } {
  const total = counts.readAlso + counts.youMayAlsoLike;
  const seen = new Set([self.slug, ...shown]);
  const picked: T[] = [];
  for (const story of [...related, ...ranked.filter((r) => r.category === self.category), ...ranked]) {
    if (picked.length >= total) break;
    if (seen.has(story.slug)) continue;
    seen.add(story.slug);
    picked.push(story);
  }
  return { readAlso: picked.slice(0, counts.readAlso), youMayAlsoLike: picked.slice(counts.readAlso) };
}

function storyUrl(row: { slug: string; canonicalUrl: string | null }, baseUrl: string): string {
  return absoluteUrl(row.canonicalUrl, baseUrl) ?? `${baseUrl}/articles/${encodeURIComponent(row.slug)}`;
}

function relatedItem(row: CandidateRow, names: Map<string, string>, baseUrl: string): RelatedItem {
  const imageUrl = absoluteUrl(row.imageUrl, baseUrl);
  return {
    title: row.title,
    url: storyUrl(row, baseUrl),
    image: imageUrl ? { url: imageUrl, alt: row.imageAlt ?? "", credit: row.imageCredit ?? "" } : null,
    category: { slug: row.category, name: names.get(row.category) ?? row.category },
    publishedAt: row.publishedAt,
  };
}

/** Stories the body already links to (by their URL or their page): the page shows them already. */
function linkedSlugs(body: string, rows: CandidateRow[], baseUrl: string): string[] {
  const hrefs = new Set([...body.matchAll(/href\s*=\s*"([^"]*)"/gi)].map((m) => absoluteUrl(m[1]!.replace(/&amp;/g, "&"), baseUrl)).filter(Boolean));
  if (!hrefs.size) return [];
  return rows.filter((r) => hrefs.has(storyUrl(r, baseUrl)) || hrefs.has(`${baseUrl}/articles/${encodeURIComponent(r.slug)}`)).map((r) => r.slug);
}

function asCandidate(a: Article, articleId: number): CandidateRow {
  return {
    ...{ articleId, slug: a.slug, title: a.title, summary: a.summary, category: a.category, author: a.author, canonicalUrl: a.canonicalUrl },
    ...{ imageUrl: a.image?.url ?? null, imageAlt: a.image?.alt ?? null, imageCredit: a.image?.credit ?? null },
    ...{ publishedAt: a.publishedAt, views: 0, shares: 0, comments: 0, clicks: 0, tags: a.tags },
  };
}
