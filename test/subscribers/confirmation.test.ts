import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { createEmailTemplates } from "#src/mail/render.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { useTestApp } from "#test/support/app.js";
import { CATEGORIES } from "#test/support/builders.js";
import { eventually } from "#test/support/eventually.js";

describe("the confirmation email template", () => {
  it("uses the shared head and footer: palette, publisher, address, preferences and unsubscribe links", async () => {
    const template = await createEmailTemplates(TEMPLATES_DIR).get("confirm");
    const data = {
      publisherName: "Springfield Ledger",
      publisherAddress: "12 Elm Street, Springfield",
      heading: "Confirm your subscription",
      intro: "Hello <there>",
      actionUrl: "https://news.example.com/confirm?token=a.b",
      actionLabel: "Confirm my subscription",
      preferencesUrl: "https://news.example.com/preferences?token=p.q",
      unsubscribeUrl: "https://news.example.com/unsubscribe?token=u.v",
    };
    const html = template.html(data);
    expect(html).toContain("#1d3557");
    expect(html).toContain("Georgia");
    expect(html).toContain("Springfield Ledger, 12 Elm Street, Springfield");
    expect(html).toContain("Hello &lt;there&gt;");
    expect(html).toMatch(/href="https:\/\/news.example.com\/preferences\?token(=|&#x3D;)p.q"/);
    expect(html).toMatch(/href="https:\/\/news.example.com\/unsubscribe\?token(=|&#x3D;)u.v"/);
    const text = template.text(data);
    expect(text).toContain("Confirm my subscription: https://news.example.com/confirm?token=a.b");
    expect(text).toContain("Unsubscribe: https://news.example.com/unsubscribe?token=u.v");
  });
});

describe("confirmation email without SMTP", () => {
  const app = useTestApp("sqlite");
  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });

  it("lands in DATA_DIR/outbox as an .eml file with a working link", async () => {
    const response = await fetch(`${app.url}/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "outbox@example.com", categories: ["world"], timezone: "Europe/Kyiv" }),
    });
    expect(response.status).toBe(202);
    const outbox = path.join(app.database.dataDir, "outbox");
    // A message is written aside as .eml.part, then renamed: only .eml files are whole.
    const whole = () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith(".eml")) : []);
    await eventually(() => expect(whole().length).toBeGreaterThan(0), 5000);
    const [file] = whole();
    const mail = await simpleParser(readFileSync(path.join(outbox, file!)));
    expect(mail.to && "text" in mail.to ? mail.to.text : "").toBe("outbox@example.com");
    expect(mail.from?.text).toBe('"Dispatch News" <digest@localhost>');
    expect(mail.text).toContain("(Europe/Kyiv)");
    expect(String(mail.html)).toContain("<title>Confirm your subscription to Dispatch News</title>");
    const link = /https?:\/\/\S+\/confirm\?token=\S+/.exec(mail.text ?? "")![0];
    expect((await fetch(link)).status).toBe(200);
    expect(await (await app.admin("/api/subscribers/outbox@example.com")).json()).toMatchObject({ status: "active", timezone: "Europe/Kyiv" });
  });

  it("offers time zones under their current IANA names", async () => {
    const options = [...(await (await fetch(`${app.url}/`)).text()).matchAll(/<option(?: selected)?>([^<]+)<\/option>/g)].map((m) => m[1]);
    expect(options).toEqual(expect.arrayContaining(["UTC", "Europe/Kyiv", "Asia/Kolkata", "Asia/Ho_Chi_Minh", "America/Chicago"]));
    expect(options).not.toEqual(expect.arrayContaining(["Europe/Kiev"]));
    expect(options.filter((o) => ["Europe/Kiev", "Asia/Calcutta", "Asia/Saigon"].includes(o!))).toEqual([]);
  });
});
