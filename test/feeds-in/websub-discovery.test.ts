// Which hub and topic a pulled feed advertises (WebSub discovery).
import { describe, expect, it } from "vitest";
import { discoverHub } from "#src/feeds-in/websub-discovery.js";

const base = "https://partner.example/feeds/news.xml";

describe("WebSub discovery", () => {
  it("reads RSS atom:link elements, resolving them against the feed's address", () => {
    const rss = `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
      <atom:link rel="self" href="/feeds/news.xml?a=1&amp;b=2"/><atom:link href='https://hub.example/' rel='hub'/>
      <item><title>x</title></item></channel></rss>`;
    expect(discoverHub(rss, null, base)).toEqual({ hub: "https://hub.example/", topic: "https://partner.example/feeds/news.xml?a=1&b=2" });
  });

  it("prefers the Link header, and ignores links inside entries", () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self" href="https://partner.example/a.xml"/>
      <entry><link rel="hub" href="https://entry-hub.example/"/></entry></feed>`;
    expect(discoverHub(atom, null, base)).toBeNull();
    const header = '<https://hub.example/h>; rel="hub", <https://partner.example/topic>; rel="self"';
    expect(discoverHub(atom, header, base)).toEqual({ hub: "https://hub.example/h", topic: "https://partner.example/topic" });
  });

  it("reads a JSON Feed's hubs and feed_url; refuses what is not http(s)", () => {
    const json = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      feed_url: "https://partner.example/feed.json",
      hubs: [{ type: "WebSub", url: "https://hub.example/" }],
    });
    expect(discoverHub(json, null, base)).toEqual({ hub: "https://hub.example/", topic: "https://partner.example/feed.json" });
    expect(discoverHub('<feed><link rel="hub" href="javascript:alert(1)"/><link rel="self" href="/x"/></feed>', null, base)).toBeNull();
    expect(discoverHub("<rss><channel><title>no hub</title></channel></rss>", null, base)).toBeNull();
  });
});
