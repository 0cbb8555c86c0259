// The clicks panel: the week's most-clicked stories beside their rank in the last edition sent.
import { describe, expect, it } from "vitest";
import { clicksPanel } from "#src/admin/clicks.js";
import type { EditionStories } from "#src/store/clicks.js";

const clicked = (articleId: number, clicks: number) => ({ articleId, slug: `s${articleId}`, title: `Story ${articleId}`, clicks });

describe("the clicks panel", () => {
  const edition: EditionStories = {
    editionId: 7,
    frequency: "daily",
    period: "2026-11-30",
    stories: new Map([
      [1, { digests: 40, bestPlace: 2 }],
      [2, { digests: 90, bestPlace: 1 }],
      [3, { digests: 40, bestPlace: 1 }],
    ]),
  };

  it("ranks the edition's stories by the digests that carried them, then by place, and marks the others", () => {
    const panel = clicksPanel([clicked(1, 30), clicked(9, 12), clicked(2, 5)], edition);
    expect(panel.stories.map((s) => [s.slug, s.clicks, s.rank])).toEqual([
      ["s1", 30, 3],
      ["s9", 12, null],
      ["s2", 5, 1],
    ]);
    expect(panel.edition).toEqual({ id: 7, label: "#7 (daily, 2026-11-30)", stories: 3 });
  });

  it("gives no rank when no edition has been sent", () => {
    const panel = clicksPanel([clicked(1, 3)], undefined);
    expect(panel.edition).toBeUndefined();
    expect(panel.stories[0]!.rank).toBeNull();
  });
});
