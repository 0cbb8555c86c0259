// The host lister other tests rely on: it must see every way HTML and CSS name a URL.
import { describe, expect, it } from "vitest";
import { foreignHosts, referencedHosts } from "#test/support/hosts.js";

describe("referencedHosts", () => {
  it("finds hosts in href, src, srcset, CSS url(), @import and protocol-relative URLs", () => {
    const html = `<!doctype html><html><head>
      <link href="https://fonts.googleapis.com/css?family=Ubuntu" rel="stylesheet">
      <style>@import url(https://import-url.example/a.css); @import "https://import-string.example/b.css";
        body { background: url('https://css-bg.example/bg.png') }</style></head>
      <body background="https://attr-bg.example/x.png">
      <a href='https://Link.Example/page?a=1&amp;b=2'>x</a><img src=https://img.example/a.jpg alt="">
      <img srcset="https://set-one.example/a.jpg 1x, //set-two.example/b.jpg 2x">
      <div style="background-image:url(&quot;https://inline.example/c.png&quot;)"></div>
      <a href="/relative">r</a><a href="mailto:someone@mail.example">m</a><a href="#top">t</a></body></html>`;
    expect(referencedHosts(html)).toEqual(
      [
        "attr-bg.example",
        "css-bg.example",
        "fonts.googleapis.com",
        "img.example",
        "import-string.example",
        "import-url.example",
        "inline.example",
        "link.example",
        "set-one.example",
        "set-two.example",
      ].sort(),
    );
  });

  it("lists only the hosts not allowed, given as hosts or as URLs", () => {
    const html = `<a href="https://news.example.com/a"></a><img src="https://cdn.example/i.png"><link href="https://fonts.googleapis.com/x">`;
    expect(foreignHosts(html, ["https://news.example.com", "cdn.example"])).toEqual(["fonts.googleapis.com"]);
  });
});
