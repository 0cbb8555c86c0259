// A small SMTP client for sending pre-composed messages fast: a pool of connections, each speaking
// EHLO, STARTTLS (or TLS from the first byte), AUTH PLAIN/LOGIN, and per message MAIL FROM, RCPT TO
// and DATA in one round trip where the server advertises PIPELINING (RFC 2920), then the bytes as
// they are, dot-stuffed with Buffer.indexOf. nodemailer's pool spent most of its time per message on
// its Mailer/MimeNode machinery (even for raw bytes) and on dot-stuffing byte by byte in JavaScript.
import net from "node:net";
import os from "node:os";
import tls from "node:tls";

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (smtps://); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Never STARTTLS, even when offered. */
  ignoreTLS: boolean;
  /** Fail unless the connection is TLS (STARTTLS must be offered). */
  requireTLS: boolean;
  /** Log in over a connection that is not TLS to a host that is not this machine (the password then crosses the network in the clear). */
  allowPlainAuth: boolean;
  rejectUnauthorized: boolean;
  /** The name said in EHLO. */
  name: string;
  auth?: { user: string; pass: string } | undefined;
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

export interface SmtpPoolOptions extends SmtpOptions {
  maxConnections: number;
  /** Messages per connection before it is closed and another opened. */
  maxMessages: number;
  /** Messages per second across the pool; 0 = unlimited. */
  rateLimit: number;
}

/** What went wrong, SMTP's reply code when the server gave one. */
export class SmtpError extends Error {
  readonly code: string;
  readonly responseCode: number | undefined;
  /** About this message (its envelope, its bytes), not the connection: a 5xx here is permanent. */
  readonly aboutMessage: boolean;
  /** Nothing of the message reached the server: sending it on another connection cannot double it. */
  readonly unsent: boolean;
  constructor(code: string, message: string, options: { responseCode?: number | undefined; aboutMessage?: boolean; unsent?: boolean } = {}) {
    super(message);
    this.name = "SmtpError";
    this.code = code;
    this.responseCode = options.responseCode;
    this.aboutMessage = options.aboutMessage ?? false;
    this.unsent = options.unsent ?? false;
  }
}

/** The connection settings of an smtp:// or smtps:// URL. Query options: secure, ignoreTLS, requireTLS, name, tls.rejectUnauthorized. */
export function smtpOptionsFromUrl(url: string): SmtpOptions {
  const parsed = new URL(url);
  const query = parsed.searchParams;
  const flag = (name: string, fallback: boolean) => {
    const value = query.get(name)?.toLowerCase();
    return value === undefined ? fallback : ["true", "1", "yes", "on"].includes(value);
  };
  const secure = flag("secure", parsed.protocol === "smtps:");
  const user = decodeURIComponent(parsed.username);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost",
    port: Number(parsed.port) || (secure ? 465 : 587),
    secure,
    ignoreTLS: flag("ignoreTLS", false),
    requireTLS: flag("requireTLS", false),
    allowPlainAuth: flag("allowPlainAuth", false),
    rejectUnauthorized: flag("tls.rejectUnauthorized", true),
    name: query.get("name")?.replace(/[\r\n\s]+/g, "") || defaultName(),
    auth: user ? { user, pass: decodeURIComponent(parsed.password) } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  };
}

/** The machine's name when it is a domain name, as nodemailer says it; an address literal otherwise. */
function defaultName(): string {
  const name = os.hostname();
  return name.includes(".") ? name : "[127.0.0.1]";
}

interface Reply {
  code: number;
  /** The reply's lines without their codes, joined by a space. */
  text: string;
  lines: string[];
}

interface Waiter {
  resolve(reply: Reply): void;
  reject(error: SmtpError): void;
}

const DOT = Buffer.from(".");
const END_AFTER_CRLF = Buffer.from(".\r\n");
const CRLF_END = Buffer.from("\r\n.\r\n");
const CR = 0x0d;
const LF = 0x0a;

/** What the sender knows of a message's bytes beforehand. */
export interface MessageShape {
  /** A part is 8bit: MAIL FROM announces BODY=8BITMIME. */
  eightBit: boolean;
  /** Its composer vouches that every line ends in CRLF and none starts with ".": nothing to scan. */
  wireSafe: boolean;
}

/**
 * The DATA bytes of a message (RFC 5321 4.5.2): every line break CRLF (a bare CR or LF could end the
 * data early for a receiver that reads it so: SMTP smuggling), a dot doubled at the start of a line,
 * then the terminating dot. Slices of the message, not a copy, unless it has bare line breaks.
 */
function dotStuff(raw: Buffer, wireSafe: boolean): Buffer[] {
  if (wireSafe) return [raw, endsWithCrlf(raw) ? END_AFTER_CRLF : CRLF_END];
  const data = hasBareLineBreak(raw) ? crlfOnly(raw) : raw;
  const chunks: Buffer[] = [];
  let start = 0;
  // A chunk ends with the line's dot and the next starts with it again: the dot goes out twice.
  if (data[0] === 0x2e) chunks.push(DOT);
  for (let i = data.indexOf("\r\n."); i >= 0; i = data.indexOf("\r\n.", i + 3)) {
    chunks.push(data.subarray(start, i + 3));
    start = i + 2;
  }
  chunks.push(start === 0 ? data : data.subarray(start));
  chunks.push(endsWithCrlf(data) ? END_AFTER_CRLF : CRLF_END);
  return chunks;
}

function endsWithCrlf(data: Buffer): boolean {
  return data.length >= 2 && data[data.length - 2] === CR && data[data.length - 1] === LF;
}

function hasBareLineBreak(raw: Buffer): boolean {
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) if (i === 0 || raw[i - 1] !== CR) return true;
  for (let i = raw.indexOf(CR); i >= 0; i = raw.indexOf(CR, i + 1)) if (raw[i + 1] !== LF) return true;
  return false;
}

/** Every CR, LF and CRLF as CRLF, copying line by line (a digest's HTML part may have bare LFs). */
function crlfOnly(raw: Buffer): Buffer {
  const out = Buffer.allocUnsafe(raw.length * 2);
  let n = 0;
  let start = 0;
  let cr = raw.indexOf(CR);
  let lf = raw.indexOf(LF);
  while (cr >= 0 || lf >= 0) {
    const at = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
    n += raw.copy(out, n, start, at);
    out[n++] = CR;
    out[n++] = LF;
    start = raw[at] === CR && raw[at + 1] === LF ? at + 2 : at + 1;
    if (cr >= 0 && cr < start) cr = raw.indexOf(CR, start);
    if (lf >= 0 && lf < start) lf = raw.indexOf(LF, start);
  }
  n += raw.copy(out, n, start);
  return out.subarray(0, n);
}

/** One SMTP session. Not for use by two senders at once: the pool hands it to one at a time. */
class SmtpConnection {
  readonly extensions = new Set<string>();
  /** Messages handed to this connection so far. */
  messages = 0;
  /** It has sat idle in the pool: the server may have closed it meanwhile. */
  pooled = false;
  /** Called once when the connection is gone, whatever the reason. */
  onEnd: () => void = () => {};
  private socket: net.Socket | undefined;
  private partial = "";
  private lines: string[] = [];
  private linesLength = 0;
  private waiting: Waiter[] = [];
  private failure: SmtpError | undefined;
  private authMethods: string[] = [];
  /** The largest message the server takes (SIZE, RFC 1870); 0 when it gives no limit. */
  private maxSize = 0;
  /** QUIT said (retired, or idle past socketTimeout): no further message may go out on it. */
  private quitting = false;

  constructor(private readonly options: SmtpOptions) {}

  get usable(): boolean {
    return this.failure === undefined && !this.quitting;
  }

  get eightBitMime(): boolean {
    return this.extensions.has("8BITMIME");
  }

  async open(): Promise<void> {
    const o = this.options;
    const timer = setTimeout(
      () => this.fail(new SmtpError("ETIMEDOUT", `no connection to ${o.host}:${o.port} within ${o.connectionTimeout} ms`)),
      o.connectionTimeout,
    );
    try {
      const tlsOptions = { rejectUnauthorized: o.rejectUnauthorized, ...(net.isIP(o.host) ? {} : { servername: o.host }) };
      const socket = o.secure ? tls.connect({ host: o.host, port: o.port, ...tlsOptions }) : net.connect({ host: o.host, port: o.port });
      this.attach(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once(o.secure ? "secureConnect" : "connect", resolve);
        this.waiting.push({ resolve: () => {}, reject });
      }).finally(() => this.waiting.pop());
      clearTimeout(timer);
      const greeting = await this.reply(o.greetingTimeout);
      if (greeting.code !== 220) throw replyError("EPROTOCOL", "greeting", greeting);
      socket.setTimeout(o.socketTimeout);
      await this.hello();
      if (!o.secure && !o.ignoreTLS && this.extensions.has("STARTTLS")) {
        const answer = await this.command("STARTTLS");
        if (answer.code !== 220) throw replyError("ETLS", "STARTTLS", answer);
        await this.upgrade(tlsOptions);
        await this.hello();
      } else if (o.requireTLS && !o.secure) {
        throw new SmtpError("ETLS", "the server does not offer STARTTLS and requireTLS is set");
      }
      // As nodemailer: credentials go only to a server that offers AUTH (never to one that did not ask for them).
      if (o.auth && this.extensions.has("AUTH")) {
        // Unlike nodemailer, never in the clear across a network: a server (or someone between) that does
        // not offer STARTTLS would otherwise be sent the password as it is. Judged by the address the
        // socket is connected to, not by how the host is written.
        if (!(this.socket instanceof tls.TLSSocket) && !isLoopback(this.socket?.remoteAddress) && !o.allowPlainAuth) {
          throw new SmtpError(
            "ETLS",
            "the server asks for a login but offers no TLS: the password would cross the network in the clear (use smtps://, a server with STARTTLS, or ?allowPlainAuth=true)",
          );
        }
        await this.login(o.auth);
      }
    } catch (error) {
      const failure = asSmtpError(error);
      this.fail(failure);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends one message; resolves with the server's final reply. A reply refusing the message rejects
   * with its code and leaves the connection usable; a connection that fails rejects and is closed.
   */
  async send(from: string, to: string, raw: Buffer, shape: MessageShape): Promise<string> {
    const { eightBit } = shape;
    if (eightBit && !this.eightBitMime) {
      throw new SmtpError("E8BIT", "the server does not take 8-bit mail (it does not advertise 8BITMIME)", { unsent: true });
    }
    for (const address of [from, to]) {
      if (/[\r\n<>\s]/.test(address)) throw new SmtpError("EENVELOPE", "invalid address in the envelope", { aboutMessage: true, unsent: true });
    }
    const data = dotStuff(raw, shape.wireSafe);
    // RFC 1870's size: the message with its line breaks as CRLF, without the doubled dots (one per chunk
    // but the last two) and the terminating ".\r\n".
    const size = data.reduce((n, chunk) => n + chunk.length, 0) - (data.length - 2) - 3;
    if (this.maxSize && size > this.maxSize) {
      throw new SmtpError("ESIZE", `the message is ${size} bytes, more than the server takes (SIZE ${this.maxSize})`, { aboutMessage: true, unsent: true });
    }
    this.messages++;
    let mailFrom = `MAIL FROM:<${from}>`;
    if (eightBit) mailFrom += " BODY=8BITMIME";
    if (this.extensions.has("SIZE")) mailFrom += ` SIZE=${size}`;
    // eslint-disable-next-line no-control-regex
    if (this.extensions.has("SMTPUTF8") && /[^\x00-\x7f]/.test(from + to)) mailFrom += " SMTPUTF8";
    const rcptTo = `RCPT TO:<${to}>`;
    let replies: Reply[];
    try {
      if (this.extensions.has("PIPELINING")) {
        this.write(`${mailFrom}\r\n${rcptTo}\r\nDATA\r\n`);
        replies = await this.replies(3);
      } else {
        replies = [await this.command(mailFrom)];
        if (replies[0]!.code === 250) replies.push(await this.command(rcptTo));
        if (replies[1] && isPositive(replies[1])) replies.push(await this.command("DATA"));
      }
    } catch (error) {
      // Nothing but the envelope went out: the server cannot have the message.
      const e = asSmtpError(error);
      throw new SmtpError(e.code, e.message, { responseCode: e.responseCode, unsent: true });
    }
    // 421 (RFC 5321 3.8): the server is closing the connection, whatever the command; nothing of the message is refused.
    const closing = replies.find((reply) => reply.code === 421);
    if (closing) {
      const error = replyError("ECONNECTION", "the server", closing);
      this.fail(error);
      throw new SmtpError(error.code, error.message, { responseCode: error.responseCode, unsent: true });
    }
    const [mail, rcpt, dataReply] = replies;
    if (mail!.code !== 250 || !rcpt || !isPositive(rcpt) || dataReply?.code !== 354) {
      const refusal =
        mail!.code !== 250
          ? replyError("EENVELOPE", "MAIL FROM", mail!)
          : !rcpt || !isPositive(rcpt)
            ? replyError("EENVELOPE", "RCPT TO", rcpt!)
            : replyError("EENVELOPE", "DATA", dataReply!);
      await this.abandon(dataReply?.code === 354);
      // 530 (RFC 4954): the session wants AUTH; nothing about this message or its recipient. A line
      // without a reply code is the server (or something between) garbling, not a refusal. A refused
      // MAIL FROM refuses our own sender, the same for every recipient: not a subscriber's bounce.
      const aboutMessage = refusal.responseCode !== undefined && refusal.responseCode !== 530 && mail!.code === 250;
      throw new SmtpError(refusal.code, refusal.message, { responseCode: refusal.responseCode, aboutMessage, unsent: true });
    }
    const socket = this.socket!;
    // The send settles only once the socket no longer holds the message's bytes (the caller may then
    // write over them: slabs.ts): the last chunk's write finished (or failed), or the connection is destroyed.
    let written = false;
    socket.cork();
    data.forEach((chunk, i) => socket.write(chunk, i < data.length - 1 ? undefined : () => (written = true)));
    socket.uncork();
    const final = await this.reply();
    // A reply read before the write of the message's end is reported done (libuv reports a finished
    // write before it reads what came after it): the server answered out of turn, without the whole
    // message. Its answer stands, but the connection is not used again: destroyed, the socket no
    // longer reads the bytes either.
    if (!written) this.fail(new SmtpError("EPROTOCOL", `the server answered before the end of the message (${final.code} ${final.text})`));
    // 421 (RFC 5321 3.8): the server is closing the connection; nothing more goes on it.
    if (final.code === 421) this.fail(replyError("ECONNECTION", "the server", final));
    if (final.code !== 250) throw new SmtpError("EMESSAGE", `${final.code} ${final.text} (end of data)`, { responseCode: final.code, aboutMessage: true });
    return `${final.code} ${final.text}`;
  }

  /** Says QUIT and closes; never fails. */
  async quit(): Promise<void> {
    if (!this.usable) return;
    this.quitting = true;
    try {
      await this.command("QUIT", 5_000);
    } catch {
      // Closing anyway.
    }
    this.fail(new SmtpError("ECLOSED", "connection closed after QUIT"));
  }

  /** After a refused envelope: ends an accepted DATA with nothing in it, then RSET. */
  private async abandon(dataAccepted: boolean): Promise<void> {
    try {
      if (dataAccepted) await this.command(".");
      const reset = await this.command("RSET");
      if (reset.code !== 250) this.fail(replyError("EPROTOCOL", "RSET", reset));
    } catch {
      // The connection failed and is closed: the message's own refusal is what the caller hears.
    }
  }

  private async hello(): Promise<void> {
    this.extensions.clear();
    this.authMethods = [];
    this.maxSize = 0;
    let answer = await this.command(`EHLO ${this.options.name}`);
    if (answer.code !== 250) {
      answer = await this.command(`HELO ${this.options.name}`);
      if (answer.code !== 250) throw replyError("EPROTOCOL", "HELO", answer);
      return;
    }
    for (const line of answer.lines.slice(1)) {
      const [keyword = "", ...params] = line.trim().split(/\s+/);
      const upper = keyword.toUpperCase();
      if (upper === "AUTH" || upper.startsWith("AUTH=")) {
        this.authMethods.push(...[upper.slice(5), ...params].filter(Boolean).map((m) => m.toUpperCase()));
        this.extensions.add("AUTH");
      } else this.extensions.add(upper);
      if (upper === "SIZE") this.maxSize = Number(params[0]) || 0;
    }
  }

  private async login(auth: { user: string; pass: string }): Promise<void> {
    const methods = this.authMethods;
    const plain = Buffer.from(`\0${auth.user}\0${auth.pass}`).toString("base64");
    const pass = Buffer.from(auth.pass).toString("base64");
    let answer: Reply;
    if (methods.includes("PLAIN") || !methods.includes("LOGIN")) {
      answer = await this.command(`AUTH PLAIN ${plain}`);
    } else {
      answer = await this.command("AUTH LOGIN");
      if (answer.code === 334) answer = await this.command(Buffer.from(auth.user).toString("base64"));
      if (answer.code === 334) answer = await this.command(pass);
    }
    if (answer.code !== 235) {
      // A server may quote what it was sent: the error (which gets logged) must not carry the password.
      const secrets = [plain, pass, auth.pass].filter((secret) => secret.length >= 4);
      const text = secrets.reduce((t, secret) => t.split(secret).join("***"), answer.text);
      throw replyError("EAUTH", "authentication", { ...answer, text });
    }
  }

  private async upgrade(tlsOptions: tls.ConnectionOptions): Promise<void> {
    // RFC 3207 section 4.2: nothing the server said before TLS counts after it. Bytes after its 220, in
    // the clear, can only be an injection (or a broken server): they would be read as the first answers
    // of the TLS session.
    if (this.partial || this.lines.length) throw new SmtpError("EPROTOCOL", "the server sent more than its answer to STARTTLS");
    const plain = this.socket!;
    plain.removeAllListeners("data");
    plain.removeAllListeners("timeout");
    plain.removeAllListeners("close");
    plain.removeAllListeners("error");
    plain.on("error", () => {});
    const secure = tls.connect({ ...tlsOptions, socket: plain });
    this.attach(secure);
    secure.setTimeout(this.options.socketTimeout);
    // The handshake waits like an answer: a failure or a timeout ends it.
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", resolve);
      this.waiting.push({ resolve: () => {}, reject });
    }).finally(() => this.waiting.pop());
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.read(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => this.fail(new SmtpError(error.code ?? "ESOCKET", error.message)));
    socket.on("close", () => this.fail(new SmtpError("ECONNECTION", "the server closed the connection")));
    socket.on("timeout", () => {
      if (this.waiting.length) this.fail(new SmtpError("ETIMEDOUT", `no answer from the server within ${this.options.socketTimeout} ms`));
      else void this.quit();
    });
  }

  private read(chunk: Buffer): void {
    this.partial += chunk.toString("latin1");
    for (let end = this.partial.indexOf("\n"); end >= 0; end = this.partial.indexOf("\n")) {
      const line = this.partial.slice(0, end).replace(/\r$/, "");
      this.partial = this.partial.slice(end + 1);
      this.lines.push(line);
      this.linesLength += line.length;
      if (line[3] === "-") {
        if (this.linesLength > 64 * 1024) return this.fail(new SmtpError("EPROTOCOL", "the server's reply is too long"));
        continue;
      }
      const reply: Reply = { code: Number(line.slice(0, 3)) || 0, lines: this.lines.map((l) => l.slice(4)), text: this.lines.map((l) => l.slice(4)).join(" ") };
      this.lines = [];
      this.linesLength = 0;
      const waiter = this.waiting.shift();
      if (waiter) waiter.resolve(reply);
      // An answer nobody asked for: the server closing the session (421), or talking out of turn.
      else this.fail(replyError("ECONNECTION", "the server", reply));
    }
    if (this.partial.length > 64 * 1024) this.fail(new SmtpError("EPROTOCOL", "the server's reply is too long"));
  }

  private write(text: string): void {
    if (this.failure) return;
    this.socket!.write(text, "utf8");
  }

  private command(line: string, timeout?: number): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.reply(timeout);
  }

  private reply(timeout?: number): Promise<Reply> {
    return this.replies(1, timeout).then((replies) => replies[0]!);
  }

  private replies(count: number, timeout?: number): Promise<Reply[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Reply[]>((resolve, reject) => {
      const got: Reply[] = [];
      const timer =
        timeout === undefined ? undefined : setTimeout(() => this.fail(new SmtpError("ETIMEDOUT", `no answer from the server within ${timeout} ms`)), timeout);
      const done = (error?: SmtpError) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(got);
      };
      for (let i = 0; i < count; i++) {
        this.waiting.push({
          resolve: (reply) => {
            got.push(reply);
            if (got.length === count) done();
          },
          reject: (error) => done(error),
        });
      }
    });
  }

  private fail(error: SmtpError): void {
    if (this.failure) return;
    this.failure = error;
    this.socket?.destroy();
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    this.onEnd();
  }
}

/** An address of this machine's loopback, as a connected socket reports it (127.0.0.0/8, ::1, or 127.x mapped into IPv6): a password sent to it in the clear crosses no network. */
function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.replace(/^::ffff:/i, "");
  return address === "::1" || (net.isIPv4(v4) && v4.startsWith("127."));
}

function isPositive(reply: Reply): boolean {
  return reply.code === 250 || reply.code === 251;
}

function replyError(code: string, step: string, reply: Reply): SmtpError {
  return new SmtpError(code, `${reply.code} ${reply.text} (${step})`, { responseCode: reply.code || undefined });
}

function asSmtpError(error: unknown): SmtpError {
  if (error instanceof SmtpError) return error;
  const e = error as NodeJS.ErrnoException;
  return new SmtpError(e.code ?? "ESOCKET", e.message ?? String(error));
}

/**
 * At most maxConnections sessions, each reused for up to maxMessages messages. A message is never
 * sent twice by the pool, with one exception that cannot double it: a connection that sat idle and
 * turns out closed before any of the message went out, tried once more on a new connection.
 */
export class SmtpPool {
  private readonly idle: SmtpConnection[] = [];
  private opened = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly quitting = new Set<Promise<void>>();
  private closing = false;
  private eightBit: boolean | undefined;
  private windowStart = 0;
  private windowCount = 0;

  constructor(private readonly options: SmtpPoolOptions) {}

  send(from: string, to: string, raw: Buffer, shape: MessageShape): Promise<string> {
    if (this.closing) return Promise.reject(new SmtpError("ECLOSED", "the mailer is closed", { unsent: true }));
    const task = this.sendOn(from, to, raw, shape, true);
    this.inFlight.add(task);
    const forget = () => this.inFlight.delete(task);
    task.then(forget, forget);
    return task;
  }

  /** Whether the server advertises 8BITMIME, from a connection of the pool (opened for it if none is). */
  async eightBitMime(): Promise<boolean> {
    if (this.eightBit === undefined) {
      const connection = await this.acquire();
      this.release(connection);
    }
    return this.eightBit!;
  }

  /** Waits for every message handed over, then closes the connections. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    for (const connection of this.idle.splice(0)) this.retire(connection);
    await Promise.all([...this.quitting]);
  }

  /** QUIT, tracked so that close() waits for it. */
  private retire(connection: SmtpConnection): void {
    const quit = connection.quit();
    this.quitting.add(quit);
    void quit.finally(() => this.quitting.delete(quit));
  }

  private async sendOn(from: string, to: string, raw: Buffer, shape: MessageShape, mayRetry: boolean): Promise<string> {
    await this.pace();
    const connection = await this.acquire();
    const reused = connection.pooled;
    try {
      return await connection.send(from, to, raw, shape);
    } catch (error) {
      const e = asSmtpError(error);
      if (mayRetry && reused && e.unsent && !e.aboutMessage && !connection.usable) return this.sendOn(from, to, raw, shape, false);
      throw e;
    } finally {
      this.release(connection);
    }
  }

  private async acquire(): Promise<SmtpConnection> {
    for (;;) {
      const idle = this.idle.pop();
      if (idle?.usable) return idle;
      if (idle) continue;
      if (this.opened < this.options.maxConnections) {
        this.opened++;
        const connection = new SmtpConnection(this.options);
        connection.onEnd = () => {
          this.opened--;
          const at = this.idle.indexOf(connection);
          if (at >= 0) this.idle.splice(at, 1);
          this.waiters.shift()?.();
        };
        await connection.open();
        this.eightBit = connection.eightBitMime;
        return connection;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private release(connection: SmtpConnection): void {
    if (!connection.usable) return;
    const waiter = this.waiters.shift();
    if (connection.messages >= this.options.maxMessages || (this.closing && !waiter)) {
      this.retire(connection);
      waiter?.();
      return;
    }
    connection.pooled = true;
    this.idle.push(connection);
    waiter?.();
  }

  /** rateLimit messages in any one-second window. */
  private async pace(): Promise<void> {
    const limit = this.options.rateLimit;
    if (!limit) return;
    for (;;) {
      const now = Date.now();
      // A clock set back starts a new window too (instead of waiting for the old one to end).
      if (now - this.windowStart >= 1000 || now < this.windowStart) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      if (this.windowCount < limit) {
        this.windowCount++;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.windowStart + 1000 - now));
    }
  }
}
