// The SMTP client (src/mail/smtp.ts) through the mailer, against a real smtp-server on 127.0.0.1,
// sometimes behind a TCP relay that records what the client writes or cuts the connection.
import { generateKeyPairSync } from "node:crypto";
import net, { type AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMailer, MailSendError, type Mailer, type MailerOptions, type PreparedMail } from "#src/mail/transport.js";
import { eventually } from "#test/support/eventually.js";
import { selfSignedCertificate } from "#test/support/x509.js";

interface Received {
  to: string[];
  mailFromArgs: Record<string, unknown>;
  raw: Buffer;
  secure: boolean;
  user: unknown;
}

interface Server {
  port: number;
  received: Received[];
  /** Sessions opened so far, and the most open at once. */
  connections: { total: number; open: number; most: number };
  close(): Promise<void>;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** `host`: where it listens (127.0.0.1 unless a test needs another of this machine's addresses). */
async function startServer(options: SMTPServerOptions = {}, host = "127.0.0.1"): Promise<Server> {
  const received: Received[] = [];
  const connections = { total: 0, open: 0, most: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: options.key ? [] : ["STARTTLS"],
    logger: false,
    size: 10 * 1024 * 1024,
    onConnect(_session, callback) {
      connections.total++;
      connections.most = Math.max(connections.most, ++connections.open);
      callback();
    },
    onClose() {
      connections.open--;
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          mailFromArgs: (session.envelope.mailFrom && session.envelope.mailFrom.args) || {},
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: session.user,
        });
        callback();
      });
    },
    ...options,
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  closers.push(close);
  return { port: (server.server.address() as AddressInfo).port, received, connections, close };
}

/** A TCP relay in front of a server: records what clients write; `cutInData` drops the connection halfway through a message's bytes. */
async function startRelay(port: number, options: { cutInData?: boolean } = {}) {
  const written: string[] = [];
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    let inData = false;
    upstream.on("data", (chunk: Buffer) => {
      if (/^354 /m.test(chunk.toString("latin1"))) inData = true;
      client.write(chunk);
    });
    client.on("data", (chunk: Buffer) => {
      written.push(chunk.toString("latin1"));
      if (inData && options.cutInData) {
        upstream.end(chunk.subarray(0, chunk.length >> 1));
        client.destroy();
        return;
      }
      upstream.write(chunk);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.end());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise<void>((resolve) => relay.close(() => resolve())));
  return {
    port: (relay.address() as AddressInfo).port,
    written,
    /** Drops every connection open now, as a server closing idle sessions does; resolves once they are closed. */
    async dropAll() {
      const closed = [...sockets].map((socket) => new Promise((resolve) => socket.once("close", resolve)));
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
    },
  };
}

function mailer(url: string, options: Partial<MailerOptions> = {}): Mailer {
  const m = createMailer({ smtpUrl: url, dataDir: tmpdir(), from: "Dispatch <digest@dispatch.test>", ...options });
  closers.push(() => m.close());
  return m;
}

const HEAD = "From: digest@dispatch.test\r\nTo: reader@example.com\r\nSubject: test\r\nMessage-ID: <m@dispatch.test>\r\n\r\n";
const mail = (body: string | Buffer, to = "reader@example.com", extra: Partial<PreparedMail> = {}): PreparedMail => ({
  to,
  messageId: "<m@dispatch.test>",
  raw: Buffer.concat([Buffer.from(HEAD), Buffer.isBuffer(body) ? body : Buffer.from(body)]),
  ...extra,
});
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the send to fail");
    },
    (error: unknown) => error as MailSendError,
  );

describe("the bytes of a message", () => {
  it("arrive exactly: lines starting with a dot, a lone dot, a body ending without CRLF", async () => {
    const server = await startServer();
    const m = mailer(`smtp://127.0.0.1:${server.port}`);
    const body = ".starts with a dot\r\n..two dots\r\n.\r\nmiddle\r\n. \r\n\r\n.\r\n.\r\nlast line without CRLF";
    await m.sendPrepared(mail(body));
    const ending = "ends with CRLF\r\n.\r\n";
    await m.sendPrepared(mail(ending));
    expect(server.received.map((r) => r.raw.toString("latin1"))).toEqual([`${HEAD}${body}\r\n`, `${HEAD}${ending}`]);
  });

  it("arrive exactly from the first byte, 8-bit and binary-looking bytes too", async () => {
    const server = await startServer();
    const relay = await startRelay(server.port);
    const m = mailer(`smtp://127.0.0.1:${relay.port}`);
    const raw = Buffer.concat([
      Buffer.from(".X-First: a dot at the very start\r\n\r\n"),
      Buffer.from("Grüße 会談 \u00ff\r\n.", "utf8"),
      Buffer.from([0xfe, 0x80, 0x2e, 0x0d, 0x0a]),
    ]);
    await m.sendPrepared({ to: "reader@example.com", messageId: "<m@dispatch.test>", raw });
    expect(server.received[0]!.raw.equals(raw)).toBe(true);
    // smtp-server reads a single leading dot leniently: the wire shows it doubled.
    expect(relay.written.some((w) => w.startsWith("..X-First: "))).toBe(true);
  });

  it("never lets a bare CR or LF end the data early: every line break goes out as CRLF", async () => {
    const server = await startServer();
    const relay = await startRelay(server.port);
    const m = mailer(`smtp://127.0.0.1:${relay.port}`);
    await m.sendPrepared(mail("one\ntwo\rthree\n.\nfour\r.\rfive\r\n"));
    expect(server.received[0]!.raw.toString("latin1")).toBe(`${HEAD}one\r\ntwo\r\nthree\r\n.\r\nfour\r\n.\r\nfive\r\n`);
    // What went on the wire: the dots of those lines doubled, nothing bare.
    const wire = relay.written.join("");
    expect(wire).toContain("three\r\n..\r\nfour\r\n..\r\nfive\r\n.\r\n");
    expect(wire).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  });
});

describe("the session", () => {
  it("sends MAIL FROM, RCPT TO and DATA in one write when the server advertises PIPELINING", async () => {
    const server = await startServer();
    const relay = await startRelay(server.port);
    const m = mailer(`smtp://127.0.0.1:${relay.port}`);
    await m.sendPrepared(mail("hello\r\n"));
    await m.sendPrepared(mail("again\r\n"));
    expect(relay.written.filter((w) => /^MAIL FROM:<digest@dispatch\.test> SIZE=\d+\r\nRCPT TO:<reader@example\.com>\r\nDATA\r\n$/.test(w))).toHaveLength(2);
    expect(server.received).toHaveLength(2);
  });

  it("waits for each answer when the server does not advertise PIPELINING", async () => {
    const server = await startServer({ hidePIPELINING: true });
    const relay = await startRelay(server.port);
    const m = mailer(`smtp://127.0.0.1:${relay.port}`);
    await m.sendPrepared(mail("hello\r\n"));
    expect(relay.written.filter((w) => w.startsWith("MAIL FROM") || w.startsWith("RCPT TO") || w.startsWith("DATA"))).toEqual([
      expect.stringMatching(/^MAIL FROM:<digest@dispatch\.test> SIZE=\d+\r\n$/),
      "RCPT TO:<reader@example.com>\r\n",
      "DATA\r\n",
    ]);
    expect(server.received).toHaveLength(1);
  });

  it("upgrades with STARTTLS when offered, checking the certificate unless tls.rejectUnauthorized=false", async () => {
    const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const hour = 3_600_000;
    const cert = selfSignedCertificate(keys, "localhost", new Date(Date.now() - hour), new Date(Date.now() + 24 * hour));
    const key = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const server = await startServer({ key, cert });
    const refused = await failure(mailer(`smtp://127.0.0.1:${server.port}`).sendPrepared(mail("checked\r\n")));
    expect(refused).toBeInstanceOf(MailSendError);
    expect(refused.permanent).toBe(false);
    expect(refused.message).toMatch(/self[- ]signed|certificate/i);
    expect(server.received).toHaveLength(0);
    await mailer(`smtp://127.0.0.1:${server.port}?tls.rejectUnauthorized=false`).sendPrepared(mail("over TLS\r\n"));
    expect(server.received.map((r) => r.secure)).toEqual([true]);

    const implicit = await startServer({ key, cert, secure: true });
    await mailer(`smtps://127.0.0.1:${implicit.port}?tls.rejectUnauthorized=false`).sendPrepared(mail("TLS from the first byte\r\n"));
    expect(implicit.received.map((r) => r.secure)).toEqual([true]);
  });

  it.each(["PLAIN", "LOGIN"])("logs in with AUTH %s; a refused password appears in no error", async (method) => {
    const password = "s3cr€t:@/pässword";
    const server = await startServer({
      authMethods: [method],
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === "mailer" && auth.password === password) return callback(null, { user: auth.username });
        callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
      },
    });
    await mailer(`smtp://mailer:${encodeURIComponent(password)}@127.0.0.1:${server.port}`).sendPrepared(mail("authenticated\r\n"));
    expect(server.received.map((r) => r.user)).toEqual(["mailer"]);

    const wrong = `wrong-${password}`;
    const error = await failure(mailer(`smtp://mailer:${encodeURIComponent(wrong)}@127.0.0.1:${server.port}`).sendPrepared(mail("refused\r\n")));
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.responseCode).toBe(535);
    // The session is refused, not this message: a wrong password must not count as a bounce.
    expect(error.permanent).toBe(false);
    const said = [error.message, error.stack, String((error.cause as Error | undefined)?.message), JSON.stringify(error)].join("\n");
    for (const secret of [wrong, encodeURIComponent(wrong), Buffer.from(`\0mailer\0${wrong}`).toString("base64"), Buffer.from(wrong).toString("base64")]) {
      expect(said).not.toContain(secret);
    }
    expect(server.received).toHaveLength(1);
  });

  it("sends no password in the clear to a server on another address that asks for one without offering TLS, unless allowPlainAuth=true", async () => {
    // This machine's own address on its network: not loopback, so a password sent to it would cross a network.
    const address = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    expect(address, "a non-loopback IPv4 address on this machine").toBeDefined();
    const logins: string[] = [];
    const server = await startServer(
      {
        authMethods: ["PLAIN"],
        allowInsecureAuth: true,
        onAuth(auth, _session, callback) {
          logins.push(auth.password ?? "");
          callback(null, { user: auth.username });
        },
      },
      address,
    );
    const refused = await failure(mailer(`smtp://mailer:pass-word@${address}:${server.port}`).sendPrepared(mail("in the clear\r\n")));
    expect(refused.message).toContain("the password would cross the network in the clear");
    expect(refused.permanent).toBe(false);
    expect(logins).toEqual([]);
    expect(server.received).toHaveLength(0);
    await mailer(`smtp://mailer:pass-word@${address}:${server.port}?allowPlainAuth=true`).sendPrepared(mail("allowed\r\n"));
    expect(logins).toEqual(["pass-word"]);
    expect(server.received).toHaveLength(1);
  });

  it("sends no credentials to a server that does not offer AUTH (as nodemailer), and the message goes", async () => {
    const server = await startServer({ disabledCommands: ["STARTTLS", "AUTH"] });
    const relay = await startRelay(server.port);
    const password = "never-on-the-wire";
    await mailer(`smtp://mailer:${password}@127.0.0.1:${relay.port}`).sendPrepared(mail("no AUTH offered\r\n"));
    expect(server.received).toHaveLength(1);
    const wire = relay.written.join("");
    expect(wire).not.toMatch(/^AUTH/m);
    expect(wire).not.toContain(Buffer.from(`\0mailer\0${password}`).toString("base64"));
  });

  it("says whether the server takes 8-bit mail, and sends an 8bit message with BODY=8BITMIME only where it does", async () => {
    const server = await startServer();
    const m = mailer(`smtp://127.0.0.1:${server.port}`);
    expect(await m.eightBitMime()).toBe(true);
    await m.sendPrepared(mail("Grüße\r\n", "reader@example.com", { eightBit: true }));
    await m.sendPrepared(mail("plain\r\n"));
    expect(server.received.map((r) => r.mailFromArgs.BODY)).toEqual(["8BITMIME", undefined]);

    const seven = await startServer({ hide8BITMIME: true });
    const old = mailer(`smtp://127.0.0.1:${seven.port}`);
    expect(await old.eightBitMime()).toBe(false);
    const error = await failure(old.sendPrepared(mail("Grüße\r\n", "reader@example.com", { eightBit: true })));
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/does not take 8-bit mail/);
    await old.sendPrepared(mail("plain\r\n"));
    expect(seven.received.map((r) => r.raw.toString("utf8").endsWith("plain\r\n"))).toEqual([true]);
  });
});

describe("refusals and failures", () => {
  it("reports a 5xx as permanent and a 4xx as temporary, at RCPT TO and at the end of the data, a refused sender as temporary, and keeps the connection", async () => {
    const server = await startServer({
      onMailFrom(address, _session, callback) {
        if (address.address.startsWith("blocked")) return callback(Object.assign(new Error("sender blocked"), { responseCode: 553 }));
        callback();
      },
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith("nobody")) return callback(Object.assign(new Error("no such mailbox"), { responseCode: 550 }));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const to = session.envelope.rcptTo[0]!.address;
          if (to.startsWith("spam")) return callback(Object.assign(new Error("content refused"), { responseCode: 554 }));
          if (to.startsWith("later")) return callback(Object.assign(new Error("queue full"), { responseCode: 452 }));
          server.received.push({ to: [to], mailFromArgs: {}, raw: Buffer.concat(chunks), secure: false, user: undefined });
          callback();
        });
      },
    });
    const m = mailer(`smtp://127.0.0.1:${server.port}`, { maxConnections: 1 });
    const spam = await failure(m.sendPrepared(mail("x\r\n", "spam@example.com")));
    const later = await failure(m.sendPrepared(mail("x\r\n", "later@example.com")));
    const nobody = await failure(m.sendPrepared(mail("x\r\n", "nobody@example.com")));
    expect([spam.responseCode, spam.permanent, later.responseCode, later.permanent, nobody.responseCode, nobody.permanent]).toEqual([
      554,
      true,
      452,
      false,
      550,
      true,
    ]);
    await m.sendPrepared(mail("x\r\n", "fine@example.com"));
    const blocked = mailer(`smtp://127.0.0.1:${server.port}`, { from: "blocked@dispatch.test", maxConnections: 1 });
    const refused = await failure(blocked.sendPrepared(mail("x\r\n", "fine2@example.com")));
    // The sender refused is our own From, the same for every subscriber: retried, never a bounce.
    expect([refused.responseCode, refused.permanent]).toEqual([553, false]);
    expect(server.received.map((r) => r.to[0])).toEqual(["fine@example.com"]);
    expect(server.connections.total).toBe(2);
  });

  it("a 530 (authentication required) to MAIL FROM is about the session: temporary, not a bounce", async () => {
    const server = await startServer({
      onMailFrom(_address, _session, callback) {
        callback(Object.assign(new Error("Authentication required"), { responseCode: 530 }));
      },
    });
    const error = await failure(mailer(`smtp://127.0.0.1:${server.port}`).sendPrepared(mail("x\r\n")));
    expect([error.responseCode, error.permanent]).toEqual([530, false]);
  });

  it("a connection lost in the middle of the data is a temporary failure, and the message is not sent again", async () => {
    const server = await startServer();
    const relay = await startRelay(server.port, { cutInData: true });
    const m = mailer(`smtp://127.0.0.1:${relay.port}`);
    const error = await failure(m.sendPrepared(mail(`${"a long line of the body\r\n".repeat(2000)}`)));
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.permanent).toBe(false);
    expect(relay.written.filter((w) => w.includes("MAIL FROM"))).toHaveLength(1);
    expect(server.received).toHaveLength(0);
  });
});

describe("the pool", () => {
  it("sends over a new connection when an idle one was closed before the message went out, once", async () => {
    const server = await startServer();
    const relay = await startRelay(server.port);
    const m = mailer(`smtp://127.0.0.1:${relay.port}`, { maxConnections: 1 });
    await m.sendPrepared(mail("first\r\n", "first@example.com"));
    await relay.dropAll();
    await m.sendPrepared(mail("second\r\n", "second@example.com"));
    expect(server.received.map((r) => r.to[0])).toEqual(["first@example.com", "second@example.com"]);
    expect(server.connections.total).toBe(2);
  });

  it("sends over a new connection when the one opened to ask about 8BITMIME was closed while idle", async () => {
    const server = await startServer();
    const relay = await startRelay(server.port);
    const m = mailer(`smtp://127.0.0.1:${relay.port}`, { maxConnections: 1 });
    expect(await m.eightBitMime()).toBe(true);
    await relay.dropAll();
    await m.sendPrepared(mail("first\r\n", "first@example.com"));
    expect(server.received.map((r) => r.to[0])).toEqual(["first@example.com"]);
    expect(server.connections.total).toBe(2);
  });

  it("keeps at most SMTP_POOL_SIZE connections and reuses them", async () => {
    const server = await startServer();
    const m = mailer(`smtp://127.0.0.1:${server.port}`, { maxConnections: 2 });
    const batch = (from: number) => Array.from({ length: 20 }, (_, i) => m.sendPrepared(mail(`message ${from + i}\r\n`, `reader${from + i}@example.com`)));
    await Promise.all(batch(0));
    await Promise.all(batch(20));
    expect(server.received).toHaveLength(40);
    expect(server.connections.most).toBeLessThanOrEqual(2);
    expect(server.connections.total).toBeLessThanOrEqual(2);
  });

  it("starts at most SMTP_RATE_LIMIT messages in a second", async () => {
    const server = await startServer();
    const m = mailer(`smtp://127.0.0.1:${server.port}`, { maxConnections: 3, rateLimit: 2 });
    // The clock stands still until the test moves it: the third message waits for the next second.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2030-01-01T00:00:00Z") });
    try {
      const sends = Array.from({ length: 3 }, (_, i) => m.sendPrepared(mail(`message ${i}\r\n`, `reader${i}@example.com`)));
      await eventually(() => expect(server.received).toHaveLength(2));
      await Promise.all(sends.slice(0, 2));
      expect(server.received).toHaveLength(2);
      vi.setSystemTime(Date.parse("2030-01-01T00:00:01Z"));
      await Promise.all(sends);
      expect(server.received).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps sending when the clock is set back, instead of waiting for the old second to end", async () => {
    const server = await startServer();
    const m = mailer(`smtp://127.0.0.1:${server.port}`, { maxConnections: 1, rateLimit: 1 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2030-01-01T01:00:00Z") });
    try {
      await m.sendPrepared(mail("before\r\n", "before@example.com"));
      vi.setSystemTime(Date.parse("2030-01-01T00:00:00Z"));
      await m.sendPrepared(mail("after\r\n", "after@example.com"));
      expect(server.received.map((r) => r.to[0])).toEqual(["before@example.com", "after@example.com"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("close() waits for every message handed over, and takes no more", async () => {
    const server = await startServer();
    const m = createMailer({ smtpUrl: `smtp://127.0.0.1:${server.port}`, dataDir: tmpdir(), from: "digest@dispatch.test", maxConnections: 3 });
    const sends = Array.from({ length: 10 }, (_, i) => m.sendPrepared(mail(`message ${i}\r\n`, `reader${i}@example.com`)));
    await m.close();
    // Everything handed over is through when close() resolves, and every connection is closed.
    expect(server.received).toHaveLength(10);
    const results = await Promise.allSettled(sends);
    expect(results.map((r) => r.status)).toEqual(Array(10).fill("fulfilled"));
    await eventually(() => expect(server.connections.open).toBe(0));
    const late = await failure(m.sendPrepared(mail("late\r\n")));
    expect(late.permanent).toBe(false);
    expect(server.received).toHaveLength(10);
  });
});
