// Picking related stories (pure), cutting a body between paragraphs (pure), and the service's
// loading: reused for a while, dropped on a change, engine swappable.
import { describe, expect, it } from "vitest";
import type { Article, CandidateRow } from "#src/model.js";
import { createRelatedStories, pickStories, type RelatedEngineFactory } from "#src/articles/related.js";
import { splitAfterParagraphs } from "#src/articles/paragraphs.js";
import { readAlsoPlaces } from "#src/articles/page.js";

const NOW = new Date("2030-06-15T12:00:00Z");
const story = (slug: string, category = "world") => ({ slug, category });

describe("pickStories", () => {
  const self = story("self");
  const ranked = [story("top-us", "us"), story("top-world-1"), story("top-world-2"), story("top-world-3")];

  it.each([
    {
      name: "related first, then the category's top stories",
      related: ["r1", "r2", "r3"],
      shown: [],
      want: [
        ["r1", "r2"],
        ["r3", "top-world-1", "top-world-2", "top-world-3"],
      ],
    },
    {
      name: "never itself, a shown story or a duplicate",
      related: ["self", "r1", "top-world-1", "r1"],
      shown: ["top-world-2"],
      want: [
        ["r1", "top-world-1"],
        ["top-world-3", "top-us"],
      ],
    },
    { name: "the site's top stories when the category runs out", related: [], shown: ["top-world-1", "top-world-2"], want: [["top-world-3", "top-us"], []] },
  ])("$name", ({ related, shown, want }) => {
    const picked = pickStories(
      self,
      related.map((s) => story(s)),
      ranked,
      new Set(shown),
      { readAlso: 2, youMayAlsoLike: 4 },
    );
    expect([picked.readAlso.map((s) => s.slug), picked.youMayAlsoLike.map((s) => s.slug)]).toEqual(want);
  });
});

describe("cutting a body between paragraphs", () => {
  it.each([
    ["<p>1</p><p>2</p><p>3</p><p>4</p><p>5</p>", [2, 4], ["<p>1</p><p>2</p>", "<p>3</p><p>4</p>", "<p>5</p>"]],
    ["<p>1</p><p>2</p><p>3</p>", [2, 4], ["<p>1</p><p>2</p>", "<p>3</p>"]],
    ["<p>1</p><p>2</p>", [2, 4], ["<p>1</p><p>2</p>"]],
    ["<div><p>1</p><p>2</p><p>3</p></div><p>4</p>", [1], ["<div><p>1</p><p>2</p><p>3</p></div><p>4</p>"]],
    [
      '<p>a<br>b<img src="x.jpg" alt="a > b"></p><!-- </p> --><ul><li><p>x</p></li></ul><p>2</p><p>3</p>',
      [2],
      ['<p>a<br>b<img src="x.jpg" alt="a > b"></p><!-- </p> --><ul><li><p>x</p></li></ul><p>2</p>', "<p>3</p>"],
    ],
  ])("%s after %j", (html, after, parts) => {
    expect(splitAfterParagraphs(html, after)).toEqual(parts);
    expect(splitAfterParagraphs(html, after).join("")).toBe(html);
  });

  it("places Read also after the first paragraph of a short body, else after the body", () => {
    expect(readAlsoPlaces("<p>1</p><p>2</p>")).toEqual(["<p>1</p>", "<p>2</p>"]);
    expect(readAlsoPlaces("<p>only</p>")).toEqual(["<p>only</p>", ""]);
  });
});

function row(articleId: number, slug: string, extra: Partial<CandidateRow> = {}): CandidateRow {
  return {
    ...{ articleId, slug, title: `Title ${slug}`, summary: "A summary.", category: "world", author: null, canonicalUrl: null },
    ...{
      imageUrl: "/static/a.jpg",
      imageAlt: "alt",
      imageCredit: "AP",
      publishedAt: "2030-06-15T10:00:00.000Z",
      views: articleId,
      shares: 0,
      comments: 0,
      clicks: 0,
      tags: ["oil"],
    },
    ...extra,
  };
}

function articleOf(r: CandidateRow, extra: Partial<Article> = {}): Article {
  const image = { url: r.imageUrl!, alt: r.imageAlt!, credit: r.imageCredit! };
  return { ...r, id: `uid-${r.slug}`, body: "<p>Body.</p>", image, source: "own", updatedAt: r.publishedAt, ...extra };
}

describe("the related stories service", () => {
  const rows = [row(1, "a"), row(2, "b", { canonicalUrl: "https://news.example.com/b" }), row(3, "c"), row(4, "d", { category: "us" })];

  function service(options: { engine?: RelatedEngineFactory; now?: () => Date } = {}) {
    const calls: string[] = [];
    const sources = {
      candidates: async (since: string) => (calls.push(since), rows),
      categoryNames: async () => new Map([["world", "World"]]),
    };
    return { calls, related: createRelatedStories({ sources, baseUrl: "https://dispatch.example", now: () => NOW, ...options }) };
  }

  it("answers absolute URLs, images and category names, and reads the stories once until invalidated", async () => {
    const { calls, related } = service();
    const first = await related.forArticle(articleOf(rows[0]!));
    expect([...first.readAlso, ...first.youMayAlsoLike].map((i) => i.url)).toEqual([
      "https://news.example.com/b",
      "https://dispatch.example/articles/c",
      "https://dispatch.example/articles/d",
    ]);
    expect(first.readAlso[1]).toEqual({
      title: "Title c",
      url: "https://dispatch.example/articles/c",
      image: { url: "https://dispatch.example/static/a.jpg", alt: "alt", credit: "AP" },
      category: { slug: "world", name: "World" },
      publishedAt: "2030-06-15T10:00:00.000Z",
    });
    await related.forArticle(articleOf(rows[1]!));
    expect(calls).toEqual(["2030-05-25T12:00:00.000Z"]);
    related.invalidate();
    await related.forArticle(articleOf(rows[1]!));
    expect(calls).toHaveLength(2);
  });

  it("reads the stories again once they are older than the TTL", async () => {
    let now = NOW;
    const { calls, related } = service({ now: () => now });
    await related.forArticle(articleOf(rows[0]!));
    now = new Date(NOW.getTime() + 59_000);
    await related.forArticle(articleOf(rows[0]!));
    expect(calls).toHaveLength(1);
    now = new Date(NOW.getTime() + 61_000);
    await related.forArticle(articleOf(rows[0]!));
    expect(calls).toHaveLength(2);
  });

  it("keeps its warm index in line with each load: stories that left, changed or appeared", async () => {
    const other = { category: "us", summary: "Wheat." };
    let loaded = [row(1, "a", { tags: ["oil"] }), row(2, "b", { tags: ["oil"] }), row(3, "c", { ...other, tags: ["grain"] })];
    const sources = { candidates: async () => loaded, categoryNames: async () => new Map([["world", "World"]]) };
    const related = createRelatedStories({ sources, baseUrl: "https://dispatch.example", now: () => NOW });
    const readAlso = async () => (await related.forArticle(articleOf(loaded[0]!), { readAlso: 1, youMayAlsoLike: 0 })).readAlso.map((i) => i.title);
    expect(await readAlso()).toEqual(["Title b"]);
    // b leaves the window, c now shares the tag, d appears with it too.
    loaded = [loaded[0]!, row(3, "c", { ...other, tags: ["oil"] }), row(4, "d", { tags: ["oil"] })];
    related.invalidate();
    // The closest is now one of the two sharing the tag (d is newest-equal, c has more engagement); never b.
    expect(["Title c", "Title d"]).toContain((await readAlso())[0]);
  });

  it("keeps answers with the loaded stories: the same request again does not relate again", async () => {
    let relatedCalls = 0;
    const engine: RelatedEngineFactory = () => ({ related: () => (relatedCalls++, []) });
    const { related } = service({ engine });
    const a = articleOf(rows[0]!);
    expect(await related.forArticle(a)).toEqual(await related.forArticle(a));
    expect(relatedCalls).toBe(1);
    await related.forArticle(a, { youMayAlsoLike: 1 });
    await related.forArticle({ ...a, updatedAt: "2030-06-15T11:00:00.000Z" });
    expect(relatedCalls).toBe(3);
    related.invalidate();
    await related.forArticle(a);
    expect(relatedCalls).toBe(4);
  });

  it("relates an article older than the window, and uses the engine it is given", async () => {
    const engine: RelatedEngineFactory = (articles) => ({
      related: (id, exclude, limit) => articles.filter((a) => a.articleId !== id && !exclude.has(a.articleId) && a.slug === "d").slice(0, limit),
    });
    const { related } = service({ engine });
    const old = articleOf(row(99, "old"), { publishedAt: "2020-01-01T00:00:00.000Z" });
    const answer = await related.forArticle(old, { readAlso: 1, youMayAlsoLike: 1 });
    expect(answer.readAlso.map((i) => i.url)).toEqual(["https://dispatch.example/articles/d"]);
    expect(answer.youMayAlsoLike).toHaveLength(1);
  });
});
