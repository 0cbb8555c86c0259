// What receivers read from a message's bytes: mailparser, Python's email package (policy.default)
// and mailauth's DKIM verifier with a resolver that answers the test key's TXT record.
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { simpleParser } from "mailparser";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import type { DkimOptions } from "#src/mail/compose.js";

export interface ReadMail {
  subject: string | undefined;
  from: { name: string; address: string }[];
  to: { name: string; address: string }[];
  messageId: string | undefined;
  /** Every header but Date and the Content-* ones, lower-cased names, decoded values, in order. */
  headers: [string, string][];
  /** The leaf parts: content type, transfer encoding, content decoded (line ends as the reader gives them). */
  parts: { type: string; encoding: string; content: string }[];
  defects: string[];
}

const PYTHON = String.raw`
import sys, json, base64
from email.parser import BytesParser
from email import policy
out = []
for raw in json.load(sys.stdin):
    msg = BytesParser(policy=policy.default).parsebytes(base64.b64decode(raw))
    addrs = lambda h: [{"name": a.display_name, "address": a.addr_spec} for a in (msg[h].addresses if msg[h] is not None else [])]
    parts, defects = [], [repr(d) for d in msg.defects]
    for part in msg.walk():
        defects += [repr(d) for d in part.defects if part is not msg]
        if part.is_multipart():
            continue
        parts.append({"type": part.get_content_type(), "encoding": str(part.get("Content-Transfer-Encoding", "")), "content": part.get_content()})
    out.append({
        "subject": None if msg["subject"] is None else str(msg["subject"]),
        "from": addrs("from"), "to": addrs("to"),
        "messageId": None if msg["message-id"] is None else str(msg["message-id"]),
        "headers": [[k.lower(), str(v)] for k, v in msg.items()],
        "parts": parts, "defects": defects,
    })
json.dump(out, sys.stdout)
`;

/** Python's reading of each message (one interpreter for all). */
export async function readWithPython(raws: Uint8Array[]): Promise<ReadMail[]> {
  const input = JSON.stringify(raws.map((raw) => Buffer.from(raw).toString("base64")));
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile("python3", ["-c", PYTHON], { maxBuffer: 64 * 1024 * 1024 }, (error, out) => (error ? reject(error) : resolve(out)));
    child.stdin!.end(input);
  });
  return (JSON.parse(stdout) as ReadMail[]).map((mail) => ({ ...mail, subject: mail.subject ?? undefined, messageId: mail.messageId ?? undefined }));
}

/** mailparser's reading (simpleParser): the same fields; parts are its text and html. */
export async function readWithMailparser(raw: Uint8Array): Promise<ReadMail> {
  const parsed = await simpleParser(Buffer.from(raw));
  const addresses = (value: typeof parsed.to) =>
    (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.value.map((a) => ({ name: a.name, address: a.address ?? "" })));
  // mailparser reads the List-* headers into one "list" entry, their phrases left encoded.
  const list = (parsed.headers.get("list") ?? {}) as Record<string, { name?: string; id?: string; url?: string }>;
  const listValue = (name: string): string | undefined => {
    const entry = list[name];
    if (!entry) return undefined;
    if (name === "id") return [entry.name && decodeWords(entry.name), entry.id && `<${entry.id}>`].filter(Boolean).join(" ");
    return entry.url ? `<${entry.url}>` : entry.name;
  };
  const headers: [string, string][] = parsed.headerLines.map((h) => {
    const value = h.key.startsWith("list-") ? listValue(h.key.slice(5)) : parsed.headers.get(h.key);
    return [
      h.key,
      typeof value === "string"
        ? value
        : h.line
            .slice(h.line.indexOf(":") + 1)
            .replace(/\r?\n[ \t]/g, " ")
            .trim(),
    ];
  });
  const parts: ReadMail["parts"] = [];
  const html = typeof parsed.html === "string" ? parsed.html : undefined;
  // mailparser makes a text out of an HTML-only message: a part only if the message has a text/plain one.
  if (parsed.text !== undefined && /^content-type:\s*text\/plain/im.test(Buffer.from(raw).toString("latin1")))
    parts.push({ type: "text/plain", encoding: "", content: parsed.text });
  if (html !== undefined) parts.push({ type: "text/html", encoding: "", content: html });
  return {
    subject: parsed.subject,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    messageId: parsed.messageId,
    headers,
    parts,
    defects: [],
  };
}

/** RFC 2047 B words in UTF-8 (the only ones nodemailer writes here), adjacent ones joined. */
function decodeWords(value: string): string {
  return value.replace(/=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=(?:\s+=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=)*/gi, (words) =>
    Buffer.concat(words.split(/\s+/).map((w) => Buffer.from(w.slice(10, -2), "base64"))).toString("utf8"),
  );
}

/** A DKIM key for news.example.com, selector "mail", and a resolver that publishes it. */
export function testDkimKey(): { dkim: DkimOptions; resolver: (name: string) => Promise<string[][]> } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const dkim = { domainName: "news.example.com", keySelector: "mail", privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
  const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: "spki", format: "der" }).toString("base64")}`;
  const resolver = async (name: string) => {
    if (name !== "mail._domainkey.news.example.com") throw Object.assign(new Error(`no TXT record for ${name}`), { code: "ENOTFOUND" });
    return [[record]];
  };
  return { dkim, resolver };
}

/** mailauth's verdicts on every signature, and the h= of the first one (lower-cased names). */
export async function verifyDkim(raw: Uint8Array, resolver: (name: string) => Promise<string[][]>): Promise<{ results: string[]; signed: string[] }> {
  const verified = await dkimVerify(Buffer.from(raw), { resolver });
  const text = Buffer.from(raw).toString("latin1");
  const header = /^DKIM-Signature:([\s\S]*?)\r\n(?![ \t])/m.exec(text)?.[1] ?? "";
  const signed =
    /(?:^|;)\s*h=([^;]+);/
      .exec(header.replace(/\r\n[ \t]+/g, ""))?.[1]
      ?.toLowerCase()
      .split(":") ?? [];
  return { results: verified.results.map((r) => `${r.signingDomain}/${r.selector}: ${r.status.result}`), signed };
}
