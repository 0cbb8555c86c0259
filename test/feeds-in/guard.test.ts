// Which addresses a partner feed may reach without allowPrivateNetwork.
import { describe, expect, it } from "vitest";
import { isPublicAddress } from "#src/feeds-in/guard.js";

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
    ["fe80::1", "IPv6 link-local"],
    ["fc00::1", "IPv6 unique local"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["not-an-ip", "not an address"],
  ])("refuses %s (%s)", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([["93.184.216.34"], ["8.8.8.8"], ["2606:4700:4700::1111"], ["::ffff:8.8.8.8"]])("allows the public address %s", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
