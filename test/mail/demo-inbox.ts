// A reader's inbox on the demo newsroom: subscribes through the form, confirms from the emailed link,
// and receives a daily digest, all through the running app and a real SMTP server.
import { expect } from "vitest";
import type { TestApp } from "#test/support/app.js";
import type { ReceivedMail, TestSmtp } from "#test/support/smtp.js";
import { formSession, linksIn, postForm, waitForEdition } from "#test/support/subscribers.js";

export interface DemoInbox {
  confirmation: ReceivedMail;
  digest: ReceivedMail;
  links: ReturnType<typeof linksIn>;
  /** The digest's "View in your browser" link. */
  viewUrl: string;
}

export async function demoInbox(app: TestApp, smtp: TestSmtp, email: string): Promise<DemoInbox> {
  const { cookie, csrf } = await formSession(`${app.url}/`);
  const categories = ["world", "us-military", "science"].map((slug): [string, string] => ["categories", slug]);
  expect((await postForm(`${app.url}/subscribe`, [["email", email], ...categories, ["_csrf", csrf]], cookie)).status).toBe(200);
  const confirmation = await smtp.waitFor(email);
  const links = linksIn(confirmation);
  // The link is on BASE_URL, which may name the public host rather than this test's port.
  const confirm = new URL(links.confirm!);
  expect((await fetch(new URL(confirm.pathname + confirm.search, app.url))).status).toBe(200);
  const { id } = (await (await app.admin("/api/editions", { method: "POST", json: { frequency: "daily" } })).json()) as { id: number };
  await waitForEdition(app.admin, id);
  const digest = smtp.messages.find((m) => m.to === email && m !== confirmation);
  if (!digest) throw new Error(`demoInbox: edition ${id} sent no digest to ${email}`);
  const viewUrl = /View in your browser: (\S+)/.exec(digest.parsed.text ?? "")?.[1] ?? "";
  return { confirmation, digest, links, viewUrl };
}
