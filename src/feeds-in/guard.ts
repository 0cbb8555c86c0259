// The network guard: a partner feed may only reach public unicast addresses, checked on the address
// actually connected to (after DNS, on every redirect), so neither a redirect nor DNS rebinding can
// reach loopback, private, link-local (169.254.169.254), CGNAT (100.64/10) or IPv4-mapped ranges.
import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector } from "undici";

export class BlockedAddressError extends Error {
  readonly code = "EBLOCKEDADDRESS";
}

/** True for an address a partner feed may be fetched from without `allowPrivateNetwork`. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process() turns ::ffff:127.0.0.1 into 127.0.0.1, so mapped addresses get the IPv4 verdict.
  const range = ipaddr.process(address).range();
  return range === "unicast";
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
