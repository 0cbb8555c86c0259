// What SNS asks Dispatch to fetch, only from allowed hosts (sns-hosts.ts): signing certificates (kept
// by URL) and the SubscribeURL that confirms a subscription.
import { X509Certificate } from "node:crypto";
import { fetch } from "undici";
import { UnauthorizedError, UnavailableError } from "#src/errors.js";

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 64 * 1024;
const MAX_CACHED = 50;

export type CertificateSource = (url: URL) => Promise<X509Certificate>;

/** GETs a PEM certificate: no redirects, a timeout, a size cap; failures are the request's (401). */
async function fetchCertificate(url: URL): Promise<X509Certificate> {
  try {
    const response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > MAX_BYTES) throw new Error("larger than a certificate");
    return new X509Certificate(body);
  } catch (error) {
    throw new UnauthorizedError(`ses: the signing certificate at ${url.host} could not be read (${(error as Error).message})`);
  }
}

/** A certificate per URL, fetched once (a failed fetch is not kept, so the next message tries again). */
export function createCertificateCache(source: CertificateSource = fetchCertificate): CertificateSource {
  const cache = new Map<string, Promise<X509Certificate>>();
  return (url) => {
    const key = url.href;
    let entry = cache.get(key);
    if (!entry) {
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      entry = source(url);
      cache.set(key, entry);
      entry.catch(() => cache.delete(key));
    }
    return entry;
  };
}

/** Confirms a subscription: a GET of its SubscribeURL (SNS answers with XML that needs no reading). */
export async function confirmSubscription(url: URL): Promise<void> {
  const response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS) }).catch((error: unknown) => {
    throw new UnavailableError(`ses: the subscription could not be confirmed at ${url.host}`, { cause: error });
  });
  await response.body?.cancel();
  if (!response.ok) throw new UnavailableError(`ses: confirming the subscription at ${url.host} answered HTTP ${response.status}`);
}
