// Request bodies are read only by the routes that take one, after the admin key is checked, each
// route with a limit fitted to what it takes.
import { beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "#test/support/backends.js";
import { ADMIN_KEY, useTestApp } from "#test/support/app.js";
import { article, CATEGORIES } from "#test/support/builders.js";

/** 1.9 MB of "[": costly to parse, and not JSON anyway. */
const NESTED = "[".repeat(1_900_000);

describe.each(BACKENDS)("request bodies on %s", (backend) => {
  const app = useTestApp(backend);

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const asAdmin = { authorization: `Bearer ${ADMIN_KEY}` };

  beforeAll(async () => {
    for (const c of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: c });
  });

  it("does not read a body sent to a path that takes none", async () => {
    const unknown = await post("/no/such/path", NESTED);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe("no route for POST /no/such/path");
    // One-click unsubscribe takes its token from the URL: its body is not read, whatever it is.
    const oneClick = await post("/unsubscribe?token=not-a-token", NESTED);
    expect(oneClick.status).toBe(400);
    expect(await oneClick.text()).toContain("This link does not work");
  });

  it("answers 401 on the admin API before reading the body", async () => {
    for (const path of ["/api/articles", "/api/subscribers", "/api/engagement", "/api/categories"]) {
      const response = await post(path, NESTED);
      expect(response.status, path).toBe(401);
      expect((await response.json()).error).toMatch(/admin key required/);
    }
    const huge = await post("/api/articles", "x".repeat(5_000_000));
    expect(huge.status).toBe(401);
  });

  it("reads the body once the key is good, and names a body that is not JSON", async () => {
    const response = await post("/api/articles", "[[[", asAdmin);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "request body is not valid JSON" });
  });

  it.each([
    ["/api/articles", 8 * 1024 * 1024, "8 MB"],
    ["/api/categories", 100 * 1024, "100 kB"],
    ["/api/subscribers", 4 * 1024 * 1024, "4 MB"],
    ["/subscribe", 16 * 1024, "16 kB"],
  ])("answers 413 with JSON for a body over the limit of %s (%i bytes)", async (path, limit, named) => {
    const padded = (size: number) => JSON.stringify({ ...article(), summary: "s".repeat(size) });
    const over = await post(path, padded(limit), asAdmin);
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ error: `request body is too large (at most ${named})` });
    const under = await post(path, padded(limit - 2000), asAdmin);
    expect(under.status).not.toBe(413);
  });

  it("still takes an article and a form", async () => {
    expect((await app.admin("/api/articles", { method: "POST", json: article({ body: `<p>${"word ".repeat(100_000)}</p>` }) })).status).toBe(201);
    const form = await fetch(`${app.url}/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "email=a%40example.com&categories=world",
    });
    // No CSRF cookie: the form was read (403 names the form) rather than refused unread.
    expect(form.status).toBe(403);
    expect(await form.text()).toContain("the form expired");
  });
});
