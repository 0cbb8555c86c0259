// What the subscriber service needs: small ports the composition root fills in.
import type { Logger } from "pino";
import type { Category } from "#src/model.js";
import type { EmailTemplates } from "#src/mail/render.js";
import type { Mailer } from "#src/mail/transport.js";
import type { SubscriberStore } from "#src/store/subscribers.js";
import type { Tokens } from "#src/subscribers/tokens.js";

export interface SubscriberDeps {
  subscribers: SubscriberStore;
  categories: { list(): Promise<Category[]> };
  tokens: Tokens;
  mailer: Pick<Mailer, "send">;
  emailTemplates: EmailTemplates;
  /** Public origin, read when a link is built (it is known only once the server listens). */
  baseUrl: () => string;
  publisher: { name: string; address: string };
  logger: Logger;
  now?: () => Date;
  /** Runs a task after the answer (the service tracks it so closing waits); absent = awaited in line. */
  later?: (task: Promise<void>) => void;
}

/** Where a subscription came from: kept as proof of consent. */
export interface ConsentContext {
  ip: string | null;
  userAgent: string | null;
}
