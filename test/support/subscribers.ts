// Helpers for subscriber tests: bulk inserts, links out of an email, the CSRF pair out of a page.
import { expect } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { ReceivedMail } from "#test/support/smtp.js";
import { eventually } from "#test/support/eventually.js";

export interface TestSubscriber {
  email: string;
  categories: string[];
  frequency?: "daily" | "weekly";
  timezone?: string;
  sendHour?: number;
  status?: "pending" | "active" | "unsubscribed" | "suppressed";
}

export async function insertSubscribers(db: Kysely<Database>, subscribers: TestSubscriber[]): Promise<Map<string, number>> {
  const now = new Date().toISOString();
  const ids = new Map<string, number>();
  for (let i = 0; i < subscribers.length; i += 500) {
    const rows = await db
      .insertInto("subscribers")
      .values(
        subscribers.slice(i, i + 500).map((s) => ({
          email: s.email,
          status: s.status ?? "active",
          categories: JSON.stringify(s.categories),
          frequency: s.frequency ?? "daily",
          timezone: s.timezone ?? "UTC",
          send_hour: s.sendHour ?? 7,
          consent_at: now,
          consent_source: "test",
          confirmed_at: now,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(["id", "email"])
      .execute();
    for (const r of rows) ids.set(r.email, r.id);
  }
  return ids;
}

/** Polls an edition through the admin API until every delivery reached a final state. */
export async function waitForEdition(admin: (path: string) => Promise<Response>, id: number, ms = 30_000) {
  let edition: any;
  await eventually(
    async () => {
      edition = await (await admin(`/api/editions/${id}`)).json();
      if (edition.status !== "done") throw new Error(`edition ${id} not done after ${ms} ms: ${JSON.stringify(edition)}`);
    },
    ms,
    50,
  );
  return edition;
}

export function linksIn(mail: ReceivedMail): { confirm?: string; preferences: string; unsubscribe: string; action: string } {
  const text = mail.parsed.text ?? "";
  const find = (path: string) => new RegExp(`https?://\\S+/${path}\\?token=[A-Za-z0-9_.%-]+`).exec(text)?.[0];
  const confirm = find("confirm");
  return {
    ...(confirm ? { confirm } : {}),
    preferences: find("preferences")!,
    unsubscribe: find("unsubscribe")!,
    action: /: (https?:\/\/\S+)/.exec(text)?.[1] ?? "",
  };
}

/** GETs a page and returns what a browser would send back with its form: cookie and CSRF field. */
export async function formSession(url: string): Promise<{ html: string; cookie: string; csrf: string }> {
  const response = await fetch(url);
  const html = await response.text();
  const setCookie = response.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return { html, cookie, csrf };
}

export function postForm(url: string, fields: Array<[string, string]>, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
}

/** A JSON sign-up through POST /subscribe: daily, UTC, in one category ("us-news" unless named). */
export function subscribeJson(url: string, email: string, options: { category?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${url}/subscribe`, {
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    body: JSON.stringify({ email, categories: [options.category ?? "us-news"], frequency: "daily", timezone: "UTC" }),
  });
}

/** The messages an SMTP sink received for one address, once there are at least `count`. */
export async function mailsTo(smtp: { messages: ReceivedMail[] }, to: string, count: number): Promise<ReceivedMail[]> {
  await eventually(() => expect(smtp.messages.filter((m) => m.to === to).length).toBeGreaterThanOrEqual(count));
  return smtp.messages.filter((m) => m.to === to);
}
