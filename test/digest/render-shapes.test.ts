// A digest put together from its shape (filled once, a reader's links put back) is byte for byte the
// message the template filled for that reader alone gives; a template whose output depends on a link
// otherwise is filled per reader.
import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createEmailTemplates, type CompiledEmail } from "#src/mail/render.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { composeMail, type MailIdentity } from "#src/mail/compose.js";
import { contentOf, renderJob, type RenderJob, type RenderOptions } from "#src/digest/render-batch.js";
import { renderShaped } from "#src/digest/render-shapes.js";
import { candidateRow } from "#test/support/digest.js";
import { renderDigest, type ComposeInput } from "#src/digest/compose.js";

const NOW = new Date("2026-11-25T12:00:00.000Z");
const FIXED = { date: NOW, boundary: "--_NmP-0123456789abcdef-Part_1" };
const OPTIONS: RenderOptions = { publisher: { name: "The Daily Example", address: "1 Example Street, Springfield" }, relatedCount: 3 };

const content = contentOf({
  rows: Array.from({ length: 20 }, (_, i) => candidateRow(i + 1, NOW)),
  categoryNames: [
    ["world", "World"],
    ["us-news", "US News"],
  ],
  now: NOW.toISOString(),
  baseUrl: "https://news.example.com",
});

/** Reader `n`'s digest of these stories: links of every length (so every start within a base64 line), with characters HTML escapes. */
function job(n: number, articleIds: number[], timezone = "UTC"): RenderJob {
  const token = "t".repeat(n % 61) + String(n);
  return {
    articleIds,
    frequency: "daily",
    timezone,
    links: {
      viewUrl: `https://news.example.com/digest/view?edition=3&token=${token}`,
      preferencesUrl: `https://news.example.com/preferences?token=${token}&a='b'`,
      unsubscribeUrl: `https://news.example.com/unsubscribe?token=${token}=`,
    },
    message: { to: `reader${n}@example.com`, messageId: `<3.${n}@news.example.com>`, headers: { "List-Id": "Daily <daily.news.example.com>" } },
  };
}

function input(j: RenderJob): ComposeInput {
  return {
    topStories: j.articleIds.map((id) => content.byId.get(id)!),
    related: content.relator,
    categoryNames: content.categoryNames,
    frequency: j.frequency,
    timezone: j.timezone,
    now: NOW,
    publisher: OPTIONS.publisher,
    links: j.links,
    relatedCount: OPTIONS.relatedCount,
  };
}

const key = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const IDENTITIES: Array<[string, MailIdentity]> = [
  ["plain", { from: "Dispatch <digest@news.example.com>" }],
  ["DKIM-signed", { from: "Dispatch <digest@news.example.com>", dkim: { domainName: "news.example.com", keySelector: "s1", privateKey: key } }],
  ["8bit", { from: "Dispatch <digest@news.example.com>", eightBit: true }],
];

describe("digests put together from their shape", () => {
  let template: CompiledEmail;
  beforeAll(async () => {
    template = await createEmailTemplates(TEMPLATES_DIR).get("digest");
  });

  it.each(IDENTITIES)("composes the same %s message as a digest filled for its reader alone", async (_name, identity) => {
    const shapes = [[1, 2, 3], [4, 5], [2, 6, 7, 8], [9]];
    for (let n = 0; n < 160; n++) {
      const j = job(n, shapes[n % shapes.length]!, n % 5 ? "UTC" : "Asia/Tokyo");
      const alone = renderJob(template, content, j, OPTIONS, NOW);
      const shaped = renderShaped(template, input(j), content, identity.eightBit !== true);
      const expected = await composeMail(identity, { ...j.message, ...alone }, FIXED);
      const actual = await composeMail(identity, { ...j.message, ...shaped }, FIXED);
      expect(Buffer.from(actual.raw).toString("latin1"), `reader ${n}`).toBe(Buffer.from(expected.raw).toString("latin1"));
    }
  });

  it("hands the composer the HTML as bytes from a shape's third digest on, unless the message may go 8bit", () => {
    const [first, second, third] = [100, 101, 102].map((n) => renderShaped(template, input(job(n, [11, 12])), content, true));
    const eightBit = renderShaped(template, input(job(103, [11, 12])), content, false);
    expect(typeof first!.html).toBe("string");
    expect(typeof second!.html).toBe("string");
    expect(third!.html).toHaveProperty("utf8");
    expect((third!.html as { encoded: unknown[] }).encoded.length).toBeGreaterThan(0);
    expect(typeof eightBit.html).toBe("string");
  });

  it("fills a digest that shares its shape with no other once, as without shapes", () => {
    let fills = 0;
    const counting: CompiledEmail = { html: (d) => (fills++, template.html(d)), text: (d) => template.text(d) };
    for (let n = 0; n < 12; n++) renderShaped(counting, input(job(200 + n, [n + 1, n + 3, n + 5])), content, true);
    expect(fills).toBe(12);
  });

  it.each([
    ["encodes a link", (d: { unsubscribeUrl: string }) => `<a href="/u?to=${encodeURIComponent(d.unsubscribeUrl)}">Unsubscribe</a>`],
    ["measures a link", (d: { unsubscribeUrl: string }) => `<p>${"x".repeat(80)} ${d.unsubscribeUrl.length}</p>`],
  ])("fills per reader a template that %s", (_name, html) => {
    const hand: CompiledEmail = { html: (d) => html(d as { unsubscribeUrl: string }), text: () => "Hello" };
    for (const n of [1, 2, 1234567, 3]) {
      const view = input(job(n, [1, 2]));
      const shaped = renderShaped(hand, view, content, true);
      expect(shaped.html).toBe(renderDigest(hand, view).html);
    }
  });
});
