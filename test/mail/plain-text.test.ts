// Plain text in a digest: the HTML part escapes it (a literal "<blink>" shows as text, never as a tag),
// the text part carries it as written.
import { describe, expect, it } from "vitest";
import { createEmailTemplates } from "#src/mail/render.js";
import { renderDigest, type DigestArticle } from "#src/digest/compose.js";
import { TEMPLATES_DIR } from "#src/paths.js";
import { TRICKY_TEXTS } from "#test/support/tricky.js";

function story(articleId: number, title: string): DigestArticle {
  return {
    articleId,
    slug: `s${articleId}`,
    title,
    summary: TRICKY_TEXTS.everything,
    category: "world",
    tags: [],
    publishedAt: "2026-11-25T06:00:00.000Z",
    views: 10,
    shares: 0,
    comments: 0,
    url: `https://news.example.com/s${articleId}`,
    author: TRICKY_TEXTS.entityLookalike,
    image: { url: "https://img.example.com/a.jpg", alt: TRICKY_TEXTS.markupWord, credit: TRICKY_TEXTS.entityLookalike },
  };
}

describe("plain text in a digest", () => {
  it("escapes it in the HTML part and keeps it as written in the text part", async () => {
    const template = await createEmailTemplates(TEMPLATES_DIR).get("digest");
    const stories = [story(1, TRICKY_TEXTS.markupWord), story(2, TRICKY_TEXTS.rtl), story(3, TRICKY_TEXTS.emoji)];
    const { view, html, text } = renderDigest(template, {
      topStories: stories,
      related: { related: () => [stories[1]!] },
      categoryNames: new Map([["world", "World & <Friends>"]]),
      frequency: "daily",
      timezone: "UTC",
      now: new Date("2026-11-25T07:00:00Z"),
      publisher: { name: "Dispatch & Sons", address: "1 <Main> St" },
      links: { viewUrl: "https://news.example.com/v", preferencesUrl: "https://news.example.com/p", unsubscribeUrl: "https://news.example.com/u" },
    });
    expect(view.subject).toBe("Daily digest: The <blink> tag turns 30");
    expect(html).not.toMatch(/<blink|<b>|<Friends>|<Main>/);
    expect(html).toContain("<title>Daily digest: The &lt;blink&gt; tag turns 30</title>");
    expect(html).toContain(">The &lt;blink&gt; tag turns 30</a>");
    expect(html).toContain('alt="The &lt;blink&gt; tag turns 30"');
    expect(html).toContain("Photo: AT&amp;amp;T");
    expect(html).toContain("Tom &amp; Jerry&#x27;s &quot;quote&quot; &lt;b&gt;");
    expect(html).toContain("World &amp; &lt;Friends&gt;");
    expect(html).toContain(TRICKY_TEXTS.rtl);
    expect(html).toContain(TRICKY_TEXTS.emoji);
    for (const line of [
      "The <blink> tag turns 30",
      "By AT&amp;T",
      TRICKY_TEXTS.everything,
      "Photo: AT&amp;T",
      "== World & <Friends> ==",
      TRICKY_TEXTS.rtl,
      TRICKY_TEXTS.emoji,
    ]) {
      expect(text).toContain(line);
    }
  });
});
