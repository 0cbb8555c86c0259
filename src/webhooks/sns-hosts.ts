// Where SNS certificates and subscription URLs may come from: SNS's own hosts over https, or the
// hosts an operator lists (plain http only for an origin listed as http://host:port, for tests).
import { UnauthorizedError } from "#src/errors.js";

/** SNS's regional endpoints, in the commercial and the China partitions. */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** The URL when it is an allowed SNS one; otherwise an UnauthorizedError naming only its host. */
export function snsUrl(what: string, value: unknown, allowed: string[] | undefined): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new UnauthorizedError(`ses: the ${what} is not a URL`);
  }
  const https = url.protocol === "https:" && !url.username && !url.password;
  const ok = allowed
    ? allowed.some((entry) => (entry.includes("://") ? url.protocol === "http:" && url.origin === entry.replace(/\/+$/, "") : https && url.hostname === entry))
    : https && SNS_HOST.test(url.hostname);
  if (!ok) throw new UnauthorizedError(`ses: the ${what}'s host ${url.host} is not an SNS host this server accepts (SNS_CERT_HOSTS)`);
  return url;
}
