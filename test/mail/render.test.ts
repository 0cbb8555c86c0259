import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileMjml, createEmailTemplates } from "#src/mail/render.js";
import { TEMPLATES_DIR } from "#src/paths.js";

describe("email templates", () => {
  it.each(["digest.mjml", "confirm.mjml"])("%s is valid under mjml's strict validation", async (file) => {
    const html = await compileMjml(path.join(TEMPLATES_DIR, file));
    expect(html).toMatch(/^<!doctype html>/i);
  });

  it("escapes what it fills in", async () => {
    const digest = await createEmailTemplates(TEMPLATES_DIR).get("digest");
    const html = digest.html({
      subject: "s",
      publisherName: "P",
      publisherAddress: "A",
      viewUrl: "https://x/v",
      preferencesUrl: "https://x/p",
      unsubscribeUrl: "https://x/u",
      sections: [
        {
          category: "World",
          stories: [{ title: '<script>alert("x")</script>', url: "https://x/a", summary: "a & b", author: null, image: null, related: [] }],
        },
      ],
    });
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("a &amp; b");
  });

  it("names the template and the problem when a template is not valid MJML", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dispatch-tpl-"));
    mkdirSync(path.join(dir, "partials"));
    writeFileSync(path.join(dir, "broken.mjml"), "<mjml><mj-body><mj-column><mj-text>x</mj-text></mj-column></mj-body></mjml>");
    writeFileSync(path.join(dir, "broken.txt.hbs"), "x");
    await expect(createEmailTemplates(dir).get("broken")).rejects.toThrow(/template broken\.mjml is not valid MJML: .*mj-column/);
  });

  it("compiles once and again only when the file changes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dispatch-tpl-"));
    const mjml = (word: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${word} {{name}}</mj-text></mj-column></mj-section></mj-body></mjml>`;
    writeFileSync(path.join(dir, "t.mjml"), mjml("Hello"));
    writeFileSync(path.join(dir, "t.txt.hbs"), "Hi {{name}}");
    const templates = createEmailTemplates(dir);
    const first = await templates.get("t");
    expect(await templates.get("t")).toBe(first);
    expect(first.html({ name: "Ann" })).toContain("Hello Ann");
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path.join(dir, "t.mjml"), mjml("Goodbye"));
    const second = await templates.get("t");
    expect(second).not.toBe(first);
    expect(second.html({ name: "Ann" })).toContain("Goodbye Ann");
    expect(second.text({ name: "Ann" })).toBe("Hi Ann");
  });
});
