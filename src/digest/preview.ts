// Previews and "view in browser": a digest rendered for the screen, as it would be sent now to a
// subscriber or to a set of choices, or as a delivery recorded it.
import type { Frequency, SendHistory } from "#src/model.js";
import { loadContent, type DigestContent } from "#src/digest/content.js";
import { renderDigest, type DigestArticle, type DigestView } from "#src/digest/compose.js";
import { storiesFor } from "#src/digest/rank.js";
import { storiesByIds } from "#src/digest/render-batch.js";
import { normalizeEmail } from "#src/subscribers/address.js";
import { historySince, type DeliveryDeps } from "#src/digest/deps.js";
import { NotFoundError, ValidationError } from "#src/errors.js";

export interface PreviewChoices {
  categories: string[];
  frequency: Frequency;
  timezone?: string;
  subscriberId?: number;
  tokenVersion?: number;
}

/** Whom a preview is for: a subscriber (by address), or choices as a subscriber would make them. */
export type PreviewTarget = { subscriberEmail: string } | { categories: string[]; frequency: Frequency; timezone: string };

export interface RenderedPreview {
  view: DigestView;
  html: string;
  text: string;
}

interface ViewTarget {
  frequency: Frequency;
  timezone?: string;
  subscriberId?: number;
  tokenVersion?: number;
  editionId?: number;
}

export function createPreviews(deps: DeliveryDeps) {
  const now = deps.now ?? (() => new Date());
  const contentAt = async (at: Date) => loadContent(deps.store, await deps.categoryNames(), at, deps.settings);

  /** The digest as it would be sent now to these choices (admin preview, dry runs). */
  async function preview(p: PreviewChoices, content?: DigestContent): Promise<RenderedPreview> {
    const at = now();
    const material = content ?? (await contentAt(at));
    const none: SendHistory = { sent: new Set<number>(), lastSentAt: null };
    const history = p.subscriberId !== undefined ? (await deps.store.history([p.subscriberId], historySince(at))).get(p.subscriberId)! : none;
    const stories = storiesFor(material.ranked, { ...p, ...history }, deps.settings.topStories, at);
    return renderView(deps, stories, material, p, at);
  }

  return {
    preview,

    /** A subscriber's digest (by address), or one for choices whose categories must all exist. */
    async previewFor(target: PreviewTarget): Promise<RenderedPreview> {
      if ("subscriberEmail" in target) {
        const s = await deps.store.subscriberByEmail(normalizeEmail(target.subscriberEmail));
        if (!s) throw new NotFoundError(`no subscriber ${target.subscriberEmail}`);
        return preview({ categories: s.categories, frequency: s.frequency, timezone: s.timezone, subscriberId: s.id, tokenVersion: s.tokenVersion });
      }
      const known = await deps.categoryNames();
      const unknown = target.categories.filter((c) => !known.has(c));
      if (unknown.length) throw new ValidationError("preview: invalid input", { categories: `unknown: ${unknown.join(", ")}` });
      return preview(target);
    },

    /** "View in browser": the stories recorded on that delivery, rendered again. */
    async viewDelivered(editionId: number, subscriberId: number): Promise<string> {
      const delivery = await deps.store.deliveryOf(editionId, subscriberId);
      const subscriber = await deps.store.subscriberById(subscriberId);
      if (!delivery?.articleIds || !subscriber) throw new NotFoundError("this digest is not available");
      const at = now();
      const content = await contentAt(at);
      const stories = storiesByIds(content, delivery.articleIds);
      const edition = await deps.store.edition(editionId);
      const target = {
        frequency: edition?.frequency ?? "daily",
        timezone: subscriber.timezone,
        subscriberId,
        tokenVersion: subscriber.tokenVersion,
        editionId,
      };
      return (await renderView(deps, stories, content, target, at)).html;
    },
  };
}

async function renderView(deps: DeliveryDeps, stories: DigestArticle[], content: DigestContent, p: ViewTarget, at: Date): Promise<RenderedPreview> {
  const template = await deps.template();
  return renderDigest(template, {
    topStories: stories,
    related: content.relator,
    categoryNames: content.categoryNames,
    frequency: p.frequency,
    timezone: p.timezone ?? "UTC",
    now: at,
    publisher: { name: deps.settings.publisherName, address: deps.settings.publisherAddress },
    links: viewLinks(deps, p),
    relatedCount: deps.settings.relatedStories,
  });
}

/** A subscriber's own signed links; a preview for choices links to the generic pages. */
function viewLinks(deps: DeliveryDeps, p: ViewTarget) {
  const base = deps.settings.baseUrl;
  const sid = p.subscriberId;
  if (sid === undefined) return { viewUrl: `${base}/`, preferencesUrl: `${base}/preferences`, unsubscribeUrl: `${base}/unsubscribe` };
  const version = p.tokenVersion ?? 1;
  return {
    viewUrl: p.editionId !== undefined ? deps.links.view(p.editionId, sid, version) : `${base}/`,
    preferencesUrl: deps.links.preferences(sid, version),
    unsubscribeUrl: deps.links.unsubscribe(sid, version),
  };
}
