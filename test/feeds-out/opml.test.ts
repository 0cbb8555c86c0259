// The OPML builder on its own: plain text as written whatever it holds, validators that follow
// the categories and nothing else, read back by Python's expat.
import { describe, expect, it } from "vitest";
import type { Category } from "#src/model.js";
import { renderOpml } from "#src/feeds-out/opml.js";
import { childrenNamed, xmlTree } from "#test/support/xml-tree.js";

const site = { baseUrl: "https://news.example.com", publisherName: "Dispatch News", language: "en" };

function category(overrides: Partial<Category> = {}): Category {
  return { slug: "world", name: "World", description: "Around the globe.", updatedAt: "2026-11-24T09:00:00.250Z", ...overrides };
}

async function outlines(body: Buffer) {
  return childrenNamed(childrenNamed(await xmlTree(body), "body")[0]!, "outline").map((o) => o.attrs);
}

describe("the OPML list of feeds", () => {
  it.each([
    { what: "markup and entities", name: "Tom & Jerry <b>", description: `"Cat" & 'mouse' &amp;` },
    { what: "line breaks and tabs", name: "Two\tparts", description: "Line one\nline two\r\nthree" },
    { what: "characters XML cannot hold, dropped", name: "Bell\u0007 here", description: "Null\u0000 here", shown: ["Bell here", "Null here"] },
  ])("keeps category names and descriptions as written: $what", async ({ name, description, shown = [name, description] }) => {
    const [, outline] = await outlines(renderOpml(site, [category({ name, description })]).body);
    expect(outline).toMatchObject({ text: `Dispatch News: ${shown[0]}`, title: `Dispatch News: ${shown[0]}`, description: shown[1] });
  });

  it("lists the all-stories feed alone when there is no category, with a stable date", async () => {
    const opml = renderOpml(site, []);
    expect(await outlines(opml.body)).toEqual([
      {
        type: "rss",
        version: "RSS",
        text: "Dispatch News: all stories",
        title: "Dispatch News: all stories",
        description: "Every category, newest first",
        xmlUrl: "https://news.example.com/feeds/all.rss",
        htmlUrl: "https://news.example.com/",
        language: "en",
      },
    ]);
    expect(opml.lastModified).toBe(new Date(0).toUTCString());
  });

  it("dates the list by the newest category change, in whole seconds", () => {
    const opml = renderOpml(site, [category(), category({ slug: "us-news", updatedAt: "2026-11-25T10:00:00.900Z" })]);
    expect([opml.lastModified, opml.lastModifiedSeconds]).toEqual(["Wed, 25 Nov 2026 10:00:00 GMT", Date.parse("2026-11-25T10:00:00Z") / 1000]);
  });

  it("keeps its ETag while the categories stay the same, and changes it when one changes", () => {
    const etag = (categories: Category[]) => renderOpml(site, categories).etag;
    expect(etag([category()])).toBe(etag([category()]));
    expect(etag([category({ name: "World news" })])).not.toBe(etag([category()]));
    expect(etag([category()])).not.toBe(etag([category(), category({ slug: "us-news", name: "US News" })]));
  });
});
