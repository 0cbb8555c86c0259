// The confirmation email: "confirm your address", or, for an address already active, a pointer
// to its preferences (so the answer to POST /subscribe never differs, yet nothing changes unasked).
import type { Subscriber } from "#src/model.js";
import type { SubscriberDeps } from "#src/subscribers/deps.js";
import { linksFor } from "#src/subscribers/access.js";

export async function sendConfirmation(deps: SubscriberDeps, subscriber: Subscriber, kind: "confirm" | "already_active"): Promise<void> {
  const links = linksFor(deps, subscriber);
  const names = new Map((await deps.categories.list()).map((c) => [c.slug, c.name]));
  const publisherName = deps.publisher.name;
  const copy =
    kind === "confirm"
      ? {
          subject: `Confirm your subscription to ${publisherName}`,
          heading: "Confirm your subscription",
          intro: `Someone, hopefully you, asked to receive ${publisherName} by email at ${subscriber.email}. Confirm and your first digest follows.`,
          actionUrl: links.confirmUrl,
          actionLabel: "Confirm my subscription",
          note: "This link works for 48 hours. If you did not ask for this, ignore this email and nothing will be sent.",
        }
      : {
          subject: `You are already subscribed to ${publisherName}`,
          heading: "You are already subscribed",
          intro: `Someone asked to subscribe ${subscriber.email}, which already receives ${publisherName}. Nothing has changed.`,
          actionUrl: links.preferencesUrl,
          actionLabel: "Change my preferences",
          note: "If you did not ask for this, you can ignore this email.",
        };
  const data = {
    ...copy,
    ...links,
    publisherName,
    publisherAddress: deps.publisher.address,
    categoryNames: subscriber.categories.map((slug) => names.get(slug) ?? slug).join(", "),
    frequency: subscriber.frequency,
    sendHour: String(subscriber.sendHour).padStart(2, "0"),
    timezone: subscriber.timezone,
  };
  const template = await deps.emailTemplates.get("confirm");
  await deps.mailer.send({ to: subscriber.email, subject: copy.subject, html: template.html(data), text: template.text(data) });
}
