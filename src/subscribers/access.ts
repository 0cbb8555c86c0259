// Turning a link token into its subscriber: valid signature, right purpose, current token version.
import type { Subscriber } from "#src/model.js";
import type { SubscriberDeps } from "#src/subscribers/deps.js";
import { InvalidTokenError, type TokenPurpose } from "#src/subscribers/tokens.js";
import { confirmUrl, preferencesUrl, unsubscribeUrl } from "#src/subscribers/links.js";

export async function subscriberFor(deps: SubscriberDeps, token: unknown, purpose: TokenPurpose): Promise<Subscriber> {
  const { subscriberId, tokenVersion } = deps.tokens.verify(typeof token === "string" ? token : "", purpose);
  const subscriber = await deps.subscribers.getById(subscriberId);
  // Erased (ids are never reused), or links invalidated by a resubscription: say no more than that the link is dead.
  if (!subscriber) throw new InvalidTokenError("erased");
  if (subscriber.tokenVersion !== tokenVersion) throw new InvalidTokenError("revoked");
  return subscriber;
}

/** The three links of one subscriber, freshly signed. */
export function linksFor(deps: SubscriberDeps, subscriber: Pick<Subscriber, "id" | "tokenVersion">) {
  const base = deps.baseUrl();
  const sign = (purpose: TokenPurpose) => deps.tokens.sign(subscriber.id, subscriber.tokenVersion, purpose);
  return {
    confirmUrl: confirmUrl(base, sign("confirm")),
    preferencesUrl: preferencesUrl(base, sign("preferences")),
    unsubscribeUrl: unsubscribeUrl(base, sign("unsubscribe")),
  };
}
