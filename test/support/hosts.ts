// Every host an HTML document (a page, an email) makes a reader's client talk to: href, src, srcset,
// poster, background, action, CSS url() and @import, in attributes, style attributes and <style>
// blocks. Relative URLs name no host. For tests that check nothing reaches a third party.
import { decodeHTML } from "entities";

const URL_ATTRIBUTE = /\s(href|src|poster|background|action|data|cite|formaction)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const SRCSET_ATTRIBUTE = /\s(?:srcset|imagesrcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi;
const CSS_IMPORT = /@import\s+(?:"([^"]*)"|'([^']*)')/gi;

/** The hosts of every absolute (or protocol-relative) URL the document references, lower-case, once each. */
export function referencedHosts(html: string): string[] {
  const urls: string[] = [];
  for (const m of html.matchAll(URL_ATTRIBUTE)) urls.push(decodeHTML(m[2] ?? m[3] ?? m[4] ?? ""));
  for (const m of html.matchAll(SRCSET_ATTRIBUTE)) {
    for (const candidate of decodeHTML(m[1] ?? m[2] ?? m[3] ?? "").split(",")) urls.push(candidate.trim().split(/\s+/)[0] ?? "");
  }
  // CSS in a style attribute is HTML-encoded (url(&quot;…&quot;)): read the CSS decoded.
  const css = decodeHTML(html);
  for (const m of css.matchAll(CSS_URL)) urls.push(m[1] ?? m[2] ?? m[3] ?? "");
  for (const m of css.matchAll(CSS_IMPORT)) urls.push(m[1] ?? m[2] ?? "");
  const hosts = urls.map(hostOf).filter((h): h is string => h !== null);
  return [...new Set(hosts)].sort();
}

/** The referenced hosts that are not allowed; `allowedHosts` may be hosts or URLs. */
export function foreignHosts(html: string, allowedHosts: string[]): string[] {
  const allowed = new Set(allowedHosts.map((h) => hostOf(h) ?? h.toLowerCase()));
  return referencedHosts(html).filter((h) => !allowed.has(h));
}

function hostOf(url: string): string | null {
  const trimmed = url.trim();
  if (!/^([a-z][a-z0-9+.-]*:)?\/\//i.test(trimmed)) return null;
  try {
    return new URL(trimmed.startsWith("//") ? `https:${trimmed}` : trimmed).host.toLowerCase() || null;
  } catch {
    return null;
  }
}
