// The public archive of digests: a page per period, an index, and a feed per frequency.
import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";
import type { AppDeps } from "#src/http/deps.js";
import type { Frequency } from "#src/model.js";
import type { ArchivedEdition } from "#src/digest/ports.js";
import type { DigestView } from "#src/digest/compose.js";
import { isFrequency } from "#src/digest/archive.js";
import { ValidationError } from "#src/errors.js";
import { sendConditional } from "#src/http/conditional.js";
import { renderRss } from "#src/feeds-out/rss.js";
import { renderAtom } from "#src/feeds-out/atom.js";
import { escapeHtml } from "#src/feeds-out/xml.js";
import { FEED_MEDIA_TYPES, type FeedDocument, type FeedItem } from "#src/feeds-out/types.js";

export const archivePath = z.object({
  frequency: z.string().meta({ description: '"daily" or "weekly"' }),
  period: z.string().meta({ description: 'The edition\'s period: a day ("2026-12-01") for daily digests, an ISO week ("2026-W49") for weekly ones' }),
});
export const archiveIndexQuery = z.object({ page: z.coerce.number().int().positive({ message: "must be a page number from 1" }).default(1) });
export const archiveFeedPath = z.object({ frequency: z.enum(["daily", "weekly"]) });

/** Editions in a feed: each is a ranking of its own, so the feed stays short. */
const FEED_ITEMS = 10;
const LABEL: Record<Frequency, string> = { daily: "Daily", weekly: "Weekly" };
const RANKED_AT = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

const archiveUrl = (base: string, e: { frequency: Frequency; period: string }) => `${base}/digests/${e.frequency}/${encodeURIComponent(e.period)}`;
const feedUrl = (base: string, frequency: Frequency, format: "rss" | "atom") => `${base}/digests/${frequency}.${format}`;

function alternates(base: string, frequency: Frequency) {
  return (["rss", "atom"] as const).map((format) => ({
    type: FEED_MEDIA_TYPES[format],
    title: `${LABEL[frequency]} digests (${format === "rss" ? "RSS" : "Atom"})`,
    url: feedUrl(base, frequency, format),
  }));
}

/** A page for a browser that asked for something that is not there or is malformed. */
function sendPageError(deps: AppDeps, req: Request, res: Response, status: 400 | 404, text: string): void {
  const page =
    status === 404
      ? deps.pages.render("not-found", { title: "Page not found", path: req.path })
      : deps.pages.render("message", { title: "Bad address", heading: "This address is malformed", text, home: true });
  res.status(status).type("html").send(page);
}

/** GET /digests/{frequency}/{period} */
export function archivePage(deps: AppDeps): RequestHandler<{ frequency: string; period: string }> {
  const base = deps.config.baseUrl;
  return async (req, res) => {
    const { frequency, period } = req.params;
    if (!isFrequency(frequency)) return sendPageError(deps, req, res, 404, "");
    let found;
    try {
      found = await deps.digest.archive.edition(frequency, period);
    } catch (error) {
      if (error instanceof ValidationError) return sendPageError(deps, req, res, 400, `${period}: ${error.fields?.period ?? "not a period"}.`);
      throw error;
    }
    if (!found) return sendPageError(deps, req, res, 404, "");
    const html = deps.pages.render("archive", {
      title: `${LABEL[frequency]} digest, ${period}`,
      heading: `${LABEL[frequency]} digest, ${period}`,
      view: found.view,
      rankedAt: found.rankedAt.toISOString(),
      rankedLabel: RANKED_AT.format(found.rankedAt),
      indexUrl: `/digests/${frequency}`,
      indexLabel: `All ${frequency} digests`,
      alternates: alternates(base, frequency),
      head: { canonical: archiveUrl(base, found.edition), description: found.view.preheader },
    });
    sendConditional(req, res, html, "html");
  };
}

/** GET /digests and /digests/{frequency} */
export function archiveIndex(deps: AppDeps): RequestHandler<{ frequency?: string }> {
  const base = deps.config.baseUrl;
  return async (req, res) => {
    const frequency = req.params.frequency;
    if (frequency !== undefined && !isFrequency(frequency)) return sendPageError(deps, req, res, 404, "");
    const query = archiveIndexQuery.safeParse(req.query);
    if (!query.success) return sendPageError(deps, req, res, 400, "page: must be a page number from 1.");
    const { page } = query.data;
    const list = await deps.digest.archive.list(frequency, page);
    const here = frequency ? `/digests/${frequency}` : "/digests";
    const title = frequency ? `${LABEL[frequency]} digests` : "Digest archive";
    const html = deps.pages.render("archive-index", {
      title: page > 1 ? `${title}, page ${page}` : title,
      heading: title,
      editions: list.editions.map((e) => ({ url: archiveUrl("", e), label: `${LABEL[e.frequency]} digest, ${e.period}`, date: e.firstAt.slice(0, 10) })),
      frequencies: (["daily", "weekly"] as const).map((f) => ({ url: `/digests/${f}`, label: `${LABEL[f]} digests`, current: f === frequency })),
      all: frequency ? "/digests" : null,
      previous: page > 1 ? `${here}${page > 2 ? `?page=${page - 1}` : ""}` : null,
      next: list.hasNext ? `${here}?page=${page + 1}` : null,
      alternates: (frequency ? [frequency] : (["daily", "weekly"] as const)).flatMap((f) => alternates(base, f)),
    });
    sendConditional(req, res, html, "html");
  };
}

/** GET /digests/{frequency}.rss and .atom: one item per period, its top stories as the content. */
export function archiveFeed(deps: AppDeps, format: "rss" | "atom"): RequestHandler<{ frequency: string }> {
  const base = deps.config.baseUrl;
  return async (req, res) => {
    const frequency = req.params.frequency;
    if (!isFrequency(frequency)) return sendPageError(deps, req, res, 404, "");
    const { editions } = await deps.digest.archive.list(frequency, 1, FEED_ITEMS);
    const items: FeedItem[] = [];
    for (const e of editions) {
      const found = await deps.digest.archive.edition(e.frequency, e.period);
      if (found) items.push(feedItem(base, e, found.view));
    }
    const self = feedUrl(base, frequency, format);
    const doc: FeedDocument = {
      id: self,
      title: `${deps.config.publisherName}: ${LABEL[frequency].toLowerCase()} digests`,
      description: `Every ${frequency} digest's top stories, newest first`,
      language: deps.config.language,
      homeUrl: `${base}/digests/${frequency}`,
      iconUrl: `${base}/favicon.ico`,
      logoUrl: `${base}/favicon.ico`,
      publisher: deps.config.publisherName,
      updated: items[0]?.updated ?? new Date(0),
      hubUrl: null,
      paging: { self, first: self, last: self, next: null, previous: null },
      items,
    };
    const body = format === "rss" ? renderRss(doc) : renderAtom(doc);
    sendConditional(req, res, body, `${FEED_MEDIA_TYPES[format]}; charset=utf-8`);
  };
}

function feedItem(base: string, e: ArchivedEdition, view: DigestView): FeedItem {
  const link = archiveUrl(base, e);
  return {
    id: link,
    title: `${LABEL[e.frequency]} digest, ${e.period}`,
    link,
    summary: view.sections.flatMap((s) => s.stories.map((story) => story.title)).join(" · ") || "No stories",
    contentHtml: storiesHtml(view),
    published: new Date(e.firstAt),
    updated: new Date(e.lastAt),
    author: null,
    category: { slug: e.frequency, name: `${LABEL[e.frequency]} digest`, url: `${base}/digests/${e.frequency}` },
    tags: [],
    image: null,
  };
}

/** The item's content: the edition's stories under their category headings, with related stories. */
function storiesHtml(view: DigestView): string {
  return view.sections
    .map((section) => {
      const stories = section.stories.map((s) => {
        const related = s.related.length
          ? `<p>Related:</p><ul>${s.related.map((r) => `<li><a href="${escapeHtml(r.url)}">${escapeHtml(r.title)}</a></li>`).join("")}</ul>`
          : "";
        return `<h3><a href="${escapeHtml(s.url)}">${escapeHtml(s.title)}</a></h3><p>${escapeHtml(s.summary)}</p>${related}`;
      });
      return `<h2>${escapeHtml(section.category)}</h2>${stories.join("")}`;
    })
    .join("");
}
