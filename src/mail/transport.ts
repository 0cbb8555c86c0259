// Where email goes: pooled SMTP (SMTP_URL, our own client in smtp.ts) or .eml files in DATA_DIR/outbox.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { DispatchError } from "#src/errors.js";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "#src/private-files.js";
import { composeMail, type DkimOptions, type MailIdentity, type MailMessage, type PreparedMail as ComposedMail } from "#src/mail/compose.js";
import { SmtpError, SmtpPool, smtpOptionsFromUrl } from "#src/mail/smtp.js";

export type { DkimOptions, MailIdentity, MailMessage } from "#src/mail/compose.js";

/**
 * A message ready for the wire. `eightBit`: its parts are 8bit (not 7-bit safe); it goes out with
 * BODY=8BITMIME, and fails (temporarily) on a server that does not advertise 8BITMIME.
 */
export type PreparedMail = ComposedMail & { eightBit?: boolean | undefined };

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
  /** Whether the server advertises 8BITMIME (asked of one connection, once); the outbox takes anything. */
  eightBitMime(): Promise<boolean>;
  /** Waits for every message handed over, then closes the connections. */
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
    eightBitMime: () => sender.eightBitMime(),
    close: () => sender.close(),
  };
}

interface Sender {
  send(mail: PreparedMail): Promise<SendResult>;
  eightBitMime(): Promise<boolean>;
  close(): Promise<void>;
}

function smtpSender(options: MailerOptions): Sender {
  const pool = new SmtpPool({
    ...smtpOptionsFromUrl(options.smtpUrl!),
    maxConnections: options.maxConnections ?? 5,
    maxMessages: 1000,
    rateLimit: options.rateLimit ?? 0,
  });
  const from = envelopeSender(options.from);
  return {
    async send(mail) {
      try {
        // The bytes go out as they are (already signed): the pool only speaks SMTP.
        const response = await pool.send(from, envelopeSender(mail.to), asBuffer(mail.raw), {
          eightBit: mail.eightBit === true,
          wireSafe: mail.wireSafe === true,
        });
        return { messageId: mail.messageId, response };
      } catch (error) {
        throw toSendError(error);
      }
    },
    async eightBitMime() {
      try {
        return await pool.eightBitMime();
      } catch (error) {
        throw toSendError(error);
      }
    },
    close: () => pool.close(),
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
    eightBitMime: async () => true,
    async close() {},
  };
}

/** The address of MAIL FROM or RCPT TO: the bare address of a "Name <address>". */
function envelopeSender(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/** A view of the same bytes, no copy (a render thread's message arrives as a Uint8Array). */
function asBuffer(raw: Uint8Array): Buffer {
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

/**
 * A 5xx refusing the message is permanent; 4xx, refused connections, timeouts, a connection lost
 * mid-message, and a server refusing the session itself (greeting, TLS, AUTH) are temporary.
 */
function toSendError(error: unknown): MailSendError {
  const e = error instanceof SmtpError ? error : new SmtpError((error as { code?: string }).code ?? "error", (error as Error).message ?? String(error));
  const code = e.responseCode;
  // An address that cannot go in an envelope at all, or a message over the server's SIZE, is as final as a 5xx.
  const permanent = e.aboutMessage && (code === undefined ? e.code === "EENVELOPE" || e.code === "ESIZE" : code >= 500 && code < 600);
  const detail = e.responseCode ? e.message : `${e.code}: ${e.message}`;
  return new MailSendError(`mail: ${detail.trim()}`, { permanent, responseCode: e.responseCode, cause: error });
}
