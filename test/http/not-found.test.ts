// Unknown pages: a browser gets an HTML page, an API client the JSON error. And /favicon.ico exists.
import { afterAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { request } from "#test/support/http.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

describe("unknown pages and the favicon", () => {
  const app = useTestApp("sqlite");

  afterAll(async () => {});

  it("shows a browser an HTML not-found page that names the path, escaped", async () => {
    const page = await request(`${app.url}/no/such/<page>`, { headers: { accept: BROWSER } });
    expect(page.status).toBe(404);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers.vary).toMatch(/Accept/);
    expect(page.text).toContain("<title>Page not found · Dispatch News</title>");
    expect(page.text).toContain("<h1>Page not found</h1>");
    expect(page.text).toContain("<code>/no/such/%3Cpage%3E</code>");
    expect(page.text).toContain(`<a href="/">Go to the home page</a>`);
  });

  it.each([
    ["an API client asking for JSON", "/no-such-page", "application/json"],
    ["a client that takes anything", "/no-such-page", "*/*"],
    ["a client that sends no Accept", "/no-such-page", undefined],
    ["a browser on an /api path", "/api/no-such-thing", BROWSER],
  ])("keeps the JSON error for %s", async (_who, path, accept) => {
    const response = await request(`${app.url}${path}`, accept ? { headers: { accept } } : {});
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(response.text)).toEqual({ error: `no route for GET ${path}` });
  });

  it("serves a real icon at /favicon.ico, cached, with conditional GET", async () => {
    const icon = await request(`${app.url}/favicon.ico`, { headers: { accept: "image/avif,image/webp,*/*" } });
    expect(icon.status).toBe(200);
    expect(icon.headers["content-type"]).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)$/);
    expect(icon.headers["cache-control"]).toBe("public, max-age=604800");
    // An ICO directory: reserved 0, type 1 (icon), then at least one image of 16 or 32 pixels.
    expect([icon.body.readUInt16LE(0), icon.body.readUInt16LE(2)]).toEqual([0, 1]);
    const count = icon.body.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => icon.body[6 + i * 16]);
    expect(sizes).toContain(32);
    const again = await request(`${app.url}/favicon.ico`, { headers: { "if-none-match": icon.headers.etag! } });
    expect(again.status).toBe(304);
  });
});
