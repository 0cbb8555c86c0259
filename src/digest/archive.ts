// The public archive: each period's digest as anyone may read it. Not personalised: every category,
// no history, no subscriber. An edition records what each delivery held, not one ranking for all, so
// the stories are ranked again as of the moment the period's latest edition started: the articles
// that edition could see, with the engagement figures as they are now.
import { FREQUENCIES, type Frequency } from "#src/model.js";
import type { ArchivedEdition } from "#src/digest/ports.js";
import { loadContent } from "#src/digest/content.js";
import { composeDigest, type DigestView } from "#src/digest/compose.js";
import { storiesFor } from "#src/digest/rank.js";
import type { DeliveryDeps } from "#src/digest/deps.js";
import { ValidationError } from "#src/errors.js";

export interface ArchivePage {
  edition: ArchivedEdition;
  /** The time the stories are ranked at. */
  rankedAt: Date;
  view: DigestView;
}

export interface ArchiveList {
  editions: ArchivedEdition[];
  page: number;
  hasNext: boolean;
}

const ARCHIVE_PAGE_SIZE = 20;
const DAY_MS = 86_400_000;

/** Pure: the first instant after a period ("2026-12-01" or "2026-W49"); a malformed period is a ValidationError. */
export function periodEnd(frequency: Frequency, period: string): Date {
  const bad = () =>
    new ValidationError("archive: invalid period", { period: frequency === "daily" ? "must be a day: YYYY-MM-DD" : "must be an ISO week: YYYY-Www" });
  if (frequency === "daily") {
    const start = /^\d{4}-\d{2}-\d{2}$/.test(period) ? new Date(`${period}T00:00:00Z`) : new Date(NaN);
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== period) throw bad();
    return new Date(start.getTime() + DAY_MS);
  }
  const m = /^(\d{4})-W(\d{2})$/.exec(period);
  const week = Number(m?.[2]);
  if (!m || week < 1 || week > weeksIn(Number(m[1]))) throw bad();
  return new Date(mondayOfWeek1(Number(m[1])) + week * 7 * DAY_MS);
}

/** The Monday of ISO week 1: the week holding January 4th. */
function mondayOfWeek1(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
}

function weeksIn(year: number): number {
  return Math.round((mondayOfWeek1(year + 1) - mondayOfWeek1(year)) / (7 * DAY_MS));
}

export function isFrequency(value: string): value is Frequency {
  return (FREQUENCIES as readonly string[]).includes(value);
}

export function createArchive(deps: DeliveryDeps) {
  return {
    /** The period's digest, or undefined when none was sent in it. */
    async edition(frequency: Frequency, period: string): Promise<ArchivePage | undefined> {
      periodEnd(frequency, period); // a malformed period is refused before any read
      const edition = await deps.store.archivedEdition(frequency, period);
      if (!edition) return undefined;
      const at = new Date(edition.lastAt);
      const names = await deps.categoryNames();
      const content = await loadContent(deps.store, names, at, deps.settings);
      const categories = [...names.keys()];
      // Stories published after the edition started were not there to choose.
      const ranked = content.ranked.filter((a) => Date.parse(a.publishedAt) <= at.getTime());
      const stories = storiesFor(ranked, { frequency, categories, sent: new Set(), lastSentAt: null }, deps.settings.topStories, at);
      const view = composeDigest({
        topStories: stories,
        related: content.relator,
        categoryNames: names,
        frequency,
        timezone: "UTC",
        now: at,
        publisher: { name: deps.settings.publisherName, address: deps.settings.publisherAddress },
        links: { viewUrl: "", preferencesUrl: "", unsubscribeUrl: "" },
        relatedCount: deps.settings.relatedStories,
      });
      return { edition, rankedAt: at, view };
    },

    /** One page (from 1) of the periods with a digest, newest first. */
    async list(frequency: Frequency | undefined, page: number, size = ARCHIVE_PAGE_SIZE): Promise<ArchiveList> {
      const rows = await deps.store.archivedEditions({ ...(frequency ? { frequency } : {}), limit: size + 1, offset: (page - 1) * size });
      return { editions: rows.slice(0, size), page, hasNext: rows.length > size };
    },
  };
}
