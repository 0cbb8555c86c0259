// Sends a digest edition through the admin API, so that the public archive has a period to show.
import { expect } from "vitest";
import { CATEGORIES, article, hoursAgo } from "#test/support/builders.js";
import { waitForEdition } from "#test/support/subscribers.js";
import type { TestApp } from "#test/support/app.js";

/** The distinctive subscriber whose address must never appear in the archive. */
export const PLANTED = { email: "zebulon.quagmire-archive@example.org", categories: ["us-news", "world"] };

/** A story older than the daily window that the archive shows only as a related story. */
export const OLDER = "Council budget history in brief";

export async function sendArchivedEdition(app: Pick<TestApp, "admin">, titles: string[]): Promise<{ id: number; period: string }> {
  for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  for (const title of titles) {
    const response = await app.admin("/api/articles", { method: "POST", json: article({ title, category: title.includes("abroad") ? "world" : "us-news" }) });
    expect(response.status).toBe(201);
  }
  // Too old for a daily digest, recent enough to be a related story.
  const older = article({ title: OLDER, publishedAt: hoursAgo(100), updatedAt: hoursAgo(100) });
  expect((await app.admin("/api/articles", { method: "POST", json: older })).status).toBe(201);
  const imported = await app.admin("/api/subscribers", {
    method: "POST",
    json: { ...PLANTED, frequency: "daily", timezone: "UTC", confirmed: true, consentSource: "archive test" },
  });
  expect(imported.status).toBeLessThan(300);
  const { id } = await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json();
  const edition = await waitForEdition(app.admin, id);
  expect(edition.counts.sent).toBe(1);
  return { id, period: edition.period };
}
