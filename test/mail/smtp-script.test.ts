// The SMTP client (src/mail/smtp.ts) against a raw TCP server on 127.0.0.1 that scripts its exact
// replies: what a real server would rarely do, an attacker or a broken server might.
import { generateKeyPairSync } from "node:crypto";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { SmtpPool, smtpOptionsFromUrl } from "#src/mail/smtp.js";
import { createMailer, MailSendError, type Mailer, type PreparedMail } from "#src/mail/transport.js";
import { eventually } from "#test/support/eventually.js";
import { selfSignedCertificate } from "#test/support/x509.js";

/** What one client session looks like to the script. */
interface Session {
  /** Writes to the client (over TLS once `startTls` was called). */
  say(text: string): void;
  /** Switches the session to TLS, as a server does after its 220 to STARTTLS. */
  startTls(): void;
  /** Closes the connection, as a server does after a 421. */
  end(): void;
  /** Every line the client sent, CRLF included; DATA bytes joined as one entry. */
  heard: string[];
}

type Script = (line: string, session: Session) => void;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function tlsIdentity() {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const hour = 3_600_000;
  const cert = selfSignedCertificate(keys, "localhost", new Date(Date.now() - hour), new Date(Date.now() + hour));
  return { key: keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), cert };
}

/** A server greeting with 220, answering each command line through `script` (EHLO, MAIL, RCPT, DATA...); after a 354, the message's bytes get `endOfData` (250). */
async function startScripted(script: Script, endOfData: () => string = () => "250 queued\r\n") {
  const sessions: Session[] = [];
  const sockets = new Set<net.Socket>();
  const identity = tlsIdentity();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let stream: net.Socket = socket;
    let buffered = "";
    let inData = false;
    const session: Session = {
      heard: [],
      say(text) {
        // The message's bytes follow a 354, whatever the command it answers.
        if (/^354 /m.test(text)) inData = true;
        stream.write(text);
      },
      end: () => void stream.end(),
      startTls() {
        stream.removeAllListeners("data");
        stream = new tls.TLSSocket(socket, { isServer: true, ...identity });
        stream.on("error", () => {});
        stream.on("data", read);
      },
    };
    sessions.push(session);
    function read(chunk: Buffer) {
      buffered += chunk.toString("latin1");
      for (;;) {
        if (inData) {
          // The terminating dot, right after the 354 for an empty message.
          const end = `\r\n${buffered}`.indexOf("\r\n.\r\n") - 2;
          if (end < -2) return;
          session.heard.push(buffered.slice(0, end + 5));
          buffered = buffered.slice(end + 5);
          inData = false;
          session.say(endOfData());
          continue;
        }
        const end = buffered.indexOf("\r\n");
        if (end < 0) return;
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        session.heard.push(`${line}\r\n`);
        script(line, session);
      }
    }
    socket.on("data", read);
    session.say("220 scripted ESMTP\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, sessions, heard: () => sessions.flatMap((s) => s.heard) };
}

/** The usual answers: EHLO with `extensions`, 250 to MAIL and RCPT, 354 to DATA, 221 to QUIT. */
function answer(line: string, session: Session, extensions: string[]) {
  const verb = line.split(/[ :]/)[0]!.toUpperCase();
  if (verb === "EHLO") session.say(["scripted", ...extensions].map((text, i, all) => `250${i === all.length - 1 ? " " : "-"}${text}\r\n`).join(""));
  else if (verb === "DATA") session.say("354 go ahead\r\n");
  else if (verb === "QUIT") session.say("221 bye\r\n");
  else session.say("250 ok\r\n");
}

function mailer(port: number, query = ""): Mailer {
  const m = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}${query}`, dataDir: tmpdir(), from: "digest@dispatch.test", maxConnections: 1 });
  closers.push(() => m.close());
  return m;
}

const mail = (body: string): PreparedMail => ({
  to: "reader@example.com",
  messageId: "<m@dispatch.test>",
  raw: Buffer.from(`From: digest@dispatch.test\r\nTo: reader@example.com\r\nSubject: test\r\n\r\n${body}`),
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the send to fail");
    },
    (error: unknown) => error as MailSendError,
  );

describe("a scripted server", () => {
  it("refuses a message over the advertised SIZE before any of it goes out, permanently, and goes on with the next", async () => {
    const server = await startScripted((line, session) => answer(line, session, ["PIPELINING", "SIZE 1000"]));
    const m = mailer(server.port);
    const error = await failure(m.sendPrepared(mail("x".repeat(2000))));
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/SIZE 1000/);
    expect(server.heard().filter((l) => l.startsWith("MAIL FROM"))).toEqual([]);
    await m.sendPrepared(mail("small\r\n"));
    expect(server.heard().filter((l) => l.startsWith("MAIL FROM"))).toEqual([expect.stringMatching(/^MAIL FROM:<digest@dispatch\.test> SIZE=\d+\r\n$/)]);
    expect(server.sessions).toHaveLength(1);
  });

  it("gives RFC 1870's size in SIZE=: CRLF line breaks counted, the doubled dots and the terminating dot not", async () => {
    const server = await startScripted((line, session) => answer(line, session, ["PIPELINING", "SIZE 1000"]));
    const m = mailer(server.port);
    const message = mail(".one\r\n.\r\ntwo");
    await m.sendPrepared(message);
    const size = Buffer.from(message.raw).length + 2; // the CRLF added after "two"
    expect(server.heard().filter((l) => l.startsWith("MAIL FROM"))).toEqual([`MAIL FROM:<digest@dispatch.test> SIZE=${size}\r\n`]);
  });

  it("fails the session when the server says more in the clear after its 220 to STARTTLS (RFC 3207 4.2)", async () => {
    const server = await startScripted((line, session) => {
      if (/^STARTTLS$/i.test(line)) {
        // An injection riding on the 220: it must not be read as part of the TLS session's first answer.
        session.say("220 ready\r\n250-X-INJECTED\r\n");
        session.startTls();
      } else answer(line, session, ["PIPELINING", "STARTTLS"]);
    });
    const error = await failure(mailer(server.port, "?tls.rejectUnauthorized=false").sendPrepared(mail("hello\r\n")));
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/STARTTLS/);
    expect(server.heard().filter((l) => l.startsWith("MAIL FROM"))).toEqual([]);
  });

  it("fails, quickly and temporarily, on a reply of endless continuation lines instead of holding them all", async () => {
    const server = await startScripted((line, session) => {
      if (/^EHLO/i.test(line)) session.say("250-scripted\r\n" + "250-X-PADDING-PADDING-PADDING-PADDING-PADDING-PADDING\r\n".repeat(4000));
      else answer(line, session, []);
    });
    const error = await failure(mailer(server.port).sendPrepared(mail("hello\r\n")));
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/too long/);
  });

  it("sends nothing more on a connection once it said QUIT (idle past socketTimeout), even while the server has not answered", async () => {
    let heldQuit: Session | undefined;
    const server = await startScripted((line, session) => {
      if (session === heldQuit) return; // The QUIT and anything after it go unanswered.
      if (/^QUIT$/i.test(line)) heldQuit = session;
      else answer(line, session, ["PIPELINING"]);
    });
    const pool = new SmtpPool({
      ...smtpOptionsFromUrl(`smtp://127.0.0.1:${server.port}`),
      socketTimeout: 200,
      maxConnections: 2,
      maxMessages: 1000,
      rateLimit: 0,
    });
    closers.push(() => pool.close());
    const raw = Buffer.from(mail("x\r\n").raw);
    await pool.send("digest@dispatch.test", "first@example.com", raw, { eightBit: false, wireSafe: false });
    await eventually(() => expect(heldQuit).toBeDefined());
    await pool.send("digest@dispatch.test", "second@example.com", raw, { eightBit: false, wireSafe: false });
    const first = server.sessions[0]!.heard;
    expect(first.slice(first.indexOf("QUIT\r\n") + 1)).toEqual([]);
    expect(server.sessions[1]!.heard.filter((l) => l.startsWith("RCPT TO"))).toEqual(["RCPT TO:<second@example.com>\r\n"]);
  });

  it("takes an answer without a reply code to RCPT TO as a temporary failure, not a refusal of the address", async () => {
    const server = await startScripted((line, session) => {
      if (/^RCPT/i.test(line)) session.say("garbled\r\n");
      else if (/^DATA$/i.test(line)) session.say("503 no valid recipients\r\n");
      else answer(line, session, ["PIPELINING"]);
    });
    const error = await failure(mailer(server.port).sendPrepared(mail("hello\r\n")));
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.permanent).toBe(false);
  });

  it("reads replies a byte at a time and several in one packet (pipelined), multi-line ones too", async () => {
    const server = await startScripted((line, session) => {
      const say = session.say;
      if (/^EHLO/i.test(line)) for (const byte of "250-scripted\r\n250-PIPELINING\r\n250 8BITMIME\r\n") say(byte);
      else if (/^MAIL/i.test(line)) say("250 ok\r\n250-recipient\r\n250 ok\r\n354 go\r\n");
      else if (/^QUIT$/i.test(line)) say("221 bye\r\n");
      else if (!/^(RCPT|DATA)/i.test(line)) say("250 ok\r\n");
    });
    const m = mailer(server.port);
    expect(await m.eightBitMime()).toBe(true);
    await m.sendPrepared(mail("one\r\n"));
    await m.sendPrepared(mail("two\r\n"));
    expect(server.heard().filter((l) => l.includes("\r\n.\r\n"))).toHaveLength(2);
    expect(server.sessions).toHaveLength(1);
  });

  it.each([
    ["554 no valid recipients", false],
    ["354 go ahead anyway", true],
  ])("sends no body when RCPT TO is refused and the pipelined DATA gets %s (RFC 2920), and goes on", async (dataAnswer, emptyData) => {
    const server = await startScripted((line, session) => {
      if (/^RCPT TO:<nobody@/i.test(line)) session.say("550 no such user\r\n");
      else if (/^DATA$/i.test(line) && session.heard.at(-2)?.startsWith("RCPT TO:<nobody@")) session.say(`${dataAnswer}\r\n`);
      else answer(line, session, ["PIPELINING"]);
    });
    const m = mailer(server.port);
    const error = await failure(m.sendPrepared({ ...mail("secret body\r\n"), to: "nobody@example.com" }));
    expect([error.responseCode, error.permanent]).toEqual([550, true]);
    await m.sendPrepared(mail("fine\r\n"));
    const heard = server.heard();
    expect(heard.filter((l) => l.includes("secret body"))).toEqual([]);
    expect(heard.filter((l) => l === ".\r\n")).toHaveLength(emptyData ? 1 : 0);
    expect(heard.filter((l) => l === "RSET\r\n")).toHaveLength(1);
    expect(server.sessions).toHaveLength(1);
  });

  it("takes a 421 to MAIL FROM as the connection closing: the message goes over a new one, once", async () => {
    let mails = 0;
    const server = await startScripted((line, session) => {
      if (/^MAIL/i.test(line) && ++mails === 2) {
        // A server's idle timeout meeting the next message: 421, then it closes.
        session.say("421 4.4.2 timeout exceeded\r\n");
        session.end();
      } else answer(line, session, []);
    });
    const m = mailer(server.port);
    await m.sendPrepared(mail("one\r\n"));
    await m.sendPrepared(mail("two\r\n"));
    expect(server.sessions).toHaveLength(2);
    expect(server.heard().filter((l) => l.includes("\r\n.\r\n"))).toHaveLength(2);
  });

  it.each([
    ["250", "resolves"],
    ["421", "rejects"],
  ])(
    "takes an answer %s before the server read the message as its answer, and settles only once the socket let go of the bytes (they may then be written over): the connection is not used again",
    async (code) => {
      // A server that answers the end of data as soon as the message starts, then reads nothing for a
      // while: most of a 16 MB message still waits in the client's socket when the answer comes.
      const size = 16 * 1024 * 1024;
      const chunks: Buffer[] = [];
      let length = 0;
      let answered!: () => void;
      const answeredEarly = new Promise<void>((resolve) => (answered = resolve));
      let closed!: () => void;
      const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
      const server = net.createServer((socket) => {
        socket.on("error", () => {});
        socket.on("close", () => closed());
        let inData = false;
        let text = "";
        let tail = "";
        socket.on("data", (chunk: Buffer) => {
          if (inData) {
            // The first bytes of the message: the answer goes out now, and reading stops a while.
            if (!length) {
              socket.write(`${code} early\r\n`);
              socket.pause();
              answered();
              setTimeout(() => socket.resume(), 300);
            }
            chunks.push(chunk);
            length += chunk.length;
            // The end of data was answered already: back to commands (QUIT).
            tail = (tail + chunk.subarray(-5).toString("latin1")).slice(-5);
            if (tail === "\r\n.\r\n") inData = false;
            return;
          }
          text += chunk.toString("latin1");
          for (let end = text.indexOf("\r\n"); end >= 0 && !inData; end = text.indexOf("\r\n")) {
            const line = text.slice(0, end);
            text = text.slice(end + 2);
            if (/^EHLO/i.test(line)) socket.write("250-scripted\r\n250 PIPELINING\r\n");
            else if (/^DATA/i.test(line)) {
              inData = true;
              socket.write("354 go ahead\r\n");
            } else socket.write(/^QUIT/i.test(line) ? "221 bye\r\n" : "250 ok\r\n");
          }
        });
        socket.write("220 scripted ESMTP\r\n");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const m = mailer((server.address() as AddressInfo).port);
      const head = "From: digest@dispatch.test\r\nTo: reader@example.com\r\nSubject: big\r\n\r\n";
      // Shared memory, as a render thread's slab: what the sender is done with is written over at once.
      const raw = Buffer.from(new SharedArrayBuffer(size));
      raw.write(head, "latin1");
      raw.fill("abcdefghij\r\n", head.length);
      raw.write("\r\n", size - 2, "latin1");
      const settled = m.sendPrepared({ to: "reader@example.com", messageId: "<big@dispatch.test>", raw, wireSafe: true }).then(
        () => "resolves",
        () => "rejects",
      );
      await answeredEarly;
      const outcome = await settled;
      raw.fill("X");
      // The client ends the connection; the server reads what had reached it before.
      await connectionClosed;
      expect(length).toBeGreaterThan(0);
      expect(length).toBeLessThan(size);
      expect(Buffer.concat(chunks).includes("X")).toBe(false);
      expect(outcome).toBe(code === "250" ? "resolves" : "rejects");
    },
    20_000,
  );

  it("takes a 421 at the end of data as the connection closing, even when the server keeps it open: the next message goes over a new one", async () => {
    let ends = 0;
    const server = await startScripted(
      (line, session) => answer(line, session, ["PIPELINING"]),
      () => (++ends === 1 ? "421 4.3.0 shutting down\r\n" : "250 queued\r\n"),
    );
    const m = mailer(server.port);
    const refused = await failure(m.sendPrepared(mail("one\r\n")));
    expect(refused.responseCode).toBe(421);
    expect(refused.permanent).toBe(false);
    await m.sendPrepared(mail("two\r\n"));
    expect(server.sessions).toHaveLength(2);
    expect(server.sessions[0]!.heard.filter((l) => /^MAIL/.test(l))).toHaveLength(1);
  });

  it.each(["PLAIN", "LOGIN"])("keeps the password out of the error when the server quotes it back after AUTH %s", async (method) => {
    const server = await startScripted((line, session) => {
      const [verb, arg] = line.split(" ");
      if (verb === "AUTH" && arg === "LOGIN") session.say("334 VXNlcm5hbWU6\r\n");
      else if (verb === "AUTH") session.say(`535 5.7.8 bad credentials: ${line.slice(11)}\r\n`);
      else if (session.heard.at(-2) === "AUTH LOGIN\r\n") session.say("334 UGFzc3dvcmQ6\r\n");
      else if (session.heard.at(-3) === "AUTH LOGIN\r\n") session.say(`535 5.7.8 bad password ${line}\r\n`);
      else answer(line, session, [`AUTH ${method}`]);
    });
    const password = "hunter2-secret";
    const m = createMailer({ smtpUrl: `smtp://mailer:${password}@127.0.0.1:${server.port}`, dataDir: tmpdir(), from: "digest@dispatch.test" });
    closers.push(() => m.close());
    const refused = await failure(m.sendPrepared(mail("x\r\n")));
    expect(refused.responseCode).toBe(535);
    const said = [refused.message, String((refused.cause as Error).message)].join("\n");
    for (const secret of [password, Buffer.from(password).toString("base64"), Buffer.from(`\0mailer\0${password}`).toString("base64")]) {
      expect(said).not.toContain(secret);
    }
    expect(said).toContain("bad");
  });
});
