// Today's composer before mime.ts and dkim.ts: nodemailer's MailComposer and DKIM signer. The
// reference the compose tests compare with, and the baseline of the compose benchmark.
import { createPrivateKey } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import DKIM from "nodemailer/lib/dkim";
import { DKIM_HEADERS } from "#src/mail/dkim.js";
import type { MailIdentity, MailMessage, PreparedMail } from "#src/mail/compose.js";

const signers = new Map<string, DKIM>();

function signerFor(dkim: NonNullable<MailIdentity["dkim"]>): DKIM {
  const key = `${dkim.domainName}\n${dkim.keySelector}\n${dkim.privateKey}`;
  let signer = signers.get(key);
  if (!signer) {
    const privateKey = createPrivateKey(dkim.privateKey);
    signers.set(key, (signer = new DKIM({ ...dkim, privateKey, headerFieldNames: DKIM_HEADERS })));
  }
  return signer;
}

/** The bytes nodemailer composes (and signs) for this message; `date` and `baseBoundary` fixed for comparisons. */
export async function legacyComposeMail(
  identity: MailIdentity,
  message: MailMessage,
  fixed: { date?: Date; baseBoundary?: string } = {},
): Promise<PreparedMail> {
  const composer = new MailComposer({
    from: identity.from,
    textEncoding: "base64",
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    ...(message.messageId ? { messageId: message.messageId } : {}),
    ...(fixed.date ? { date: fixed.date } : {}),
    ...(fixed.baseBoundary ? { baseBoundary: fixed.baseBoundary } : {}),
    headers: message.headers ?? {},
  });
  const node = composer.compile();
  const messageId = node.messageId();
  const unsigned = await node.build();
  const raw = identity.dkim ? await collect(signerFor(identity.dkim).sign(unsigned)) : unsigned;
  return { to: message.to, messageId, raw };
}

/** nodemailer's signer over any bytes (ours, say). */
export async function legacySign(dkim: NonNullable<MailIdentity["dkim"]>, raw: Uint8Array): Promise<Buffer> {
  return collect(signerFor(dkim).sign(Buffer.from(raw)));
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
