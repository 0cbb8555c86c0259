// Changes to one directive of the Content-Security-Policy helmet set on the response, for the few
// routes that need a wider one (images from anywhere; framing by other sites).
import type { Response } from "express";

/** Sets `name` to `value` in the response's policy (added when the policy has no such directive). */
export function setCspDirective(res: Response, name: string, value: string): void {
  const policy = res.getHeader("Content-Security-Policy");
  if (typeof policy !== "string") return;
  const directive = new RegExp(`(^|;)\\s*${name} [^;]*`);
  res.setHeader("Content-Security-Policy", directive.test(policy) ? policy.replace(directive, `$1${name} ${value}`) : `${policy};${name} ${value}`);
}

/** Lead images and body images live wherever the newsroom or the partner hosts them. */
export function allowImagesFromAnywhere(res: Response): void {
  setCspDirective(res, "img-src", "'self' data: https: http:");
}
