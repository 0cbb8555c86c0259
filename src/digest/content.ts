// What every digest of a run draws from: recent articles ranked once, and a related-story index.
import type { CandidateRow } from "#src/model.js";
import type { DigestArticle } from "#src/digest/compose.js";
import { rankCandidates } from "#src/digest/rank.js";
import { createRelator, type Relator } from "#src/related/relate.js";
import { storyUrl } from "#src/clicks/links.js";

export interface DigestContent {
  /** Candidates of the last weeks, best first. */
  ranked: DigestArticle[];
  byId: Map<number, DigestArticle>;
  relator: Relator<DigestArticle>;
  categoryNames: Map<string, string>;
}

/** What content is built with: links point to the public origin; clicks weigh this much in the ranking. */
export interface ContentSettings {
  baseUrl: string;
  clickWeight?: number;
  /** The link a digest shows for a story (DigestLinks.story); absent: the story's own URL. */
  link?: (articleId: number, target: string) => string;
}

/** How far back related stories (and resends of recorded stories) may reach. */
const CONTENT_DAYS = 21;

export async function loadContent(
  store: { candidates(since: string): Promise<CandidateRow[]> },
  categoryNames: Map<string, string>,
  now: Date,
  settings: ContentSettings,
): Promise<DigestContent> {
  return buildContent(await loadCandidateRows(store, now), categoryNames, now, settings);
}

/** The rows content is built from: what a render thread is sent to build the same content. */
export function loadCandidateRows(store: { candidates(since: string): Promise<CandidateRow[]> }, now: Date): Promise<CandidateRow[]> {
  return store.candidates(new Date(now.getTime() - CONTENT_DAYS * 86_400_000).toISOString());
}

/** Pure: rows in, ranked articles and a relator out. */
export function buildContent(rows: CandidateRow[], categoryNames: Map<string, string>, now: Date, settings: ContentSettings): DigestContent {
  const link = settings.link ?? ((_id: number, target: string) => target);
  const articles: DigestArticle[] = rows.map((r) => ({
    articleId: r.articleId,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    category: r.category,
    tags: r.tags,
    publishedAt: r.publishedAt,
    views: r.views,
    shares: r.shares,
    comments: r.comments,
    clicks: r.clicks,
    author: r.author,
    url: link(r.articleId, storyUrl(settings.baseUrl, r)),
    image: r.imageUrl ? { url: r.imageUrl, alt: r.imageAlt ?? "", credit: r.imageCredit ?? "" } : null,
  }));
  const weights = settings.clickWeight !== undefined ? { clicks: settings.clickWeight } : undefined;
  const ranked = rankCandidates(articles, { now, count: articles.length, ...(weights ? { weights } : {}) }) as DigestArticle[];
  return {
    ranked,
    byId: new Map(articles.map((a) => [a.articleId, a])),
    relator: createRelator(articles, { now }),
    categoryNames,
  };
}
