// Rate limits for POST /subscribe: per client IP, and per email address so that no one can use the
// form to flood someone else's inbox. The store is passed in (memory by default; Redis when several
// web processes share the counts).
import { rateLimit, type Store } from "express-rate-limit";
import type { Redis } from "ioredis";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import type { Request, RequestHandler, Response } from "express";
import { normalizeEmail } from "#src/subscribers/address.js";

/** The limiters whose counts may live in a shared store. */
export type LimitName = "subscribe-ip" | "subscribe-address" | "admin-auth";

/** A fresh store per limiter (each limiter needs its own). */
export type LimitStores = (name: LimitName) => Store;

export interface SubscribeLimitOptions {
  perIp: number;
  perAddress: number;
  windowMinutes: number;
  /** Undefined = in-memory. */
  store?: LimitStores | undefined;
}

export function subscribeLimiters(
  options: SubscribeLimitOptions,
  onLimited: (req: Request, res: Response) => void,
): [perIp: RequestHandler, perAddress: RequestHandler] {
  const common = {
    windowMs: options.windowMinutes * 60_000,
    standardHeaders: "draft-8" as const,
    legacyHeaders: false,
    handler: (req: Request, res: Response) => onLimited(req, res),
  };
  const perIp = rateLimit({
    ...common,
    limit: options.perIp,
    identifier: "subscribe-ip",
    ...(options.store ? { store: options.store("subscribe-ip") } : {}),
  });
  const perAddress = rateLimit({
    ...common,
    limit: options.perAddress,
    identifier: "subscribe-address",
    skip: (req) => addressOf(req) === undefined,
    keyGenerator: (req) => `address:${addressOf(req)}`,
    ...(options.store ? { store: options.store("subscribe-address") } : {}),
  });
  return [perIp, perAddress];
}

function addressOf(req: Request): string | undefined {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  return typeof email === "string" && email.trim() ? mailboxOf(email) : undefined;
}

/**
 * The inbox an address reaches, for counting only (the stored address stays as given): lower-cased
 * whole, since most mailboxes ignore the case of the local part, and without a "+tag", which most
 * providers deliver to the same inbox (bob+1@ and bob+2@ are bob@).
 */
export function mailboxOf(email: string): string {
  const address = normalizeEmail(email).toLowerCase();
  const at = address.lastIndexOf("@");
  if (at < 0) return address;
  const local = address.slice(0, at);
  const plus = local.indexOf("+");
  return plus < 0 ? address : `${local.slice(0, plus)}${address.slice(at)}`;
}

/** Counts shared by every web process through Redis: `SubscribeLimitOptions.store` (and the admin throttle's). */
export function redisLimitStores(client: Redis, prefix: string): (name: LimitName) => RedisStore {
  return (name) =>
    new RedisStore({
      prefix: `${prefix}:ratelimit:${name}:`,
      sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>,
    });
}
