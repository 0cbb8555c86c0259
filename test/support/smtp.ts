// A real SMTP server on 127.0.0.1 for tests: collects parsed messages, can refuse recipients.
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { eventually } from "#test/support/eventually.js";

export interface ReceivedMail {
  to: string;
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Resolves with the first message to `to` (waits up to `ms`). */
  waitFor(to: string, ms?: number): Promise<ReceivedMail>;
  /** Answers RCPT TO for these addresses with the given SMTP code (e.g. 550 or 451). */
  refuse: Map<string, number>;
  /** Every address refused so far, in order. */
  refused: string[];
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const refuse = new Map<string, number>();
  const refused: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refuse.get(address.address.toLowerCase());
      if (code) {
        refused.push(address.address.toLowerCase());
        const error = new Error(code >= 500 ? "mailbox unavailable" : "try again later") as Error & { responseCode: number };
        error.responseCode = code;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        // A message the parser refuses is refused to the sender too, instead of an unhandled rejection.
        simpleParser(raw).then(
          (parsed) => {
            for (const rcpt of session.envelope.rcptTo) messages.push({ to: rcpt.address, raw, parsed });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refuse,
    refused,
    async waitFor(to, ms = 10_000) {
      let found: ReceivedMail | undefined;
      await eventually(() => {
        found = messages.find((m) => m.to === to);
        if (!found) throw new Error(`no mail to ${to} within ${ms} ms (got ${messages.map((m) => m.to).join(", ") || "none"})`);
      }, ms);
      return found!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
