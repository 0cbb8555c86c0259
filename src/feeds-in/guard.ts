// The network guard: a partner feed may only reach public unicast addresses, checked on the address
// actually connected to (after DNS, on every redirect), so neither a redirect nor DNS rebinding can
// reach loopback, private, link-local (169.254.169.254), CGNAT (100.64/10) or IPv4-mapped ranges.
// An IPv6 address that embeds an IPv4 one (::a.b.c.d, ::ffff:a.b.c.d, ::ffff:0:a.b.c.d) gets the verdict
// of the IPv4 address: some stacks route it there.
import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector } from "undici";

class BlockedAddressError extends Error {
  readonly code = "EBLOCKEDADDRESS";
}

/** True for an address a partner feed may be fetched from without `allowPrivateNetwork`. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return embeddedIPv4(ipaddr.parse(address)).range() === "unicast";
}

/** The IPv4 address inside an IPv4-compatible (::/96), -mapped (::ffff:0:0/96) or -translated
 * (::ffff:0:0:0/96) IPv6 address, else the address itself. */
function embeddedIPv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() === "ipv4") return address;
  const p = (address as ipaddr.IPv6).parts;
  const compatible = p.slice(0, 5).every((x) => x === 0) && (p[5] === 0 || p[5] === 0xffff);
  const translated = p.slice(0, 4).every((x) => x === 0) && p[4] === 0xffff && p[5] === 0;
  if (!compatible && !translated) return address;
  return new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** dns.lookup that drops every non-public answer; none left is an error naming the host. */
function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const allowed = addresses.filter((a) => isPublicAddress(a.address));
    if (!allowed.length) {
      const list = addresses.map((a) => a.address).join(", ");
      return callback(new BlockedAddressError(`${hostname} resolves to a non-public address (${list})`), []);
    }
    if (options.all) return callback(null, allowed);
    callback(null, allowed[0]!.address, allowed[0]!.family);
  });
}

/** An undici Agent that refuses non-public addresses at connect time (unless private networks are allowed). */
export function createFeedAgent(options: { allowPrivateNetwork: boolean; connectTimeoutMs: number }): Agent {
  if (options.allowPrivateNetwork) return new Agent({ connect: { timeout: options.connectTimeoutMs }, connections: 8 });
  const base = buildConnector({ timeout: options.connectTimeoutMs, lookup: guardedLookup } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (opts, callback) => {
    const host = opts.hostname.replace(/^\[|\]$/g, "");
    // An IP literal never goes through lookup: check it here.
    if (net.isIP(host) && !isPublicAddress(host)) {
      callback(new BlockedAddressError(`${host} is not a public address`), null);
      return;
    }
    base(opts, (error, socket) => {
      // Belt and braces: the peer we actually reached must be public too.
      const remote = socket?.remoteAddress;
      if (!error && socket && remote && !isPublicAddress(remote)) {
        socket.destroy();
        callback(new BlockedAddressError(`${host} connected to non-public ${remote}`), null);
        return;
      }
      if (error) callback(error, null);
      else callback(null, socket!);
    });
  };
  return new Agent({ connect, connections: 8 });
}
