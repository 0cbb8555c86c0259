// Bounce and complaint webhooks: check the provider's signature, read its reports, and hand them to
// the bounce service under the provider's name (so each provider's ids are kept apart).
import type { WebhookConfig } from "#src/config.js";
import type { BounceEvent, BounceService } from "#src/digest/bounces.js";
import { NotFoundError, UnauthorizedError } from "#src/errors.js";
import { mailgunEvents, verifyMailgun } from "#src/webhooks/mailgun.js";
import { postmarkEvents, verifyPostmark } from "#src/webhooks/postmark.js";
import { sendgridEvents, verifySendgrid, type SendgridRequest } from "#src/webhooks/sendgrid.js";
import { jsonOf } from "#src/webhooks/verify.js";
import { confirmSubscription, createCertificateCache, type CertificateSource } from "#src/webhooks/sns-fetch.js";
import { notificationOf, parseSnsMessage, verifySns, type SnsMessage } from "#src/webhooks/sns.js";
import { snsUrl } from "#src/webhooks/sns-hosts.js";
import { sesEvents } from "#src/webhooks/ses.js";

/** One-time tokens (Mailgun's), kept while a signed timestamp is fresh. */
export interface TokenPort {
  claimToken(provider: string, token: string, at: string, forgetBefore: string): Promise<boolean>;
}

export interface WebhookDeps {
  bounces: Pick<BounceService, "record">;
  tokens: TokenPort;
  config: WebhookConfig;
  now?: () => Date;
  /** SNS signing certificates by URL (default: fetched and cached). */
  certificates?: CertificateSource;
}

/** How many reports the request carried (the same answer whether their addresses are known or not). */
export interface WebhookAnswer {
  received: number;
}

function configured<T>(provider: string, secret: T | undefined): T {
  if (secret === undefined) throw new NotFoundError(`${provider}: webhooks are not configured on this server`);
  return secret;
}

export function createWebhookService(deps: WebhookDeps) {
  const now = () => deps.now?.() ?? new Date();
  const { toleranceSeconds } = deps.config;
  const record = async (provider: string, events: BounceEvent[]): Promise<WebhookAnswer> => {
    await deps.bounces.record(events, provider);
    return { received: events.length };
  };
  const certificates = deps.certificates ?? createCertificateCache();

  /** A verified SNS message: a subscription is confirmed, a notification's reports are recorded. */
  async function sns(message: SnsMessage): Promise<WebhookAnswer> {
    if (message.Type === "SubscriptionConfirmation") {
      await confirmSubscription(snsUrl("SubscribeURL", message.SubscribeURL, deps.config.snsCertHosts));
      return { received: 0 };
    }
    if (message.Type !== "Notification") return { received: 0 };
    return record("ses", sesEvents(notificationOf(message), message.MessageId ?? ""));
  }

  return {
    async ses(raw: Buffer): Promise<WebhookAnswer> {
      const topics = configured("ses", deps.config.snsTopicArns);
      const message = parseSnsMessage(raw);
      await verifySns(message, { topics, certHosts: deps.config.snsCertHosts, certificates, now: now(), toleranceSeconds });
      return sns(message);
    },
    async mailgun(raw: Buffer): Promise<WebhookAnswer> {
      const at = now();
      const { token, data } = verifyMailgun(raw, configured("mailgun", deps.config.mailgunSigningKey), at, toleranceSeconds);
      // The signature covers the token, not the event: the same token again could carry another event.
      const forgetBefore = new Date(at.getTime() - 2 * toleranceSeconds * 1000).toISOString();
      if (!(await deps.tokens.claimToken("mailgun", token, at.toISOString(), forgetBefore)))
        throw new UnauthorizedError("mailgun: this signature's token was used already: a replayed request");
      return record("mailgun", mailgunEvents(data));
    },
    postmark(authorization: string | undefined, raw: Buffer): Promise<WebhookAnswer> {
      verifyPostmark(authorization, configured("postmark", deps.config.postmark));
      return record("postmark", postmarkEvents(raw));
    },
    sendgrid(request: SendgridRequest): Promise<WebhookAnswer> {
      verifySendgrid(request, configured("sendgrid", deps.config.sendgridPublicKey), now(), toleranceSeconds);
      return record("sendgrid", sendgridEvents(jsonOf("sendgrid", request.raw)));
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
