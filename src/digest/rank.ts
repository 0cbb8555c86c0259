// Top stories: engagement (weighted views, shares, comments, digest clicks) with a time decay, so a huge old story
// does not sit on top forever. Pure: a function of the candidates, the subscriber's choices and `now`.
import type { Frequency } from "#src/model.js";

export interface Candidate {
  /** Store row id: what deliveries record. */
  articleId: number;
  slug: string;
  category: string;
  publishedAt: string;
  views: number;
  shares: number;
  comments: number;
  /** Digest links followed; absent counts as none. */
  clicks?: number;
}

export interface RankWeights {
  views: number;
  shares: number;
  comments: number;
  clicks: number;
}

export interface RankOptions {
  now: Date;
  /** How many top stories a digest carries. */
  count: number;
  weights?: Partial<RankWeights>;
  /** Hours of age at which a story's score has halved. */
  halfLifeHours?: number;
}

/** Clicks default to RANK_CLICK_WEIGHT's default (config.ts): a reader choosing a story from a digest. */
const DEFAULT_WEIGHTS: RankWeights = { views: 1, shares: 20, comments: 10, clicks: 3 };
const DEFAULT_HALF_LIFE_HOURS = 18;

/** The decayed engagement score of one candidate. */
function score(candidate: Candidate, options: Pick<RankOptions, "now" | "weights" | "halfLifeHours">): number {
  const w = { ...DEFAULT_WEIGHTS, ...options.weights };
  const engagement = candidate.views * w.views + candidate.shares * w.shares + candidate.comments * w.comments + (candidate.clicks ?? 0) * w.clicks;
  const ageHours = Math.max(0, (options.now.getTime() - Date.parse(candidate.publishedAt)) / 3_600_000);
  const halfLife = options.halfLifeHours ?? DEFAULT_HALF_LIFE_HOURS;
  // log1p keeps one viral story from drowning everything; the decay makes freshness count.
  return Math.log1p(engagement) * Math.pow(0.5, ageHours / halfLife);
}

/** Highest score first; ties broken by newer, then slug, so the order is deterministic. */
export function rankCandidates(candidates: Candidate[], options: RankOptions): Candidate[] {
  const scored = candidates.map((c) => ({ c, s: score(c, options) }));
  scored.sort((a, b) => b.s - a.s || b.c.publishedAt.localeCompare(a.c.publishedAt) || a.c.slug.localeCompare(b.c.slug));
  return scored.map((x) => x.c);
}

/**
 * Picks a subscriber's top stories from candidates already ranked: the best story of each chosen
 * category first (so no category is crowded out), then the best of the rest; never one already sent.
 */
export function pickTopStories(ranked: Candidate[], subscriber: { categories: string[]; alreadySent: ReadonlySet<number> }, count: number): Candidate[] {
  const chosen = new Set(subscriber.categories);
  const eligible = ranked.filter((c) => chosen.has(c.category) && !subscriber.alreadySent.has(c.articleId));
  const picked: Candidate[] = [];
  const seenCategories = new Set<string>();
  for (const c of eligible) {
    if (picked.length >= count) break;
    if (!seenCategories.has(c.category)) {
      seenCategories.add(c.category);
      picked.push(c);
    }
  }
  for (const c of eligible) {
    if (picked.length >= count) break;
    if (!picked.includes(c)) picked.push(c);
  }
  const order = new Map(ranked.map((c, i) => [c.articleId, i]));
  return picked.sort((a, b) => order.get(a.articleId)! - order.get(b.articleId)!);
}

/** The digest window: daily since the last digest they got (at most 48 h), weekly the last 7 days. */
function windowStart(frequency: Frequency, now: Date, lastSentAt: string | null): string {
  const windowMs = frequency === "daily" ? 48 * 3_600_000 : 7 * 86_400_000;
  const since = new Date(now.getTime() - windowMs).toISOString();
  return frequency === "daily" && lastSentAt && lastSentAt > since ? lastSentAt : since;
}

/** A subscriber's top stories from the ranked candidates: in their window, their categories, not sent before. */
export function storiesFor<T extends Candidate>(
  ranked: T[],
  subscriber: { frequency: Frequency; categories: string[]; sent: ReadonlySet<number>; lastSentAt: string | null },
  count: number,
  now: Date,
): T[] {
  const since = windowStart(subscriber.frequency, now, subscriber.lastSentAt);
  const inWindow = ranked.filter((c) => c.publishedAt >= since);
  return pickTopStories(inWindow, { categories: subscriber.categories, alreadySent: subscriber.sent }, count) as T[];
}
