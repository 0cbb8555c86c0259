// Clicks panel: the week's most-clicked stories, beside their rank in the last edition sent.
import type { EditionStories, MostClicked } from "#src/store/clicks.js";
import { plural } from "#src/plural.js";

export const CLICK_DAYS = 7;
export const MOST_CLICKED = 10;

/** The edition's stories ranked: carried by the most digests first, then the higher placed. */
function editionRanks(edition: EditionStories | undefined): Map<number, number> {
  if (!edition) return new Map();
  const ordered = [...edition.stories.entries()].sort(([a, x], [b, y]) => y.digests - x.digests || x.bestPlace - y.bestPlace || a - b);
  return new Map(ordered.map(([id], i) => [id, i + 1]));
}

export function clicksPanel(rows: MostClicked[], edition: EditionStories | undefined) {
  const ranks = editionRanks(edition);
  return {
    days: plural(CLICK_DAYS, "day"),
    edition: edition ? { id: edition.editionId, label: `#${edition.editionId} (${edition.frequency}, ${edition.period})`, stories: ranks.size } : undefined,
    stories: rows.map((r) => ({ ...r, rank: ranks.get(r.articleId) ?? null })),
  };
}
