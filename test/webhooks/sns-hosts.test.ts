// Which URLs SNS certificates and subscription confirmations may be fetched from.
import { describe, expect, it } from "vitest";
import { snsUrl } from "#src/webhooks/sns-hosts.js";

describe("SNS hosts", () => {
  it.each([
    ["https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem", undefined],
    ["https://sns.us-gov-west-1.amazonaws.com/cert.pem", undefined],
    ["https://sns.cn-north-1.amazonaws.com.cn/cert.pem", undefined],
    ["https://sns.example.test/cert.pem", ["sns.example.test"]],
    ["http://127.0.0.1:8081/cert.pem", ["http://127.0.0.1:8081"]],
  ])("accepts %s", (url, allowed) => {
    expect(snsUrl("certificate URL", url, allowed).href).toBe(url);
  });

  it.each([
    ["http://sns.eu-west-1.amazonaws.com/cert.pem", undefined],
    ["https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem", undefined],
    ["https://evil.example/sns.eu-west-1.amazonaws.com/cert.pem", undefined],
    ["https://user:pw@sns.eu-west-1.amazonaws.com/cert.pem", undefined],
    ["https://s3.amazonaws.com/cert.pem", undefined],
    ["https://sns.eu-west-1.amazonaws.com/cert.pem", ["sns.example.test"]],
    ["http://sns.example.test/cert.pem", ["sns.example.test"]],
    ["http://127.0.0.1:8082/cert.pem", ["http://127.0.0.1:8081"]],
    ["file:///etc/passwd", undefined],
    ["not a url", undefined],
  ])("refuses %s", (url, allowed) => {
    expect(() => snsUrl("certificate URL", url, allowed)).toThrow(/certificate URL/);
  });
});
