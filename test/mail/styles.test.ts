// The emails as a reader's client opens them: the shared head applies (a system font stack and a
// readable line height), and nothing is fetched from a host other than ours and the articles' own.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileMjml, createEmailTemplates } from "#src/mail/render.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { foreignHosts, referencedHosts } from "#test/support/hosts.js";

const BASE_URL = "https://news.example.com";
const ARTICLE_HOSTS = ["stories.example.org", "img.example.net"];
const SYSTEM_FONTS = "font-family:-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";

const links = { viewUrl: `${BASE_URL}/digest/view?t=1`, preferencesUrl: `${BASE_URL}/preferences?token=t`, unsubscribeUrl: `${BASE_URL}/unsubscribe?token=t` };

const digestView = {
  subject: "Daily digest: One",
  preheader: "Two",
  frequencyLabel: "Daily",
  dateLabel: "Wednesday, November 25, 2026",
  publisherName: "Dispatch News",
  publisherAddress: "1 Main St",
  ...links,
  sections: [
    {
      category: "World",
      stories: [
        {
          title: "One",
          url: "https://stories.example.org/one",
          summary: "A summary long enough to wrap onto a second line in most clients.",
          author: "Jane Doe",
          image: { url: "https://img.example.net/one.jpg", alt: "A picture", credit: "Reuters" },
          related: [{ title: "Two", url: "https://stories.example.org/two" }],
        },
      ],
    },
  ],
};

const confirmView = {
  publisherName: "Dispatch News",
  publisherAddress: "1 Main St",
  heading: "Confirm your subscription",
  intro: "One click and you are in.",
  actionUrl: `${BASE_URL}/confirm?token=t`,
  actionLabel: "Confirm",
  note: "If you did not ask for this, ignore this email.",
  categoryNames: "World",
  frequency: "daily",
  sendHour: 7,
  timezone: "UTC",
  ...links,
};

async function render(name: "digest" | "confirm"): Promise<string> {
  const template = await createEmailTemplates(TEMPLATES_DIR).get(name);
  return template.html(name === "digest" ? digestView : confirmView);
}

describe.each(["digest", "confirm"] as const)("the %s email's styles", (name) => {
  it("references no host but ours and the articles' (no web font, no stylesheet from elsewhere)", async () => {
    const html = await render(name);
    expect(foreignHosts(html, [BASE_URL, ...ARTICLE_HOSTS])).toEqual([]);
    expect(referencedHosts(html)).toContain("news.example.com");
    expect(html).not.toContain("fonts.googleapis.com");
    expect(html).not.toMatch(/@import|<link\b/i);
  });

  it("sets its text in the system font stack with a readable line height and colour", async () => {
    const html = await render(name);
    const texts = [...html.matchAll(/<div style="(font-family:[^"]*)">/g)].map((m) => m[1]!);
    expect(texts.length).toBeGreaterThan(3);
    expect(texts.filter((s) => s.startsWith(SYSTEM_FONTS)).length).toBeGreaterThan(2);
    expect(html).not.toMatch(/Ubuntu/);
    for (const style of texts) {
      // MJML's own default is line-height:1, which sets paragraphs solid.
      expect(Number(/line-height:([\d.]+)/.exec(style)?.[1]), style).toBeGreaterThanOrEqual(1.25);
      expect(style).not.toContain("color:#000000");
    }
    expect(html).toContain("line-height:1.55");
  });
});

it("keeps the digest's own head beside the shared one: its title, preview text and styles", async () => {
  const html = await render("digest");
  expect(html).toContain("<title>Daily digest: One</title>");
  expect(html).toMatch(/<div style="display:none;[^"]*">Two<\/div>/);
  expect(html).toContain('<a href="https://stories.example.org/one" style="color: #1b1b1b; text-decoration: none;">One</a>');
});

describe("compiling email templates", () => {
  it("never links MJML's web fonts, even for a font stack that names one", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "dispatch-tpl-")), "roboto.mjml");
    writeFileSync(
      file,
      '<mjml><mj-body><mj-section><mj-column><mj-text font-family="Roboto, Arial, sans-serif">Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
    );
    const html = await compileMjml(file);
    expect(html).toContain("font-family:Roboto, Arial, sans-serif");
    expect(referencedHosts(html)).toEqual([]);
  });
});
