import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { BACKENDS } from "#test/support/backends.js";
import { useTestApp } from "#test/support/app.js";
import { signIn } from "#test/support/admin.js";
import { CATEGORIES } from "#test/support/builders.js";
import { csvImportReportShape } from "#src/http/openapi/shapes.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/csv/${name}`, import.meta.url), "utf8");

describe.each(BACKENDS)("subscriber lists in and out as CSV on %s", (backend) => {
  const app = useTestApp(backend);
  const importCsv = (body: string, query = "") =>
    app.admin(`/api/subscribers/import${query}`, { method: "POST", headers: { "content-type": "text/csv" }, body });
  const subscriber = async (email: string) => (await app.admin(`/api/subscribers/${encodeURIComponent(email)}`)).json();
  const counts = (created: number, updated: number, unchanged: number, invalid: number, keptSuppressed: number) => ({
    created,
    updated,
    unchanged,
    invalid,
    keptSuppressed,
  });

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });

  it("reports a dry run of Mailchimp's export and writes nothing", async () => {
    const response = await importCsv(fixture("mailchimp-subscribed.csv"), "?dryRun=true");
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toMatchObject({ dryRun: true, rows: 4, counts: counts(3, 0, 0, 1, 0) });
    expect(csvImportReportShape.strict().safeParse(report).error).toBeUndefined();
    // Dev's row names no category and none was given as a default.
    expect(report.errors).toEqual([
      { line: 5, email: "dev@example.com", error: expect.stringMatching(/categories/), fields: { categories: expect.any(String) } },
    ]);
    expect((await app.admin("/api/subscribers/ana@example.com")).status).toBe(404);
  });

  it("imports Mailchimp's subscribed export unchanged, as active subscribers with their consent and tags", async () => {
    const report = await (await importCsv(fixture("mailchimp-subscribed.csv"), "?categories=World&consentSource=Mailchimp%20signup%20form")).json();
    expect(report).toMatchObject({ dryRun: false, rows: 4, counts: counts(4, 0, 0, 0, 0), errors: [] });
    expect(await subscriber("ana@example.com")).toMatchObject({
      status: "active",
      categories: ["us-news", "world"],
      timezone: "America/New_York",
      consent: { at: "2023-01-15T09:14:02.000Z", source: "Mailchimp signup form", confirmedAt: "2023-01-15T09:14:02.000Z" },
    });
    expect(await subscriber("dev@example.com")).toMatchObject({ categories: ["world"], timezone: "Asia/Kolkata", consent: { at: "2023-03-03T03:03:03.000Z" } });
  });

  it("applies Mailchimp's unsubscribed and cleaned exports, and never re-activates those addresses", async () => {
    const unsubscribed = await (await importCsv(fixture("mailchimp-unsubscribed.csv"))).json();
    expect(unsubscribed.counts).toEqual(counts(1, 1, 0, 0, 0));
    const cleaned = await (await importCsv(fixture("mailchimp-cleaned.csv"))).json();
    expect(cleaned.counts).toEqual(counts(1, 0, 0, 0, 0));
    expect(await subscriber("ana@example.com")).toMatchObject({ status: "unsubscribed" });
    expect(await subscriber("erin@example.com")).toMatchObject({ status: "unsubscribed", categories: ["world"] });
    expect(await subscriber("gone@example.net")).toMatchObject({ status: "suppressed", categories: [] });
    const again = await (await importCsv(fixture("mailchimp-subscribed.csv"), "?categories=world")).json();
    expect(again.counts).toEqual(counts(0, 0, 3, 0, 1));
    const listed = `email,status\nana@example.com,subscribed\ngone@example.net,active\n`;
    expect((await (await importCsv(listed)).json()).counts).toEqual(counts(0, 0, 0, 0, 2));
    expect(await subscriber("ana@example.com")).toMatchObject({ status: "unsubscribed" });
    expect(await subscriber("gone@example.net")).toMatchObject({ status: "suppressed" });
  });

  it("imports listmonk's export unchanged, its blocklisted address as suppressed", async () => {
    const report = await (await importCsv(fixture("listmonk-subscribers.csv"), "?categories=us-news")).json();
    expect(report).toMatchObject({ rows: 3, counts: counts(3, 0, 0, 0, 0) });
    expect(await subscriber("kiran@example.org")).toMatchObject({
      status: "active",
      categories: ["us-news"],
      consent: { at: "2024-03-02T10:11:12.345Z", source: "csv import" },
    });
    expect(await subscriber("lena@example.org")).toMatchObject({ consent: { at: "2023-12-24T17:00:00.000Z" } });
    expect(await subscriber("spam@example.org")).toMatchObject({ status: "suppressed" });
  });

  it("reports bad rows by the line they start on, counting the lines of quoted cells, and imports the rest", async () => {
    const csv = [
      "E-mail,Groups,Time zone,Frequency",
      'first@example.com,"World;',
      'US News",UTC,weekly',
      "not-an-address,World,UTC,daily",
      "",
      "third@example.com,Sports|World,Mars/Olympus,hourly",
      "fourth@example.com,us-military,,",
    ].join("\r\n");
    const report = await (await importCsv(csv)).json();
    expect(report.counts).toEqual(counts(2, 0, 0, 2, 0));
    expect(report.errors).toEqual([
      { line: 4, email: "not-an-address", error: expect.stringMatching(/^subscriber: email: must be an email address/), fields: { email: expect.any(String) } },
      {
        line: 6,
        email: "third@example.com",
        error: expect.stringMatching(/categories: no category named "Sports"/),
        fields: { categories: 'no category named "Sports"', timezone: expect.stringMatching(/IANA/), frequency: expect.stringMatching(/daily/) },
      },
    ]);
    expect(await subscriber("first@example.com")).toMatchObject({ categories: ["world", "us-news"], frequency: "weekly" });
  });

  it("lists the first 100 row errors and counts the others", async () => {
    const rows = Array.from({ length: 130 }, (_, i) => `bad-${i},World`);
    const report = await (await importCsv(["email,categories", ...rows].join("\n"), "?dryRun=1")).json();
    expect(report.counts.invalid).toBe(130);
    expect(report.errors).toHaveLength(100);
    expect(report.errors.at(-1).line).toBe(101);
    expect(report.moreErrors).toBe(30);
  });

  it("refuses a file with no email column and unknown default categories; reports a row it cannot read", async () => {
    const noEmail = await importCsv("name,city\nAna,Lisbon\n");
    expect(noEmail.status).toBe(400);
    expect((await noEmail.json()).error).toMatch(/line 1: no email column/);
    const unknown = await importCsv("email\nx@example.com\n", "?categories=sports");
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).fields).toEqual({ categories: 'no category named "sports"' });
    const broken = await importCsv('email,categories\nok@example.com,world\nnext@example.com,world\nopen@example.com,"world\nlost@example.com,world\n');
    expect(broken.status).toBe(200);
    const report = await broken.json();
    expect(report.counts).toEqual(counts(2, 0, 0, 1, 0));
    expect(report.errors).toEqual([{ line: 4, email: null, error: expect.stringMatching(/^csv: Quote Not Closed/), fields: { csv: expect.any(String) } }]);
    expect((await app.admin("/api/subscribers/ok@example.com")).status).toBe(200);
  });

  it("keeps the JSON form of the import", async () => {
    const response = await app.admin("/api/subscribers/import", {
      method: "POST",
      json: { subscribers: [{ email: "json@example.com", categories: ["world"] }] },
    });
    expect(await response.json()).toMatchObject({ created: 1, updated: 0, errors: [] });
  });

  it("needs the admin key for both directions", async () => {
    expect((await fetch(`${app.url}/api/subscribers.csv`)).status).toBe(401);
    expect((await fetch(`${app.url}/api/subscribers/import`, { method: "POST", headers: { "content-type": "text/csv" }, body: "email\n" })).status).toBe(401);
  });

  it("exports every subscriber as CSV with formula cells guarded, and the export imports back unchanged", async () => {
    const guarded = await (await importCsv('email,categories,consent source\n-dash@example.com,world,"=HYPERLINK(""http://evil.example"")"\n')).json();
    expect(guarded.counts).toMatchObject({ created: 1 });
    const response = await app.admin("/api/subscribers.csv");
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="subscribers.csv"/);
    const text = await response.text();
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual([
      "email",
      "status",
      "categories",
      "frequency",
      "timezone",
      "send_hour",
      "consent_at",
      "consent_source",
      "created_at",
    ]);
    expect(rows.find((r) => r.email === "'-dash@example.com")).toMatchObject({ consent_source: '\'=HYPERLINK("http://evil.example")', status: "active" });
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@]/);
    expect(rows.find((r) => r.email === "ana@example.com")).toMatchObject({
      status: "unsubscribed",
      categories: "us-news",
      consent_at: "2023-01-15T09:14:02.000Z",
    });
    const again = await (await importCsv(text)).json();
    expect(again.counts).toEqual(counts(0, 0, rows.length, 0, 0));
    expect(await subscriber("-dash@example.com")).toMatchObject({ consent: { source: '=HYPERLINK("http://evil.example")' } });
  });

  it("imports an uploaded file from the dashboard's form, with its CSRF token, and shows the report", async () => {
    const { session } = await signIn(app.url);
    const upload = (fields: Record<string, string>, csv = fixture("listmonk-subscribers.csv")) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append("file", new Blob([csv], { type: "text/csv" }), "listmonk.csv");
      return fetch(`${app.url}/admin/subscribers/import`, { method: "POST", headers: { cookie: session.cookie }, body: form });
    };
    const dashboard = await (await fetch(`${app.url}/admin`, { headers: { cookie: session.cookie } })).text();
    expect(dashboard).toContain('enctype="multipart/form-data"');
    expect((await upload({ dryRun: "true", categories: "world" })).status).toBe(403);
    const csv = 'email,lists\nupload@example.com,World\n"not,mail",World\n';
    const imported = await upload({ _csrf: session.csrf, dryRun: "false", categories: "", consentSource: "" }, csv);
    expect(imported.status).toBe(200);
    const page = await imported.text();
    expect(page).toMatch(/<h1>List imported<\/h1>/);
    expect(page).toMatch(/<div data-count="created"><strong>1<\/strong>created<\/div>/);
    expect(page).toMatch(/<td class="n">3<\/td><td>not,mail<\/td>/);
    expect(await subscriber("upload@example.com")).toMatchObject({ status: "active", categories: ["world"], consent: { source: "csv import" } });
  });
});
