// A self-signed X.509 certificate for a key the test makes (node:crypto reads certificates but does
// not make them): the few DER types a certificate needs, encoded by hand.
import { sign, type KeyObject } from "node:crypto";

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
/** A small non-negative INTEGER (below 128: one byte). */
const integer = (value: number) => tlv(0x02, Buffer.from([value]));
const NULL = Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const groups: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift((v % 128) | (groups.length ? 0x80 : 0));
      if (v < 128) break;
    }
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime, YYMMDDHHMMSSZ. */
const time = (date: Date) => tlv(0x17, Buffer.from(date.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));
const name = (commonName: string) => sequence(set(sequence(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName)))));
const SHA256_WITH_RSA = sequence(oid("1.2.840.113549.1.1.11"), NULL);

/** A PEM certificate for the RSA key pair, valid from `notBefore` to `notAfter`, issued by itself. */
export function selfSignedCertificate(keys: { publicKey: KeyObject; privateKey: KeyObject }, commonName: string, notBefore: Date, notAfter: Date): string {
  const tbs = sequence(
    tlv(0xa0, integer(2)),
    integer(1),
    SHA256_WITH_RSA,
    name(commonName),
    sequence(time(notBefore), time(notAfter)),
    name(commonName),
    keys.publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, keys.privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString("base64").match(/.{1,64}/g)!;
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
