// toPlainText reads HTML with htmlparser2 alone, and skips the parser for text with no markup and no
// entity: the outcome must be what sanitize-html with no tag allowed gives, whatever the text
// (checked against sanitize-html itself on many generated strings).
import { decodeHTML } from "entities";
import sanitizeHtml from "sanitize-html";
import { describe, expect, it } from "vitest";
import { firstWords, toPlainText } from "#src/articles/sanitize.js";
import { seededRandom } from "#test/support/random.js";

/** What toPlainText gives through the parser, for any input. */
function throughParser(html: string): string {
  const text = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, nonTextTags: ["script", "style", "textarea", "noscript"] });
  return decodeHTML(text).replace(/\s+/g, " ").trim();
}

/** A small seeded generator, so a failure names a string that can be found again. */
function strings(count: number, alphabet: string[], seed = 7): string[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""));
}

const PLAIN = [
  "a",
  "Z",
  "é",
  "日本",
  "😀",
  "\ud800",
  "0",
  " ",
  "  ",
  "\t",
  "\n",
  "\r\n",
  "\u00a0",
  "\u2028",
  "\u0000",
  ">",
  '"',
  "'",
  "=",
  "/",
  "!",
  "-",
  "]]>",
  ";",
  "#",
  "x",
];

describe("firstWords", () => {
  it("gives the first words of any text, with an ellipsis when there are more", () => {
    const split = (text: string, count: number) => {
      const words = text.split(/\s+/).filter(Boolean);
      return words.length <= count ? words.join(" ") : `${words.slice(0, count).join(" ")}…`;
    };
    for (const [n, text] of strings(5000, ["a", "bc", " ", "\n", "\t", "\u00a0", "\u2028", "é", "😀", "-"], 31).entries())
      expect([text, firstWords(text, n % 7)]).toEqual([text, split(text, n % 7)]);
    expect(firstWords("one two  three\nfour", 3)).toBe("one two three…");
    expect(firstWords(" one two ", 2)).toBe("one two");
  });
});

describe("toPlainText", () => {
  it("gives what the parser gives for text without markup or entities", () => {
    for (const text of strings(5000, PLAIN)) expect([text, toPlainText(text)]).toEqual([text, throughParser(text)]);
  });

  it("still reads markup and entities", () => {
    const markup = [...PLAIN, "<", "&", "&amp;", "&lt;", "&nbsp;", "&#x41;", "&copy", "<p>", "</p>", "<br>", "<script>", "</script>", "<b x='1'>"];
    for (const text of strings(2000, markup, 11)) expect([text, toPlainText(text)]).toEqual([text, throughParser(text)]);
    expect(toPlainText("AT&amp;T <b>rocks</b>&nbsp; <script>x()</script>")).toBe("AT&T rocks");
  });

  it("skips what sanitize-html skips, however the elements nest", () => {
    const soup = [
      ...PLAIN.slice(0, 12),
      "&amp;",
      "&lt;b&gt;",
      "&#0;",
      "&unknown;",
      "<p>",
      "</p>",
      "<br/>",
      "<img alt='a'>",
      "<script>",
      "</script>",
      "<style>",
      "</style>",
      "<textarea>",
      "</textarea>",
      "<noscript>",
      "</noscript>",
      "<title>",
      "</title>",
      "<xmp>",
      "</xmp>",
      "<option>",
      "<select>",
      "<svg><desc>",
      "</svg>",
      "<!-- c -->",
      "<![CDATA[x]]>",
      "<!doctype html>",
      "<?xml x?>",
      "<b",
      "</",
      "<a href='x>y'>",
      "</a>",
      '<div title="a<b">',
      "</div>",
      "<NOSCRIPT>",
      "<Script>",
    ];
    for (const text of strings(20000, soup, 23)) expect([text, toPlainText(text)]).toEqual([text, throughParser(text)]);
  });
});
