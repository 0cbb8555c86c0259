// Building an email's bytes (MIME, then the DKIM signature) apart from sending them: a digest's
// message is composed in a render thread, and the main thread hands the finished bytes to the pool.
// mime.ts writes the bytes directly (headers as nodemailer's MailComposer writes them, with its
// helpers), dkim.ts signs them with node:crypto (the signature nodemailer's signer would write).
import { dkimSignature } from "#src/mail/dkim.js";
import { composeMime, writeMime, type MimeInput, type PartContent } from "#src/mail/mime.js";
import type { SlabAllocator } from "#src/mail/slabs.js";

export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stable Message-ID, e.g. "<edition.subscriber@host>"; generated when absent. */
  messageId?: string;
  /** Extra headers: List-Unsubscribe, List-Unsubscribe-Post, List-Id… (not From, To, Subject, Date, Message-ID, MIME-Version, Content-*). */
  headers?: Record<string, string>;
}

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** Who mail is from and how it is signed: the same for every message of a mailer. */
export interface MailIdentity {
  from: string;
  dkim?: DkimOptions | undefined;
  /** The SMTP server takes 8BITMIME: non-ASCII parts whose lines fit 998 octets go 8bit, not base64. */
  eightBit?: boolean | undefined;
}

/** A message ready for the wire: its recipient, its Message-ID and its bytes (signed if DKIM is set). */
export interface PreparedMail {
  to: string;
  messageId: string;
  raw: Uint8Array;
  /** A part is 8bit: MAIL FROM must announce BODY=8BITMIME. */
  eightBit?: boolean;
  /** Every line ends in CRLF and none starts with ".": the SMTP sender need not scan the bytes for either. */
  wireSafe?: boolean;
  /** The bytes are in a render thread's slab: given back (slabs.ts giveBack) once the send settled. */
  inSlab?: boolean;
}

/** A message whose parts may come as UTF-8 bytes that go base64 (a digest put together from its shape's pieces; see Utf8Content). */
export type ComposableMessage = Omit<MailMessage, "html" | "text"> & { html: PartContent; text: PartContent };

/**
 * The message's bytes: multipart/alternative (text, HTML), CRLF line ends, DKIM-signed if the
 * identity has a key. Throws MailComposeError for a recipient or a Message-ID with control
 * characters or an extra header composeMail writes itself; header values never break a line.
 * `fixed` pins the Date and the boundary (tests).
 */
export async function composeMail(
  identity: MailIdentity,
  message: ComposableMessage,
  fixed: Pick<MimeInput, "date" | "boundary"> = {},
  slabs?: SlabAllocator,
): Promise<PreparedMail> {
  const mime = composeMime({ ...message, ...fixed, from: identity.from, eightBit: identity.eightBit });
  const { bytes, bodyAt } = writeMime(mime);
  // The signature goes first: the bytes are copied behind it (a few µs for 40 KB), into a slab when given one.
  const signature = identity.dkim ? `${dkimSignature(identity.dkim, mime, bytes.subarray(bodyAt))}\r\n` : "";
  const length = signature.length + bytes.length;
  const raw = slabs ? slabs.take(length) : Buffer.allocUnsafeSlow(length);
  raw.write(signature, 0, "latin1");
  bytes.copy(raw, signature.length);
  // Lines end in CRLF by construction (folded headers, base64 lines, parts' line ends made CRLF); only
  // a header named with a leading dot or a part sent as text can start a line with one.
  const wireSafe =
    !mime.headers.some((h) => h.line.startsWith(".")) && !mime.body.some((b) => b.kind === "text" && (b.text.startsWith(".") || b.text.includes("\n.")));
  return { to: message.to, messageId: mime.messageId, raw, wireSafe, ...(mime.eightBit ? { eightBit: true } : {}), ...(slabs ? { inSlab: true } : {}) };
}
