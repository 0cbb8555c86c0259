// The charset step on real feed bytes (test/fixtures/feeds-in/charset/): BOM, then HTTP header, then XML prolog.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFeed } from "#src/feeds-in/charset.js";
import { PROJECT_ROOT } from "#src/paths.js";

const fixture = (name: string) => readFileSync(path.join(PROJECT_ROOT, "test/fixtures/feeds-in/charset", name));

describe("decodeFeed", () => {
  it.each<[string, string | null, string, string]>([
    ["windows-1252-prolog.xml", null, "“Café”", "a Latin-1 prolog as Windows-1252 (curly quotes in 0x80–0x9F)"],
    ["utf8-bom.xml", null, "Café “quoted”", "UTF-8 after its byte-order mark"],
    ["utf16le-bom.xml", null, "Café “quoted”", "UTF-16 LE after its byte-order mark"],
    ["utf16be-no-bom.xml", null, "Café “quoted”", "UTF-16 BE from its first bytes, without a mark"],
    ["utf8-no-prolog.xml", null, "Café “quoted”", "UTF-8 when nothing says otherwise"],
    ["utf8-no-prolog.xml", "application/rss+xml; charset=nonsense-8", "Café “quoted”", "UTF-8 for a charset it does not know"],
    ["latin1-labelled-utf8.xml", "text/xml; charset=ISO-8859-1", "Café", "the HTTP header before the prolog"],
    ["utf8-bom.xml", "text/xml; charset=ISO-8859-1", "Café “quoted”", "the byte-order mark before the HTTP header"],
  ])("reads %s with content type %s as %s: %s", (name, contentType, title) => {
    const text = decodeFeed(fixture(name), contentType);
    expect(/<title>(.*)<\/title>/.exec(text)?.[1]).toBe(title);
    expect(text.startsWith("\uFEFF")).toBe(false);
  });
});
