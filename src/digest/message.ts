// The email a delivery becomes: its digest's stories and links, under the headers docs/email.md documents.
import type { ClaimedDelivery } from "#src/model.js";
import type { RenderJob, RenderOptions } from "#src/digest/render-batch.js";
import type { DigestLinks, DigestSettings } from "#src/digest/deps.js";

export function messageIdFor(editionId: number, subscriberId: number, host: string): string {
  return `<edition-${editionId}.subscriber-${subscriberId}@${host}>`;
}

/** What is the same for every digest of these settings. */
export function renderOptionsOf(s: Pick<DigestSettings, "publisherName" | "publisherAddress" | "relatedStories">): RenderOptions {
  return { publisher: { name: s.publisherName, address: s.publisherAddress }, relatedCount: s.relatedStories };
}

/** What rendering one delivery's digest takes: its stories, links signed for its subscriber, its headers. */
export function renderJobFor(
  d: ClaimedDelivery,
  articleIds: number[],
  links: DigestLinks,
  messageId: string,
  s: Pick<DigestSettings, "publisherName" | "mailHost">,
): RenderJob {
  const unsubscribeUrl = links.unsubscribe(d.subscriberId, d.tokenVersion);
  return {
    articleIds,
    frequency: d.frequency,
    timezone: d.timezone,
    links: {
      viewUrl: links.view(d.editionId, d.subscriberId, d.tokenVersion),
      preferencesUrl: links.preferences(d.subscriberId, d.tokenVersion),
      unsubscribeUrl,
    },
    message: {
      to: d.email,
      messageId,
      headers: {
        "List-Unsubscribe": `<${unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": `${s.publisherName} ${d.frequency} digest <${d.frequency}.digest.${s.mailHost}>`,
        "X-Dispatch-Edition": String(d.editionId),
      },
    },
  };
}
