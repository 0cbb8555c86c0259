// Strangers' HTML: no XSS vector survives, links are marked and untracked, pixels go.
import { describe, expect, it } from "vitest";
import { sanitizePartnerHtml } from "#src/feeds-in/sanitize.js";
import { sanitizeBody } from "#src/articles/sanitize.js";

const BASE = "https://partner.example/news/";

// Each vector would run script, load a frame, submit a form or smuggle a URL scheme if it survived.
const XSS_VECTORS = [
  `<script>alert(1)</script>`,
  `<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>`,
  `<img src=x onerror=alert(1)>`,
  `<img src="javascript:alert(1)">`,
  `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
  `<a href="javascript:alert(1)">x</a>`,
  `<a href="JaVaScRiPt:alert(1)">x</a>`,
  `<a href="jav&#x09;ascript:alert(1)">x</a>`,
  `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
  `<a href="data:text/html,<script>alert(1)</script>">x</a>`,
  `<a href="vbscript:msgbox(1)">x</a>`,
  `<svg onload=alert(1)><circle/></svg>`,
  `<iframe src="https://evil.example/"></iframe>`,
  `<object data="https://evil.example/x.swf"></object>`,
  `<embed src="https://evil.example/x.swf">`,
  `<form action="https://evil.example/"><input name=q><button>go</button></form>`,
  `<style>body{background:url(javascript:alert(1))}</style>`,
  `<p style="background:url(javascript:alert(1))">styled</p>`,
  `<div onclick="alert(1)" onmouseover="alert(1)">hover</div>`,
  `<body onload=alert(1)>`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<link rel=stylesheet href="https://evil.example/x.css">`,
  `<base href="https://evil.example/">`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
  `<a href="#" formaction="javascript:alert(1)">x</a>`,
  `<img src="x" srcset="javascript:alert(1) 2x">`,
  `<video><source onerror="alert(1)"></video>`,
  `<details open ontoggle=alert(1)>`,
  `<template><script>alert(1)</script></template>`,
];

describe("partner HTML sanitizing", () => {
  it.each(XSS_VECTORS)("neutralises %s", (vector) => {
    // Twice, as a pull does: our partner rules, then the article service's own pass.
    const clean = sanitizeBody(sanitizePartnerHtml(`<p>before</p>${vector}<p>after</p>`, BASE));
    expect(clean).not.toMatch(/<script|<iframe|<object|<embed|<form|<input|<style|<svg|<meta|<link|<base|<math|<video|<details|<template/i);
    expect(clean).not.toMatch(/\son\w+\s*=/i);
    expect(clean).not.toMatch(/javascript:|vbscript:|data:/i);
    expect(clean).not.toMatch(/style=/i);
    expect(clean).toContain("<p>before</p>");
  });

  it("resolves links, marks them noopener nofollow and strips utm_* and click ids", () => {
    const clean = sanitizePartnerHtml(`<a href="../story?utm_source=x&utm_medium=y&id=4&fbclid=abc" target="_blank" onclick="x()">s</a>`, BASE);
    expect(clean).toBe(`<a href="https://partner.example/story?id=4" rel="noopener nofollow">s</a>`);
  });

  it.each([
    [`<img src="https://t.example/p.gif" width="1" height="1">`],
    [`<img src="https://t.example/p.gif" width="0" height="0">`],
    [`<img src="https://t.example/p.gif" style="width:1px;height:1px">`],
  ])("drops the tracking pixel %s", (pixel) => {
    expect(sanitizePartnerHtml(`<p>x${pixel}</p>`, BASE)).toBe("<p>x</p>");
  });

  it("keeps a real image, made absolute, without srcset", () => {
    expect(sanitizePartnerHtml(`<img src="/a.jpg?utm_source=x" srcset="/b.jpg 2x" alt="A" width="600" height="400">`, BASE)).toBe(
      `<img src="https://partner.example/a.jpg" alt="A" width="600" height="400" />`,
    );
  });
});
