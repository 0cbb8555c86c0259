// Where email goes: pooled SMTP (SMTP_URL) or .eml files in DATA_DIR/outbox. nodemailer stays in src/mail/
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import { DispatchError } from "#src/errors.js";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "#src/private-files.js";
import { composeMail, type DkimOptions, type MailIdentity, type MailMessage, type PreparedMail } from "#src/mail/compose.js";

export type { DkimOptions, MailIdentity, MailMessage, PreparedMail } from "#src/mail/compose.js";

export interface SendResult {
  messageId: string;
  /** The server's answer, or the outbox file. */
  response: string;
}

/** A send that did not go through. `permanent` (SMTP 5xx) must not be retried. */
export class MailSendError extends DispatchError {
  readonly permanent: boolean;
  readonly responseCode: number | undefined;
  constructor(message: string, options: { permanent: boolean; responseCode?: number | undefined; cause?: unknown }) {
    super("mail_send", message, { cause: options.cause });
    this.permanent = options.permanent;
    this.responseCode = options.responseCode;
  }
}

export interface MailerOptions {
  smtpUrl?: string | undefined;
  dataDir: string;
  from: string;
  /** Parallel SMTP connections (pool size). */
  maxConnections?: number;
  /** Messages per second across the pool; 0 = unlimited. */
  rateLimit?: number;
  dkim?: DkimOptions | undefined;
}

export interface Mailer {
  kind: "smtp" | "outbox";
  /** From and DKIM: what composing a message for this mailer takes (composeMail). */
  identity: MailIdentity;
  /** Composes the message here, then sends it. */
  send(message: MailMessage): Promise<SendResult>;
  /** Sends bytes composed before (in a render thread, say) for this mailer's identity. */
  sendPrepared(mail: PreparedMail): Promise<SendResult>;
  close(): Promise<void>;
}

export function createMailer(options: MailerOptions): Mailer {
  const identity: MailIdentity = { from: options.from, ...(options.dkim ? { dkim: options.dkim } : {}) };
  const sender = options.smtpUrl ? smtpSender(options) : outboxSender(options);
  return {
    kind: options.smtpUrl ? "smtp" : "outbox",
    identity,
    send: async (message) => sender.send(await composeMail(identity, message)),
    sendPrepared: (mail) => sender.send(mail),
    close: () => sender.close(),
  };
}

interface Sender {
  send(mail: PreparedMail): Promise<SendResult>;
  close(): Promise<void>;
}

function smtpSender(options: MailerOptions): Sender {
  const poolOptions: SMTPPool.Options = {
    pool: true,
    url: options.smtpUrl,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: 1000,
    // Never requeue on our own: a message requeued after a dropped connection may already have been
    // accepted. Our delivery rows retry it, with the same Message-ID.
    maxRequeues: 0,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    ...(options.rateLimit ? { rateDelta: 1000, rateLimit: options.rateLimit } : {}),
  } as SMTPPool.Options;
  const transport = nodemailer.createTransport(poolOptions);
  const from = envelopeSender(options.from);
  return {
    async send(mail) {
      try {
        // The bytes go out as they are (already signed): the pool only speaks SMTP.
        const info = await transport.sendMail({ envelope: { from, to: [mail.to] }, raw: asBuffer(mail.raw) });
        return { messageId: mail.messageId, response: String(info.response ?? "") };
      } catch (error) {
        throw toSendError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

function outboxSender(options: MailerOptions): Sender {
  const dir = path.join(options.dataDir, "outbox");
  return {
    async send(mail) {
      // Each message holds an address and working preference and unsubscribe links: Dispatch's user only.
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const id = mail.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9.@_-]/g, "_");
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${id}.eml`);
      // Written aside, then renamed: whoever reads the outbox sees whole .eml files only.
      await writeFile(`${file}.part`, mail.raw, { mode: PRIVATE_FILE_MODE });
      await rename(`${file}.part`, file);
      return { messageId: mail.messageId, response: file };
    },
    async close() {},
  };
}

/** The address of MAIL FROM: the bare address of a "Name <address>" sender. */
function envelopeSender(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/** A view of the same bytes, no copy (a render thread's message arrives as a Uint8Array). */
function asBuffer(raw: Uint8Array): Buffer {
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** SMTP 5xx is permanent; 4xx, refused connections and timeouts are temporary. */
function toSendError(error: unknown): MailSendError {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const permanent = typeof e.responseCode === "number" && e.responseCode >= 500 && e.responseCode < 600;
  const detail = e.responseCode ? `${e.responseCode} ${e.message ?? ""}` : `${e.code ?? "error"}: ${e.message ?? ""}`;
  return new MailSendError(`mail: ${detail.trim()}`, { permanent, responseCode: e.responseCode, cause: error });
}
