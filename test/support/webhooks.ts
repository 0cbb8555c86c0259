// Helpers for the mail providers' webhook tests: subscribers to report on, their state, raw posts.
import type { TestApp } from "#test/support/app.js";
import { insertSubscribers } from "#test/support/subscribers.js";

export interface SubscriberState {
  status: string;
  bounceCount: number;
}

/** Active daily subscribers with these addresses. */
export async function addSubscribers(app: TestApp, emails: string[]): Promise<void> {
  await insertSubscribers(
    app.store.db.kysely,
    emails.map((email) => ({ email, categories: ["world"] })),
  );
}

/** Status and bounce count, as the admin export shows them. */
export async function stateOf(app: TestApp, email: string): Promise<SubscriberState> {
  const response = await app.admin(`/api/subscribers/${encodeURIComponent(email)}`);
  if (response.status !== 200) throw new Error(`${email}: export answered ${response.status}`);
  const { status, bounceCount } = (await response.json()) as SubscriberState;
  return { status, bounceCount };
}

/** POSTs these exact bytes (a signature covers them) with the given headers. */
export function postRaw(app: TestApp, path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

/** Unix seconds, `offset` seconds from now. */
export const unixNow = (offset = 0) => Math.floor(Date.now() / 1000) + offset;

/** What a refused webhook answers: 401 with a JSON error naming the problem, and nothing applied. */
export async function expectRefused(response: Response, problem: RegExp): Promise<void> {
  const body = (await response.json()) as { error: string };
  if (response.status !== 401 || !problem.test(body.error)) throw new Error(`expected 401 matching ${problem}, got ${response.status} ${JSON.stringify(body)}`);
}
