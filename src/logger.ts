// The process logger, and what request logs may carry: no credentials in headers, no secret in a URL.
import { pino, type DestinationStream, type Logger } from "pino";
import { REDACTED, redactSecrets } from "#src/redact.js";

/** Headers whose whole value is a credential (keys, session cookies, webhook signatures). */
const CREDENTIAL_HEADERS = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "x-auth-token",
  "x-csrf-token",
  "x-hub-signature",
  "x-hub-signature-256",
];

/** pino `redact` for the headers of requests (`req`) and responses (`res`) in a log line. */
export const headerRedaction = {
  paths: ["req", "res"].flatMap((side) => CREDENTIAL_HEADERS.map((name) => `${side}.headers["${name}"]`)),
  censor: REDACTED,
};

interface LoggedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}

interface LoggedResponse {
  statusCode?: number;
  headers?: Record<string, unknown>;
}

/**
 * pino-http's request, as logged: the URL keeps its path and query with secret values redacted
 * (`/preferences?token=[redacted]`); the parsed query and route params are left out, as they
 * would repeat the token without its name in a URL.
 */
export function requestForLog(req: LoggedRequest): LoggedRequest {
  const { id, method, url, headers, remoteAddress, remotePort } = req;
  return { id, method, url: url === undefined ? url : redactSecrets(url), headers: withUrlsRedacted(headers), remoteAddress, remotePort };
}

/** pino-http's response, as logged: a redirect's Location may carry a token too. */
export function responseForLog(res: LoggedResponse): LoggedResponse {
  return { statusCode: res.statusCode, headers: withUrlsRedacted(res.headers) };
}

function withUrlsRedacted(headers: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!headers) return headers;
  const out = { ...headers };
  for (const name of ["referer", "location", "content-location"]) {
    const value = out[name];
    if (typeof value === "string") out[name] = redactSecrets(value);
  }
  return out;
}

/**
 * The process logger. Every line is scrubbed as it is written (streamWrite): a URL password or a
 * secret query value inside any message or error (a driver's connection error, a hub URL) is
 * replaced by "[redacted]" whichever module logged it.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "dispatch" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: headerRedaction,
    hooks: { streamWrite: redactSecrets },
  };
  return destination ? pino(options, destination) : pino(options);
}
