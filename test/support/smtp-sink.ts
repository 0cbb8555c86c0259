// An SMTP sink in its own process (tests and benchmarks): accepts everything and appends
// "<Message-ID>\t<recipient>" per message to a file, so it outlives the process under test.
// Usage: tsx test/support/smtp-sink.ts <port> <out-file>
import { createWriteStream } from "node:fs";
import { SMTPServer } from "smtp-server";

const port = Number(process.argv[2] ?? 0);
const out = createWriteStream(process.argv[3] ?? "/dev/null", { flags: "a" });

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    let head = "";
    let done = false;
    stream.on("data", (chunk: Buffer) => {
      if (done) return;
      head += chunk.toString("latin1");
      if (head.includes("\r\n\r\n")) done = true;
    });
    stream.on("end", () => {
      const headers = head.split("\r\n\r\n")[0]!.replace(/\r\n[ \t]+/g, " ");
      const id = /^message-id:\s*(\S+)/im.exec(headers)?.[1] ?? "-";
      for (const rcpt of session.envelope.rcptTo) out.write(`${id}\t${rcpt.address}\n`);
      callback();
    });
  },
});
// A client killed mid-message (the crash test's SIGKILL) resets its socket: smtp-server reports that
// as a server "error" event, which would end this process if nobody listened.
server.on("error", () => {});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.server.address() as { port: number }).port}\n`);
});
process.on("SIGTERM", () => server.close(() => out.end(() => process.exit(0))));
