import { describe, expect, it } from "vitest";
import { createRelator, type RelatableArticle } from "#src/related/relate.js";

const now = new Date("2026-11-25T12:00:00Z");
const a = (articleId: number, over: Partial<RelatableArticle>): RelatableArticle => ({
  articleId,
  slug: `a${articleId}`,
  title: "",
  summary: "",
  category: "world",
  tags: [],
  publishedAt: "2026-11-24T12:00:00Z",
  ...over,
});

const articles = [
  a(1, { title: "US and Iraq open talks on coalition troops", summary: "Negotiators meet in Baghdad.", tags: ["iraq", "diplomacy"], category: "us-military" }),
  a(2, { title: "Iraq resumes oil exports through Turkey", summary: "The pipeline reopens after two years.", tags: ["iraq", "oil"] }),
  a(3, { title: "NATO allies agree to a new spending target", summary: "Diplomacy in Brussels.", tags: ["nato", "diplomacy"] }),
  a(4, { title: "Housing starts rise for a third month", summary: "Builders broke ground on more homes.", tags: ["housing"], category: "us-news" }),
  a(5, {
    title: "Troops in Iraq move to advisory role",
    summary: "Coalition troops change mission.",
    tags: ["iraq"],
    category: "us-military",
    publishedAt: "2026-10-01T00:00:00Z",
  }),
  a(6, { title: "Baghdad talks continue", summary: "Iraq and US negotiators meet again.", tags: ["iraq", "diplomacy"], category: "world" }),
];

describe("related stories", () => {
  const relator = createRelator(articles, { now, maxAgeDays: 21 });

  it("prefers shared tags and similar text, never the story itself", () => {
    const related = relator.related(1, new Set()).map((r) => r.articleId);
    expect(related[0]).toBe(6);
    expect(related).toContain(2);
    expect(related).not.toContain(1);
    expect(related).not.toContain(4);
  });

  it("leaves out stories that are too old to matter", () => {
    const recent = relator.related(1, new Set(), 10).map((r) => r.articleId);
    expect(recent).toContain(6);
    expect(recent).not.toContain(5);
    // The same story is related once age allows it: age alone left it out above.
    expect(
      createRelator(articles, { now, maxAgeDays: 90 })
        .related(1, new Set(), 10)
        .map((r) => r.articleId),
    ).toContain(5);
  });

  it("leaves out the other stories of the same digest", () => {
    expect(relator.related(1, new Set(), 3).map((r) => r.articleId)).toContain(6);
    const others = relator.related(1, new Set([6]), 3).map((r) => r.articleId);
    expect(others).toContain(2);
    expect(others).not.toContain(6);
  });

  it("gives the same answer for the same data", () => {
    const again = createRelator([...articles].reverse(), { now, maxAgeDays: 21 });
    expect(again.related(1, new Set()).map((r) => r.slug)).toEqual(relator.related(1, new Set()).map((r) => r.slug));
  });
});
