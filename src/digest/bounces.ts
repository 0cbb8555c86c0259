// Bounce and complaint reports from a mail provider: a hard bounce counts towards the limit, then
// the address is suppressed; a complaint suppresses at once; a soft bounce is only noted.
import type { AudiencePort } from "#src/digest/ports.js";
import { normalizeEmail } from "#src/subscribers/address.js";

export interface BounceEvent {
  email: string;
  type: "bounce" | "complaint";
  permanent: boolean;
}

export interface BounceOutcome {
  email: string;
  status: string;
}

export function createBounceService(deps: { store: AudiencePort; bounceLimit: number; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    async record(events: BounceEvent[]): Promise<BounceOutcome[]> {
      const results: BounceOutcome[] = [];
      for (const event of events) {
        const email = normalizeEmail(event.email);
        const subscriber = await deps.store.subscriberByEmail(email);
        if (!subscriber) {
          results.push({ email, status: "unknown" });
          continue;
        }
        const at = now().toISOString();
        if (event.type === "complaint") {
          await deps.store.suppress(subscriber.id, at);
          results.push({ email, status: "suppressed" });
        } else if (event.permanent) {
          results.push({ email, status: await deps.store.recordBounce(subscriber.id, deps.bounceLimit, at) });
        } else {
          results.push({ email, status: subscriber.status });
        }
      }
      return results;
    },
  };
}

export type BounceService = ReturnType<typeof createBounceService>;
