import { describe, expect, it } from "vitest";
import { pickTopStories, rankCandidates, storiesFor, type Candidate } from "#src/digest/rank.js";

const now = new Date("2026-11-25T12:00:00Z");
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
let nextId = 1;
function candidate(over: Partial<Candidate> = {}): Candidate {
  const id = nextId++;
  return { articleId: id, slug: `s${id}`, category: "world", publishedAt: hoursAgo(2), views: 100, shares: 0, comments: 0, ...over };
}

describe("ranking top stories", () => {
  it("puts the most engaging of equally fresh stories first", () => {
    const quiet = candidate({ views: 10 });
    const loud = candidate({ views: 5000, shares: 40 });
    expect(rankCandidates([quiet, loud], { now, count: 5 }).map((c) => c.slug)).toEqual([loud.slug, quiet.slug]);
  });

  it("lets a fresh story overtake a huge old one", () => {
    const old = candidate({ views: 1_000_000, publishedAt: hoursAgo(6 * 24) });
    const fresh = candidate({ views: 2000, publishedAt: hoursAgo(3) });
    expect(rankCandidates([old, fresh], { now, count: 5 })[0]).toBe(fresh);
  });

  it("weighs shares and comments above views", () => {
    const viewed = candidate({ views: 300 });
    const shared = candidate({ views: 100, shares: 20 });
    expect(rankCandidates([viewed, shared], { now, count: 5 })[0]).toBe(shared);
  });

  it.each([
    [0, ["viewed", "clicked"]],
    [50, ["clicked", "viewed"]],
  ])("weighs digest clicks by their weight (%i)", (clicks, order) => {
    const viewed = candidate({ slug: "viewed", views: 300 });
    const clicked = candidate({ slug: "clicked", views: 100, clicks: 10 });
    expect(rankCandidates([viewed, clicked], { now, count: 5, weights: { clicks } }).map((c) => c.slug)).toEqual(order);
  });

  it("orders ties the same way every time", () => {
    const a = candidate({ slug: "a" });
    const b = candidate({ slug: "b", publishedAt: a.publishedAt });
    expect(rankCandidates([b, a], { now, count: 5 })).toEqual(rankCandidates([a, b], { now, count: 5 }));
  });
});

describe("picking a subscriber's top stories", () => {
  const world = [candidate({ views: 9000 }), candidate({ views: 8000 }), candidate({ views: 7000 })];
  const military = candidate({ category: "us-military", views: 50 });
  const news = candidate({ category: "us-news", views: 9999 });
  const ranked = rankCandidates([...world, military, news], { now, count: 10 });

  it("keeps only the subscriber's categories and gives each of them its best story", () => {
    const picked = pickTopStories(ranked, { categories: ["world", "us-military"], alreadySent: new Set() }, 2);
    expect(picked.map((c) => c.category).sort()).toEqual(["us-military", "world"]);
    expect(picked).not.toContain(news);
  });

  it("never picks a story the subscriber was already sent", () => {
    const picked = pickTopStories(ranked, { categories: ["world"], alreadySent: new Set([world[0]!.articleId]) }, 5);
    expect(picked.map((c) => c.articleId)).toEqual([world[1]!.articleId, world[2]!.articleId]);
  });

  it("takes a daily window from the last digest, at most 48 hours back", () => {
    const older = candidate({ publishedAt: hoursAgo(30) });
    const newer = candidate({ publishedAt: hoursAgo(1) });
    const ancient = candidate({ publishedAt: hoursAgo(50) });
    const list = rankCandidates([older, newer, ancient], { now, count: 5 });
    const base = { frequency: "daily" as const, categories: ["world"], sent: new Set<number>() };
    expect(
      storiesFor(list, { ...base, lastSentAt: null }, 5, now)
        .map((c) => c.slug)
        .sort(),
    ).toEqual([newer.slug, older.slug].sort());
    expect(storiesFor(list, { ...base, lastSentAt: hoursAgo(24) }, 5, now).map((c) => c.slug)).toEqual([newer.slug]);
    expect(storiesFor(list, { ...base, frequency: "weekly", lastSentAt: null }, 5, now)).toHaveLength(3);
  });
});
