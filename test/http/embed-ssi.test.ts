// The embed as docs/api.md shows it in a server-side include: nginx runs the documented config
// (pointed at the test app) and includes the fragment in a host page.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "#test/support/app.js";
import { eventually } from "#test/support/eventually.js";
import { freePort } from "#test/support/processes.js";
import { codeBlocks, readDocument } from "#test/docs/markdown.js";

describe("the embed in an nginx server-side include", () => {
  const app = useTestApp("sqlite", { SEED_DEMO: "auto" });
  let dir: string;
  let nginx: ChildProcess | undefined;
  let siteUrl: string;

  beforeAll(async () => {
    const doc = readDocument("docs/api.md");
    const [locations] = codeBlocks(doc, "nginx");
    const page = codeBlocks(doc, "html").find((block) => block.includes("include virtual"))!;
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-ssi-"));
    // nginx's workers run as another user when the tests run as root.
    chmodSync(dir, 0o755);
    mkdirSync(path.join(dir, "www", "news"), { recursive: true });
    writeFileSync(path.join(dir, "www", "news", "index.html"), `<!doctype html><html><body><h1>Host</h1>\n${page}\n</body></html>`);
    const port = await freePort();
    writeFileSync(
      path.join(dir, "nginx.conf"),
      `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    ${locations!.replace("https://dispatch.example.com", app.url)}
  }
}`,
    );
    nginx = spawn("nginx", ["-c", `${dir}/nginx.conf`, "-p", dir, "-e", `${dir}/error.log`], { stdio: "ignore" });
    siteUrl = `http://127.0.0.1:${port}`;
    await eventually(async () => expect((await fetch(`${siteUrl}/news/`)).status).toBe(200));
  });
  afterAll(() => {
    nginx?.kill("SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("includes the related stories of the named article in the host page", async () => {
    const html = await (await fetch(`${siteUrl}/news/`)).text();
    expect(html).toContain("<h1>Host</h1>");
    expect(html).toContain('<section class="dispatch-related"');
    expect([...html.matchAll(/<a class="dispatch-related__link" href="([^"]+)" target="_top">/g)]).toHaveLength(4);
    expect(html).not.toContain("include virtual");
    expect(html).not.toMatch(/<script/i);
  });
});
