// Helpers for the operators' dashboard: a PARTNERS_DIR holding the demo partner, and a signed-in
// session as a browser would hold it (session cookie + CSRF cookie and field).
import { cpSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "#src/paths.js";
import { ADMIN_KEY } from "#test/support/app.js";

/** Copies the demo partner (feeds/wire-demo.yaml and its file feed) into dir; returns dir. */
export function demoPartnersDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(PROJECT_ROOT, "feeds", "wire-demo.yaml"), path.join(dir, "wire-demo.yaml"));
  cpSync(path.join(PROJECT_ROOT, "feeds", "demo"), path.join(dir, "demo"), { recursive: true });
  return dir;
}

export interface AdminBrowser {
  /** Cookie header with both cookies. */
  cookie: string;
  csrf: string;
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/** Signs in through the login form, as a browser would. */
export async function signIn(url: string, key = ADMIN_KEY): Promise<{ response: Response; session: AdminBrowser }> {
  const form = await fetch(`${url}/admin/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
  const csrfCookie = cookiesOf(form).join("; ");
  const response = await fetch(`${url}/admin/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: csrf, key }).toString(),
  });
  return { response, session: { cookie: [csrfCookie, ...cookiesOf(response)].join("; "), csrf } };
}

export function postAs(session: AdminBrowser, url: string, fields: Record<string, string> = {}, csrf = session.csrf): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: session.cookie },
    body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });
}
