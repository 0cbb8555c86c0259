// composeMail writes the bytes itself (mime.ts) and signs them (dkim.ts): what receivers read from
// them (mailparser, Python's email package, mailauth's DKIM verifier) is what was given, and the
// same as what nodemailer's MailComposer and DKIM signer made of it.
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeMail, type MailIdentity, type MailMessage } from "#src/mail/compose.js";
import { MailComposeError } from "#src/mail/mime.js";
import { createMailer } from "#src/mail/transport.js";
import { legacyComposeMail, legacySign } from "#test/mail/legacy-compose.js";
import { readWithMailparser, readWithPython, testDkimKey, verifyDkim, type ReadMail } from "#test/mail/read-mail.js";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";

const FROM = "Example News <digest@news.example.com>";
const LIST_HEADERS = {
  "List-Unsubscribe": "<https://news.example.com/unsubscribe?token=tok-42>",
  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  "List-Id": "Example News daily digest <daily.digest.news.example.com>",
  "X-Dispatch-Edition": "7",
};

interface Case {
  from?: string;
  message: MailMessage;
}

const message = (fields: Partial<MailMessage>): MailMessage => ({
  to: "reader@example.com",
  subject: "Your morning digest",
  text: "Hello reader\n",
  html: "<p>Hello reader</p>\n",
  messageId: "<ed-7.sub-42@news.example.com>",
  headers: LIST_HEADERS,
  ...fields,
});

const storyLines = (n: number) =>
  Array.from({ length: n }, (_, i) => `<tr><td style="padding:8px 16px"><a href="https://news.example.com/a/${i}">Story ${i}</a></td></tr>`).join("\n");

const CASES: Record<string, Case> = {
  ascii: { message: message({ text: "Hello reader\n\nStory one\nhttps://news.example.com/a/1\n", html: `<table>\n${storyLines(40)}\n</table>\n` }) },
  "non-ASCII subject, name and body": {
    from: "Dïspatch Nëws, Inc. <digest@news.example.com>",
    message: message({
      subject: "Ваш дайджест — 会談 & café, a subject long enough to be folded over more than one line",
      text: "Grüße aus Köln — “quoted” 会談\n\nZweite Zeile\n",
      html: `<p>Ærø — “quoted” 会談</p>\n${storyLines(20)}\n`,
      headers: { ...LIST_HEADERS, "List-Id": "Näws daily <daily.digest.news.example.com>" },
    }),
  },
  "lines over 998 octets": {
    message: message({ text: `${"x".repeat(1500)}\nshort\n${"é".repeat(600)}\n`, html: `<p>${"word ".repeat(400)}</p>\n<p>${"ü".repeat(700)}</p>\n` }),
  },
  "lines starting with a dot": { message: message({ text: ".\n.hidden\n..two\nend\n", html: ".<p>dot</p>\n.\n<p>é</p>\n" }) },
  "empty text": { message: message({ text: "", html: "<p>only html, ünïcode</p>" }) },
  "whitespace DKIM relaxes": { message: message({ text: "a  b\t c   \n\t\n  \nend  ", html: "<p>  x é </p>   \n\n\n" }) },
  "hostile header values": {
    message: message({
      subject: "Hi\r\nBcc: victim@example.com",
      headers: { ...LIST_HEADERS, "X-Note": "a\r\nBcc: victim@example.com\r\n\r\n<script>", "List-Id": "News, Inc.\n\rTo: victim@example.com <l.example.com>" },
    }),
  },
};

/** What a header value reads as: nodemailer puts a space where a line break was. */
const unbroken = (value: string) => value.replace(/\r\n|\r|\n/g, " ");
/** A text part's line breaks are CRLF on the wire: Python gives them so for 7bit and 8bit parts. */
const asGiven = (part: ReadMail["parts"][number]) => (part.encoding === "base64" ? part.content : part.content.replace(/\r\n/g, "\n"));

function expectReadAsGiven(read: ReadMail, c: Case, reader: string): void {
  const m = c.message;
  expect(read.subject, reader).toBe(unbroken(m.subject));
  expect(read.to, reader).toEqual([{ name: "", address: m.to }]);
  expect(read.from.map((a) => a.address)).toEqual(["digest@news.example.com"]);
  expect(read.messageId, reader).toBe(m.messageId);
  for (const [key, value] of Object.entries(m.headers ?? {})) {
    // (A List-Id phrase with specials is quoted: Python shows the quotes, mailparser not.)
    const read_ = read.headers
      .filter(([k]) => k === key.toLowerCase())
      .map(([, v]) => (key === "List-Id" ? v.replace(/^"(.*)"/, "$1") : v).replace(/\s+/g, " "));
    expect(read_, `${reader} ${key}`).toEqual([unbroken(value).replace(/\s+/g, " ")]);
  }
  // Nothing injected: no Bcc, one To, one From, one Subject.
  for (const name of ["bcc", "to", "from", "subject"])
    expect(read.headers.filter(([k]) => k === name).length, `${reader} ${name}`).toBe(name === "bcc" ? 0 : 1);
  const expected = [...(m.text ? [["text/plain", m.text]] : []), ...(m.html ? [["text/html", m.html]] : [])];
  // A message ends with a line break (SMTP's end of data needs one): a single part given as is and
  // not ending with one reads with it.
  const single = (content: string, i: number) => (read.parts.length === 1 && !expected[i]![1]!.endsWith("\n") ? content.replace(/\n$/, "") : content);
  expect(
    read.parts.map((p, i) => [p.type, single(asGiven(p), i)]),
    reader,
  ).toEqual(expected);
  expect(read.defects, reader).toEqual([]);
}

function expectWireSafe(raw: Uint8Array, eightBitAllowed: boolean, eightBitFlag: boolean | undefined, wireSafeFlag?: boolean): void {
  const bytes = Buffer.from(raw);
  const text = bytes.toString("latin1");
  // wireSafe lets the SMTP sender skip its scans: it must be true only when no line starts with a dot.
  if (wireSafeFlag) expect(text.startsWith(".") || text.includes("\r\n."), "wireSafe: no line starts with a dot").toBe(false);
  expect(text.replace(/\r\n/g, ""), "no bare CR or LF").not.toMatch(/[\r\n]/);
  expect(Math.max(...text.split("\r\n").map((l) => l.length)), "no line over 998 octets").toBeLessThanOrEqual(998);
  expect(bytes.includes(0), "no NUL").toBe(false);
  const has8bit = bytes.some((b) => b > 0x7f);
  if (!eightBitAllowed) expect(has8bit, "7-bit only without 8BITMIME").toBe(false);
  expect(eightBitFlag === true, "eightBit flag set exactly when a part is 8bit").toBe(/^Content-Transfer-Encoding: 8bit\r$/m.test(text));
  if (eightBitFlag) expect(has8bit).toBe(true);
}

describe("composeMail: what receivers read", () => {
  const { dkim, resolver } = testDkimKey();

  for (const eightBit of [false, true]) {
    for (const signed of [false, true]) {
      it(`mailparser and Python's email read every case as given (${eightBit ? "8BITMIME" : "7-bit"}, ${signed ? "DKIM" : "unsigned"})`, async () => {
        const entries = Object.entries(CASES);
        const composed = await Promise.all(entries.map(([, c]) => composeMail({ from: c.from ?? FROM, eightBit, ...(signed ? { dkim } : {}) }, c.message)));
        const python = await readWithPython(composed.map((p) => p.raw));
        for (const [i, [name, c]] of entries.entries()) {
          const prepared = composed[i]!;
          expect(prepared.messageId, name).toBe(c.message.messageId);
          expectWireSafe(prepared.raw, eightBit, prepared.eightBit, prepared.wireSafe);
          expectReadAsGiven(await readWithMailparser(prepared.raw), c, `${name}: mailparser`);
          expectReadAsGiven(python[i]!, c, `${name}: python`);
          if (signed) {
            const { results, signed: names } = await verifyDkim(prepared.raw, resolver);
            expect(results, name).toEqual(["news.example.com/mail: pass"]);
            expect(names).toEqual(expect.arrayContaining(["list-unsubscribe", "list-unsubscribe-post", "list-id", "from", "to", "subject", "message-id"]));
          }
        }
        if (eightBit) expect(composed.some((p) => p.eightBit)).toBe(true);
        // The usual digest vouches for its bytes; a part sent as text with dot lines does not.
        expect(composed.map((p) => p.wireSafe)).toContain(true);
        expect(composed[entries.findIndex(([name]) => name === "lines starting with a dot")]!.wireSafe).toBe(false);
      });
    }
  }

  it("sends 8bit where it may: non-ASCII parts with short lines, base64 for lines over 998 octets", async () => {
    const parts = async (c: Case, eightBit: boolean) =>
      (await readWithPython([(await composeMail({ from: FROM, eightBit }, c.message)).raw]))[0]!.parts.map((p) => p.encoding);
    expect(await parts(CASES["non-ASCII subject, name and body"]!, true)).toEqual(["8bit", "8bit"]);
    expect(await parts(CASES["non-ASCII subject, name and body"]!, false)).toEqual(["base64", "base64"]);
    expect(await parts(CASES["lines over 998 octets"]!, true)).toEqual(["base64", "base64"]);
    expect(await parts(CASES.ascii!, true)).toEqual(["7bit", "7bit"]);
  });

  it("a changed signed header or body fails DKIM", async () => {
    const raw = Buffer.from((await composeMail({ from: FROM, dkim }, CASES.ascii!.message)).raw).toString("latin1");
    const tampered = [
      raw.replace("List-Unsubscribe-Post: List-Unsubscribe=One-Click", "List-Unsubscribe-Post: List-Unsubscribe=Two-Click"),
      raw.replace("token=tok-42", "token=tok-43"),
      raw.replace("Hello reader", "Hello reader!"),
    ];
    // mailauth says "neutral" for a body hash that does not match, "fail" for a signature that does not.
    const results = await Promise.all(tampered.map(async (t) => (await verifyDkim(Buffer.from(t, "latin1"), resolver)).results));
    expect(results).toEqual([["news.example.com/mail: fail"], ["news.example.com/mail: fail"], ["news.example.com/mail: neutral"]]);
    expect((await verifyDkim(Buffer.from(raw, "latin1"), resolver)).results).toEqual(["news.example.com/mail: pass"]);
  });

  it("generates a Message-ID on the From domain when none is given, a new one each time", async () => {
    const { messageId: a, raw } = await composeMail({ from: FROM }, { ...CASES.ascii!.message, messageId: undefined });
    const { messageId: b } = await composeMail({ from: FROM }, { ...CASES.ascii!.message, messageId: undefined });
    expect(a).toMatch(/^<[0-9a-f-]{36}@news\.example\.com>$/);
    expect(b).not.toBe(a);
    expect((await readWithMailparser(raw)).messageId).toBe(a);
  });

  it.each([
    ["a From with a line break", {}, "Evil\r\nBcc: victim@example.com <digest@news.example.com>"],
    ["a recipient with a line break", { to: "reader@example.com\r\nBcc: victim@example.com" }],
    ["an empty recipient", { to: " " }],
    ["a Message-ID with a line break", { messageId: "<a@b>\r\nBcc: victim@example.com" }],
    ["a Message-ID with a space", { messageId: "<a b@c>" }],
    ["an extra header named Bcc", { headers: { Bcc: "victim@example.com" } }],
    ["an extra header named Content-Type", { headers: { "content-type": "text/plain" } }],
    ["an extra header named Subject", { headers: { subject: "two subjects" } }],
    ["an extra header name with a colon", { headers: { "X-A: b\r\nBcc": "victim@example.com" } }],
  ])("refuses %s", async (_name, fields: Partial<MailMessage>, from = FROM) => {
    await expect(composeMail({ from, dkim }, { ...CASES.ascii!.message, ...fields })).rejects.toBeInstanceOf(MailComposeError);
  });
});

describe("composeMail: the same message as nodemailer's", () => {
  const { dkim } = testDkimKey();
  const identity = (c: Case): MailIdentity => ({ from: c.from ?? FROM });

  it("writes the bytes MailComposer writes, but for the Date, the boundary and CRLF line ends in 7bit parts", async () => {
    for (const [name, c] of Object.entries(CASES)) {
      const ours = Buffer.from((await composeMail(identity(c), c.message, { boundary: "--_NmP-0123456789abcdef-Part_1" })).raw).toString();
      const theirs = (await legacyComposeMail(identity(c), c.message, { baseBoundary: "0123456789abcdef" })).raw.toString();
      const comparable = (raw: string) => raw.replace(/^Date: .*$/m, "Date: -").replace(/\r\n|\n/g, "\n");
      // But for a List-Id phrase not in ASCII or with specials: only the phrase is an encoded word or a
      // quoted string (RFC 2919), never the <list-label>; nodemailer writes the value as unstructured text.
      const listId = (raw: string) => /^List-ID: [\s\S]*?\r?\n(?=\S)/m.exec(raw)?.[0] ?? "";
      const given = c.message.headers?.["List-Id"] ?? "";
      if (/[^ -~]|[,:]/.test(given)) {
        expect(listId(ours), name).toMatch(/^List-ID: (=\?UTF-8\?B\?[\s\S]*\?=|"[^"]*") <[a-z.]+>\r\n$/);
        expect(listId(theirs)).not.toBe(listId(ours));
        expect(comparable(ours.replace(listId(ours), "")), name).toBe(comparable(theirs.replace(listId(theirs), "")));
      } else {
        expect(comparable(ours), name).toBe(comparable(theirs));
      }
    }
  });

  it.each([
    "reader1@bench.example",
    "A.B+news_1-x@mail.example.co.uk",
    "Reader@Example.COM",
    "1@2.3",
    "a@1.2.3.4",
    "safe@xn--jgeva-dua.ee",
    "safe@jõgeva.ee",
    "a..b@example.com",
    '"quoted local"@example.com',
    "Jane Doe <jane@example.com>",
    "a@b",
  ])("writes the To header MailComposer writes for %s", async (to) => {
    const c: Case = { message: message({ to }) };
    const toLine = (raw: string) => /^To: .*(\r\n .*)*/m.exec(raw)?.[0];
    const ours = Buffer.from((await composeMail(identity(c), c.message)).raw).toString();
    const theirs = (await legacyComposeMail(identity(c), c.message)).raw.toString();
    expect(toLine(ours)).toBe(toLine(theirs));
  });

  it("reads the same in Python: headers and parts, 7-bit and 8BITMIME alike", async () => {
    const entries = Object.entries(CASES);
    for (const eightBit of [false, true]) {
      const ours = await Promise.all(entries.map(([, c]) => composeMail({ ...identity(c), eightBit, dkim }, c.message)));
      const theirs = await Promise.all(entries.map(([, c]) => legacyComposeMail({ ...identity(c), dkim }, c.message)));
      const [read, reference] = await Promise.all([readWithPython(ours.map((p) => p.raw)), readWithPython(theirs.map((p) => p.raw))]);
      for (const [i, [name]] of entries.entries()) {
        // The headers but what differs from message to message (Date, the boundary, DKIM's hashes), the parts decoded.
        // With 8BITMIME the transfer encoding may differ, and a single part given as is reads with its final line break.
        const comparable = (r: ReadMail) => ({
          ...r,
          headers: r.headers.map(([k, v]) => [
            k,
            k === "date" || (eightBit && k === "content-transfer-encoding")
              ? "-"
              : k === "list-id"
                ? v.replace(/^"(.*)"/, "$1")
                : k === "dkim-signature" || k === "content-type"
                  ? v.replace(/\s+/g, "").replace(/boundary="[^"]*"|;(bh|b)=[^;]*/g, "")
                  : v,
          ]),
          parts: r.parts.map((p) => ({ type: p.type, content: r.parts.length === 1 ? asGiven(p).replace(/\n$/, "") : asGiven(p) })),
        });
        // DKIM's tags included (h= among them): only bh= and b= differ.
        expect(comparable(read[i]!), name).toEqual(comparable(reference[i]!));
      }
    }
  });

  it("signs as nodemailer's DKIM signer signs the same bytes, to the byte", async () => {
    for (const eightBit of [false, true]) {
      for (const [name, c] of Object.entries(CASES)) {
        const fixed = { date: new Date(), boundary: "--_NmP-0123456789abcdef-Part_1" };
        const unsigned = await composeMail({ ...identity(c), eightBit }, c.message, fixed);
        const signed = await composeMail({ ...identity(c), eightBit, dkim }, c.message, fixed);
        expect(Buffer.from(signed.raw).toString(), name).toBe((await legacySign(dkim, unsigned.raw)).toString());
      }
    }
  });
});

describe("composed bytes over SMTP", () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  it("arrive verifiable and read as given, dot lines and 8bit included", async () => {
    const { dkim, resolver } = testDkimKey();
    const mailer = createMailer({ smtpUrl: smtp.url, dataDir: tmpdir(), from: FROM, dkim });
    const sent: Case[] = [];
    for (const [name, c] of Object.entries(CASES)) {
      if (c.from) continue;
      const to = `${name.replace(/[^a-z]+/g, "-")}@example.com`;
      const m = { ...c.message, to };
      await mailer.sendPrepared(await composeMail({ from: FROM, dkim, eightBit: true }, m));
      sent.push({ message: m });
    }
    await mailer.close();
    for (const c of sent) {
      const received = await smtp.waitFor(c.message.to);
      const raw = Buffer.from(received.raw, "utf8");
      expect((await verifyDkim(raw, resolver)).results, c.message.to).toEqual(["news.example.com/mail: pass"]);
      expectReadAsGiven(await readWithMailparser(raw), c, `${c.message.to}: mailparser`);
      expectReadAsGiven((await readWithPython([raw]))[0]!, c, `${c.message.to}: python`);
    }
  });
});
