// The email a delivery becomes: its rendered digest under the contract's headers.
import type { ClaimedDelivery } from "#src/store/digests.js";
import type { MailMessage } from "#src/mail/transport.js";
import type { RenderedDigest, RenderJob } from "#src/digest/render-batch.js";
import type { DigestLinks, DigestSettings } from "#src/digest/deliver.js";

export function messageIdFor(editionId: number, subscriberId: number, host: string): string {
  return `<edition-${editionId}.subscriber-${subscriberId}@${host}>`;
}

/** What rendering one delivery's digest takes: its stories, and links signed for its subscriber. */
export function renderJobFor(d: ClaimedDelivery, articleIds: number[], links: DigestLinks): RenderJob {
  return {
    articleIds,
    frequency: d.frequency,
    timezone: d.timezone,
    links: {
      viewUrl: links.view(d.editionId, d.subscriberId, d.tokenVersion),
      preferencesUrl: links.preferences(d.subscriberId, d.tokenVersion),
      unsubscribeUrl: links.unsubscribe(d.subscriberId, d.tokenVersion),
    },
  };
}

export function digestMessage(
  d: ClaimedDelivery,
  job: RenderJob,
  rendered: RenderedDigest,
  messageId: string,
  s: Pick<DigestSettings, "publisherName" | "mailHost">,
): MailMessage {
  return {
    to: d.email,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId,
    headers: {
      "List-Unsubscribe": `<${job.links.unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "List-Id": `${s.publisherName} ${d.frequency} digest <${d.frequency}.digest.${s.mailHost}>`,
      "X-Dispatch-Edition": String(d.editionId),
    },
  };
}
