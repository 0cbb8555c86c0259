// Bounce, complaint and unsubscribe reports from a mail provider: a hard bounce counts towards the
// limit, then the address is suppressed; a complaint suppresses at once; a soft bounce is only noted;
// an unsubscribe report unsubscribes. A report with the provider's id is applied once, however often
// it is delivered.
import type { AudiencePort } from "#src/digest/ports.js";
import type { Recipient, ReportRecord } from "#src/model.js";
import { normalizeEmail } from "#src/subscribers/address.js";

export interface BounceEvent {
  email: string;
  type: "bounce" | "complaint" | "unsubscribe";
  permanent: boolean;
  /** The provider's id of this report: the same id again is a repeat, applied once. */
  id?: string | undefined;
  /** Our Message-ID of the digest the report is about, where the provider echoes it. */
  messageId?: string | undefined;
}

export interface BounceOutcome {
  email: string;
  /** The subscriber's status after the report, "unknown", or "duplicate" (a repeat, not applied again). */
  status: string;
}

/** Where reports are kept by id ("api" for POST /api/bounces, else the provider's name). */
export interface ReportPort {
  claimReport(r: ReportRecord): Promise<boolean>;
  releaseReport(provider: string, eventId: string): Promise<void>;
}

export interface BounceDeps {
  store: AudiencePort;
  reports: ReportPort;
  /** The subscribers' own unsubscribe (a suppressed address stays suppressed); the new status. */
  unsubscribe: (email: string) => Promise<{ status: string } | undefined>;
  bounceLimit: number;
  now?: () => Date;
}

const kindOf = (e: BounceEvent) => (e.type === "bounce" ? (e.permanent ? "bounce" : "soft-bounce") : e.type);

/** The edition of one of our digests' Message-IDs (`<edition-12.subscriber-34@host>`, digest/message.ts). */
function editionOfMessageId(messageId: string | undefined, subscriberId: number): number | null {
  const match = /^<?edition-(\d+)\.subscriber-(\d+)@/.exec(messageId?.trim() ?? "");
  return match && Number(match[2]) === subscriberId ? Number(match[1]) : null;
}

export function createBounceService(deps: BounceDeps) {
  const now = () => (deps.now?.() ?? new Date()).toISOString();

  async function apply(event: BounceEvent, subscriber: Recipient, at: string): Promise<string> {
    if (event.type === "complaint") {
      await deps.store.suppress(subscriber.id, at);
      return "suppressed";
    }
    if (event.type === "unsubscribe") return (await deps.unsubscribe(subscriber.email))?.status ?? subscriber.status;
    if (event.permanent) return deps.store.recordBounce(subscriber.id, deps.bounceLimit, at);
    return subscriber.status;
  }

  /** Applies one report, once per id: the id is claimed first and given back if applying fails. */
  async function recordOne(provider: string, event: BounceEvent): Promise<BounceOutcome> {
    const email = normalizeEmail(event.email);
    const subscriber = await deps.store.subscriberByEmail(email);
    if (!subscriber) return { email, status: "unknown" };
    const at = now();
    if (event.id !== undefined) {
      const messageId = event.messageId ?? null;
      const editionId = editionOfMessageId(event.messageId, subscriber.id);
      const report = { provider, eventId: event.id, subscriberId: subscriber.id, kind: kindOf(event), messageId, editionId, at };
      if (!(await deps.reports.claimReport(report))) return { email, status: "duplicate" };
    }
    try {
      return { email, status: await apply(event, subscriber, at) };
    } catch (error) {
      if (event.id !== undefined) await deps.reports.releaseReport(provider, event.id);
      throw error;
    }
  }

  return {
    /** `provider` keeps each provider's ids apart ("api" for reports posted to the admin API). */
    async record(events: BounceEvent[], provider = "api"): Promise<BounceOutcome[]> {
      const results: BounceOutcome[] = [];
      for (const event of events) results.push(await recordOne(provider, event));
      return results;
    },
  };
}

export type BounceService = ReturnType<typeof createBounceService>;
