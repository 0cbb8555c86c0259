// Dispatch as a WebSub subscriber to partners' feeds: subscribes to the hub a pulled feed advertises,
// answers the hub's verification of intent, takes signed pushes into the pull's own steps, renews
// leases before they end, unsubscribes from partners that are disabled or removed, and notices a hub
// that verified a subscription but does not push what the safety-net pulls then find.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import { fetch } from "undici";
import type { Partner } from "#src/model.js";
import type { Store } from "#src/store/index.js";
import type { WebsubSubscription } from "#src/store/websub-subscriptions.js";
import { plural } from "#src/plural.js";
import { createFeedAgent } from "#src/feeds-in/guard.js";
import { discoverHub } from "#src/feeds-in/websub-discovery.js";
import type { FetchedDocument } from "#src/feeds-in/ingest.js";

const DAY_MS = 24 * 3600 * 1000;
/**
 * A new item a pull finds is one the hub missed only once it has been out this long: a hub may take
 * a while to fetch and push (and an item a pull finds younger than this proves nothing).
 */
const PUSH_GRACE_MINUTES = 30;

export interface WebsubSubscriberDeps {
  store: Store;
  logger: Logger;
  now: () => Date;
  /** Our public origin (BASE_URL): the hub calls back under it. */
  baseUrl: () => string;
  /** Takes a pushed document through the pull's steps for this partner. */
  ingest: (slug: string, document: FetchedDocument) => Promise<void>;
}

export interface WebsubSubscriberConfig {
  leaseSeconds: number;
  timeoutMs: number;
  userAgent: string;
}

/** What the partner's health shows of its push subscription (never the secret). */
export interface PushHealth {
  state: string;
  hub: string;
  topic: string;
  leaseExpiresAt: string | null;
  lastPushAt: string | null;
  lastError: string | null;
  verifiedAt: string | null;
  /** New items pulls found since the last push (or verification) that the hub should have pushed. */
  missedItems: number;
  /** Set while missedItems > 0: the hub verified but is not pushing. */
  warning: string | null;
}

export type VerifyQuery = Record<string, unknown>;
export type PushOutcome = "accepted" | "ignored" | "gone";

export function createWebsubSubscriber(deps: WebsubSubscriberDeps, config: WebsubSubscriberConfig) {
  const subs = deps.store.websubSubscriptions;
  const at = () => deps.now().toISOString();
  const agents = {
    public: createFeedAgent({ allowPrivateNetwork: false, connectTimeoutMs: config.timeoutMs }),
    private: createFeedAgent({ allowPrivateNetwork: true, connectTimeoutMs: config.timeoutMs }),
  };
  const inFlight = new Set<Promise<void>>();

  /** Asks the hub; a refusal or a failure is recorded on the subscription, never thrown. */
  async function ask(partner: Pick<Partner, "allowPrivateNetwork">, sub: WebsubSubscription, mode: "subscribe" | "unsubscribe"): Promise<void> {
    const form = new URLSearchParams({ "hub.mode": mode, "hub.topic": sub.topic, "hub.callback": `${deps.baseUrl()}/websub/callback/${sub.id}` });
    if (mode === "subscribe") {
      form.set("hub.secret", sub.secret);
      form.set("hub.lease_seconds", String(config.leaseSeconds));
    }
    try {
      const response = await fetch(sub.hub, {
        method: "POST",
        body: form,
        headers: { "user-agent": config.userAgent },
        dispatcher: partner.allowPrivateNetwork ? agents.private : agents.public,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const text = (await response.text()).slice(0, 300);
      if (response.status < 200 || response.status >= 300) {
        await subs.update(sub.id, { lastError: `hub refused ${mode}: HTTP ${response.status}${text ? ` ${text}` : ""}` }, at());
      }
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      await subs.update(sub.id, { lastError: `hub unreachable for ${mode}: ${cause ?? (error as Error).message}` }, at());
    }
  }

  async function subscribe(partner: Partner, hub: string, topic: string): Promise<void> {
    const sub = {
      id: randomBytes(24).toString("base64url"),
      partner: partner.slug,
      hub,
      topic,
      secret: randomBytes(32).toString("base64url"),
      state: "pending" as const,
    };
    await subs.insert(sub, at());
    deps.logger.info({ partner: partner.slug, hub, topic }, "websub: subscribing to partner hub");
    await ask(partner, { ...(await subs.get(sub.id))! }, "subscribe");
  }

  async function unsubscribe(partner: Pick<Partner, "slug" | "allowPrivateNetwork">, sub: WebsubSubscription): Promise<void> {
    await subs.update(sub.id, { state: "unsubscribing" }, at());
    await ask(partner, sub, "unsubscribe");
  }

  /** Renew when a tenth of the lease, at most a day, remains. */
  function needsRenewal(sub: WebsubSubscription, now: Date): boolean {
    if (!sub.leaseExpiresAt || !sub.leaseSeconds) return false;
    const window = Math.min(DAY_MS, (sub.leaseSeconds * 1000) / 10);
    return Date.parse(sub.leaseExpiresAt) - now.getTime() <= window;
  }

  const signed = (sub: WebsubSubscription, body: Buffer, header: string | undefined): boolean => {
    const match = /^(sha256|sha512)=([0-9a-f]+)$/i.exec(header?.trim() ?? "");
    if (!match) return false;
    const expected = createHmac(match[1]!.toLowerCase(), sub.secret).update(body).digest();
    const given = Buffer.from(match[2]!, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  return {
    /** After a pull: subscribe to an advertised hub, renew a lease about to end, move to a new hub or topic. */
    async discovered(partner: Partner, fetched: FetchedDocument): Promise<void> {
      if (!partner.enabled) return;
      const advertised = discoverHub(fetched.text, fetched.link, fetched.finalUrl);
      const current = await subs.ofPartner(partner.slug);
      const now = deps.now();
      const same = current.find((s) => advertised && s.hub === advertised.hub && s.topic === advertised.topic && s.state !== "unsubscribing");
      for (const old of current) if (old !== same && (old.state === "active" || old.state === "pending")) await unsubscribe(partner, old);
      if (!advertised) return;
      if (!same) return subscribe(partner, advertised.hub, advertised.topic);
      if (same.state === "active" && needsRenewal(same, now)) return void (await ask(partner, same, "subscribe"));
      // A hub that refused, or never verified within a day, is asked again once a day.
      const stale = now.getTime() - Date.parse(same.updatedAt) >= DAY_MS;
      if (stale && (same.state === "denied" || same.state === "pending")) {
        if (same.state === "pending") await subs.update(same.id, { lastError: "hub did not verify the subscription within a day" }, at());
        await ask(partner, same, "subscribe");
      }
    },

    /** Renews every active lease about to end (the partner pull job). */
    async renewDue(): Promise<number> {
      const now = deps.now();
      const expiring = (await subs.expiring(new Date(now.getTime() + DAY_MS).toISOString())).filter((s) => needsRenewal(s, now));
      for (const sub of expiring) {
        const partner = await deps.store.partners.get(sub.partner);
        if (!partner?.enabled) await unsubscribe({ slug: sub.partner, allowPrivateNetwork: partner?.allowPrivateNetwork ?? false }, sub);
        else await ask(partner, sub, "subscribe");
      }
      return expiring.length;
    },

    /** The partner is disabled or gone: leave each of its hubs. */
    async unsubscribeAll(slug: string): Promise<void> {
      const partner = await deps.store.partners.get(slug);
      for (const sub of await subs.ofPartner(slug)) {
        if (sub.state === "active" || sub.state === "pending") await unsubscribe({ slug, allowPrivateNetwork: partner?.allowPrivateNetwork ?? false }, sub);
      }
    },

    /** The hub's verification of intent (or denial): the challenge to echo, or null for 404. */
    async verify(id: string, query: VerifyQuery): Promise<string | null> {
      const sub = await subs.get(id);
      const [mode, topic, challenge] = ["hub.mode", "hub.topic", "hub.challenge"].map((k) => (typeof query[k] === "string" ? (query[k] as string) : undefined));
      if (!sub || !topic || topic !== sub.topic) return null;
      if (mode === "denied") {
        const reason = typeof query["hub.reason"] === "string" ? (query["hub.reason"] as string).slice(0, 500) : "no reason given";
        await subs.update(sub.id, { state: "denied", lastError: `hub denied the subscription: ${reason}` }, at());
        return "";
      }
      if (challenge === undefined) return null;
      if (mode === "subscribe" && (sub.state === "pending" || sub.state === "active")) {
        const asked = Number(query["hub.lease_seconds"]);
        const lease = Number.isInteger(asked) && asked > 0 ? asked : config.leaseSeconds;
        const expires = new Date(deps.now().getTime() + lease * 1000).toISOString();
        const verifiedAt = sub.state === "pending" || !sub.verifiedAt ? { verifiedAt: at() } : {};
        await subs.update(sub.id, { state: "active", leaseSeconds: lease, leaseExpiresAt: expires, lastError: null, ...verifiedAt }, at());
        return challenge;
      }
      if (mode === "unsubscribe" && sub.state === "unsubscribing") {
        await subs.update(sub.id, { state: "unsubscribed" }, at());
        return challenge;
      }
      return null;
    },

    /**
     * A push to a callback. "gone" for a subscription we do not hold (410: the hub may stop);
     * "ignored" for a missing, sha1 or wrong signature (recorded, never ingested); "accepted" starts
     * the ingestion and returns at once.
     */
    async receive(id: string, body: Buffer, signature: string | undefined, contentType: string | null): Promise<PushOutcome> {
      const sub = await subs.get(id);
      if (!sub || sub.state === "unsubscribed" || sub.state === "denied") return "gone";
      if (!signed(sub, body, signature)) {
        const what = !signature ? "without a signature" : /^sha1=/i.test(signature.trim()) ? "signed with sha1 (refused)" : "with an invalid signature";
        await subs.update(sub.id, { lastError: `push ${what} ignored` }, at());
        deps.logger.warn({ partner: sub.partner }, `websub: push ${what} ignored`);
        return "ignored";
      }
      const pushedAt = at();
      const document: FetchedDocument = {
        status: "ok",
        text: body.toString("utf8"),
        contentType,
        finalUrl: sub.topic,
        etag: null,
        lastModified: null,
        maxAgeSeconds: undefined,
        bytes: body.length,
      };
      const job = deps
        .ingest(sub.partner, document)
        .then(() => subs.update(sub.id, { lastPushAt: pushedAt, missedItems: 0, missedAt: null }, at()))
        .catch((error: unknown) => subs.update(sub.id, { lastError: `push not ingested: ${(error as Error).message}` }, at()))
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
      return "accepted";
    },

    /**
     * After a pull (never a push) that saved new items: those published after the hub verified and at
     * least PUSH_GRACE_MINUTES before the pull are items the hub should have pushed (undated ones prove nothing).
     */
    async pulledNew(slug: string, publishedAt: ReadonlyArray<string | null>, pulledAt: Date): Promise<number> {
      let total = 0;
      const cutoff = pulledAt.getTime() - PUSH_GRACE_MINUTES * 60_000;
      for (const sub of await subs.ofPartner(slug)) {
        if (sub.state !== "active" || !sub.verifiedAt) continue;
        const since = Date.parse(sub.verifiedAt);
        const missed = publishedAt.filter((d) => {
          const t = d ? Date.parse(d) : NaN;
          return t >= since && t <= cutoff;
        }).length;
        if (missed) {
          total += missed;
          await subs.addMissed(sub.id, missed, pulledAt.toISOString());
          deps.logger.warn({ partner: slug, hub: sub.hub, missed }, "websub: polling found items the hub did not push");
        }
      }
      return total;
    },

    /** The partner's newest subscription, for its health. */
    async health(slug: string): Promise<PushHealth | null> {
      const sub = (await subs.ofPartner(slug))[0];
      return sub ? pushHealth(sub, deps.now()) : null;
    },

    /** Each partner's newest subscription, for the list of partners' health. */
    async healthOfAll(): Promise<Map<string, PushHealth>> {
      const found = new Map<string, PushHealth>();
      for (const sub of await subs.all()) if (!found.has(sub.partner)) found.set(sub.partner, pushHealth(sub, deps.now()));
      return found;
    },

    /** Whether the partner has a verified subscription whose hub is not missing items (its pulls then come at the long interval). */
    async pushed(slug: string): Promise<boolean> {
      return (await subs.ofPartner(slug)).some((s) => s.state === "active" && s.missedItems === 0);
    },

    async close(): Promise<void> {
      await Promise.allSettled([...inFlight]);
      await Promise.allSettled([agents.public.close(), agents.private.close()]);
    },
  };
}

function pushHealth(sub: WebsubSubscription, now: Date): PushHealth {
  return {
    state: sub.state,
    hub: sub.hub,
    topic: sub.topic,
    leaseExpiresAt: sub.leaseExpiresAt,
    lastPushAt: sub.lastPushAt,
    lastError: sub.lastError,
    verifiedAt: sub.verifiedAt,
    missedItems: sub.missedItems,
    warning: silentHub(sub, now),
  };
}

/** "hub https://… verified the subscription but sent nothing in 7 hours while polling found 3 new items". */
function silentHub(sub: WebsubSubscription, now: Date): string | null {
  if (sub.state !== "active" || !sub.missedItems || !sub.verifiedAt) return null;
  const since = sub.lastPushAt ?? sub.verifiedAt;
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 60_000));
  const span = minutes < 120 ? plural(minutes, "minute") : plural(Math.floor(minutes / 60), "hour");
  const what = sub.lastPushAt ? "pushed before but sent nothing" : "verified the subscription but sent nothing";
  return `hub ${sub.hub} ${what} in ${span} while polling found ${plural(sub.missedItems, "new item")}`;
}
