// Helpers for subscriber tests: links out of an email, the CSRF pair out of a page.
import type { ReceivedMail } from "#test/support/smtp.js";

export function linksIn(mail: ReceivedMail): { confirm?: string; preferences: string; unsubscribe: string; action: string } {
  const text = mail.parsed.text ?? "";
  const find = (path: string) => new RegExp(`https?://\\S+/${path}\\?token=[A-Za-z0-9_.%-]+`).exec(text)?.[0];
  const confirm = find("confirm");
  return {
    ...(confirm ? { confirm } : {}),
    preferences: find("preferences")!,
    unsubscribe: find("unsubscribe")!,
    action: /: (https?:\/\/\S+)/.exec(text)?.[1] ?? "",
  };
}

/** GETs a page and returns what a browser would send back with its form: cookie and CSRF field. */
export async function formSession(url: string): Promise<{ html: string; cookie: string; csrf: string }> {
  const response = await fetch(url);
  const html = await response.text();
  const setCookie = response.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return { html, cookie, csrf };
}

export function postForm(url: string, fields: Array<[string, string]>, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
}
