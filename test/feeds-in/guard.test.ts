// Which addresses a partner feed may reach without allowPrivateNetwork.
import { describe, expect, it } from "vitest";
import { isPublicAddress } from "#src/feeds-in/guard.js";
import { createFetcher } from "#src/feeds-in/fetch.js";
import { FIXTURES } from "#test/feeds-in/support/feed-server.js";

describe("the partner network guard", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["::1", "IPv6 loopback"],
    ["10.1.2.3", "private 10/8"],
    ["172.16.0.1", "private 172.16/12"],
    ["192.168.1.1", "private 192.168/16"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["100.64.0.1", "carrier-grade NAT 100.64/10"],
    ["0.0.0.0", "unspecified"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:10.0.0.1", "IPv4-mapped private"],
    ["::ffff:7f00:1", "IPv4-mapped loopback, in hex"],
    ["::127.0.0.1", "IPv4-compatible loopback"],
    ["::7f00:1", "IPv4-compatible loopback, as a URL writes it"],
    ["::169.254.169.254", "IPv4-compatible link-local (cloud metadata)"],
    ["::a9fe:a9fe", "IPv4-compatible link-local, in hex"],
    ["0:0:0:0:0:0:a00:1", "IPv4-compatible private, written out"],
    ["::ffff:0:127.0.0.1", "IPv4-translated loopback"],
    ["64:ff9b::127.0.0.1", "NAT64 prefix"],
    ["2002:7f00:1::", "6to4 of loopback"],
    ["fe80::1", "IPv6 link-local"],
    ["fc00::1", "IPv6 unique local"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["not-an-ip", "not an address"],
  ])("refuses %s (%s)", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([["93.184.216.34"], ["8.8.8.8"], ["2606:4700:4700::1111"], ["::ffff:8.8.8.8"], ["::8.8.8.8"]])("allows the public address %s", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe("the partner fetcher's address guard", () => {
  const fetcher = createFetcher({ timeoutMs: 2000, maxBytes: 1024, maxRedirects: 5, userAgent: "test", fileRoot: FIXTURES });

  it.each([
    ["http://[::127.0.0.1]:8081/feed"],
    ["http://[::169.254.169.254]/latest/meta-data/"],
    ["http://[::ffff:127.0.0.1]:8081/feed"],
    ["http://[::ffff:0:127.0.0.1]:8081/feed"],
  ])("refuses %s before connecting", async (url) => {
    await expect(fetcher.fetchFeed({ url, etag: null, lastModified: null, allowPrivateNetwork: false })).rejects.toThrow(
      /^fetch: EBLOCKEDADDRESS: .* is not a public address$/,
    );
  });
});
