import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import nodemailer from "nodemailer";
import { createMailer, MailSendError } from "#src/mail/transport.js";
import { composeMail } from "#src/mail/compose.js";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";

const message = {
  to: "reader@example.com",
  subject: "Your digest — 会談 & more",
  html: "<p>Hello <b>reader</b></p>",
  text: "Hello reader",
  messageId: "<ed-1.sub-2@dispatch.test>",
  headers: { "List-Unsubscribe": "<https://news.example.com/unsubscribe?token=t>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
};

describe("composing a message apart from sending it", () => {
  it("builds the bytes nodemailer's sendMail builds, but for the Date and the part boundaries", async () => {
    const from = "Dispatch <digest@localhost>";
    const ours = Buffer.from((await composeMail({ from }, message)).raw).toString();
    const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
    const theirs = String((await stream.sendMail({ from, textEncoding: "base64", ...message })).message);
    const comparable = (raw: string) => raw.replace(/^Date: .*$/m, "Date: -").replace(/_NmP-[0-9a-f]+-Part_\d+/g, "boundary");
    expect(comparable(ours)).toBe(comparable(theirs));
    expect(ours).toMatch(/^Message-ID: <ed-1\.sub-2@dispatch\.test>\r$/m);
    expect(ours).toMatch(/^From: Dispatch <digest@localhost>\r$/m);
  });
});

describe("mail over SMTP", () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  it("delivers a multipart message with our Message-ID and headers", async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, dataDir: tmpdir(), from: "Dispatch <digest@localhost>" });
    const result = await mailer.send(message);
    await mailer.close();
    expect(result.messageId).toBe("<ed-1.sub-2@dispatch.test>");
    const received = await smtp.waitFor("reader@example.com");
    expect(received.parsed.messageId).toBe("<ed-1.sub-2@dispatch.test>");
    expect(received.parsed.subject).toBe(message.subject);
    expect(received.parsed.text?.trim()).toBe("Hello reader");
    expect(received.parsed.html).toContain("<b>reader</b>");
    expect(received.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(received.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(received.raw).toMatch(/^List-Unsubscribe: <https:\/\/news.example.com\/unsubscribe\?token=t>\r$/m);
  });

  it.each([
    [550, true],
    [451, false],
  ])("reports SMTP %i as permanent=%s", async (code, permanent) => {
    smtp.refuse.set(`refused-${code}@example.com`, code);
    const mailer = createMailer({ smtpUrl: smtp.url, dataDir: tmpdir(), from: "d@localhost" });
    const error = await mailer.send({ ...message, to: `refused-${code}@example.com` }).catch((e: unknown) => e);
    await mailer.close();
    expect(error).toBeInstanceOf(MailSendError);
    expect((error as MailSendError).permanent).toBe(permanent);
    expect((error as MailSendError).responseCode).toBe(code);
  });

  it("treats a refused connection as temporary", async () => {
    const mailer = createMailer({ smtpUrl: "smtp://127.0.0.1:9", dataDir: tmpdir(), from: "d@localhost" });
    const error = (await mailer.send(message).catch((e: unknown) => e)) as MailSendError;
    await mailer.close();
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/ECONNREFUSED|ESOCKET|connect/i);
  });
});

describe("mail to the outbox", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "dispatch-outbox-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes an .eml file any mail client can open", async () => {
    const mailer = createMailer({ dataDir: dir, from: "Dispatch <digest@localhost>" });
    const result = await mailer.send(message);
    const files = readdirSync(path.join(dir, "outbox"));
    expect(files).toHaveLength(1);
    expect(result.response).toBe(path.join(dir, "outbox", files[0]!));
    const parsed = await simpleParser(readFileSync(result.response));
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.from?.text).toBe('"Dispatch" <digest@localhost>');
    expect(parsed.text?.trim()).toBe("Hello reader");
  });

  it("signs List-Unsubscribe and List-Unsubscribe-Post with DKIM when configured, verifiably", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const mailer = createMailer({
      dataDir: dir,
      from: "Dispatch <digest@news.example.com>",
      dkim: { domainName: "news.example.com", keySelector: "mail", privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() },
    });
    const result = await mailer.send({ ...message, messageId: "<dkim@dispatch.test>" });
    const raw = readFileSync(result.response, "utf8");
    const signature = /DKIM-Signature:([\s\S]*?)\r\n(?!\s)/.exec(raw)?.[1] ?? "";
    const signed =
      /(?:^|;)\s*h=([^;]+);/
        .exec(signature.replace(/\r\n\s+/g, ""))?.[1]
        ?.toLowerCase()
        .split(":") ?? [];
    expect(signed).toEqual(expect.arrayContaining(["list-unsubscribe", "list-unsubscribe-post", "from", "subject", "message-id"]));
    // A receiver that looks the key up in DNS finds the signature valid.
    const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: "spki", format: "der" }).toString("base64")}`;
    const resolver = async (name: string) => {
      if (name !== "mail._domainkey.news.example.com") throw Object.assign(new Error(`no TXT record for ${name}`), { code: "ENOTFOUND" });
      return [[record]];
    };
    const verified = await dkimVerify(Buffer.from(raw), { resolver });
    expect(verified.results.map((r) => [r.signingDomain, r.selector, r.status.result])).toEqual([["news.example.com", "mail", "pass"]]);
    // Changing a signed header breaks it.
    const tampered = raw.replace("List-Unsubscribe-Post: List-Unsubscribe=One-Click", "List-Unsubscribe-Post: List-Unsubscribe=Two-Click");
    expect((await dkimVerify(Buffer.from(tampered), { resolver })).results[0]!.status.result).toBe("fail");
  });
});
