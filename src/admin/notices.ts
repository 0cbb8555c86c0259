// What the dashboard says after an action: fixed sentences filled with checked values only, so a
// crafted link cannot put words on an operator's screen.
import { plural } from "#src/plural.js";

const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
const PREFIX = /^[0-9a-f]{10}$/;
const STATUS: Record<string, string> = { ok: "new items taken", not_modified: "nothing new (304)", error: "the pull failed: see its last error" };

export function noticeText(query: Record<string, unknown>): string | null {
  const text = (key: string, shape: RegExp) => (typeof query[key] === "string" && shape.test(query[key]) ? query[key] : null);
  switch (query.done) {
    case "pulled": {
      const partner = text("partner", SLUG);
      const status = text("status", /^(ok|not_modified|error)$/);
      return partner && status ? `Pulled ${partner}: ${STATUS[status]}.` : null;
    }
    case "revoked": {
      const partner = text("partner", SLUG);
      const key = text("key", PREFIX);
      return partner && key ? `Revoked key ${key} of ${partner}. Requests with it now get 403.` : null;
    }
    case "started":
      return "Edition started: deliveries are being sent.";
    case "retried": {
      const n = text("n", /^\d{1,9}$/);
      return n ? `${plural(Number(n), "failed delivery")} put back in the queue.` : null;
    }
    default:
      return null;
  }
}
