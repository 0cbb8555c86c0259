import { describe, expect, it } from "vitest";
import { redactSecrets } from "#src/redact.js";

describe("redacting secrets inside text", () => {
  it.each([
    ["postgres://app:s3cret@db.internal:5432/news", "postgres://app:[redacted]@db.internal:5432/news"],
    ["connect failed: redis://:s3cret@cache:6379/0 (ECONNREFUSED)", "connect failed: redis://:[redacted]@cache:6379/0 (ECONNREFUSED)"],
    ['{"url":"smtps://mailer:p%40ss@smtp.example.com"}', '{"url":"smtps://mailer:[redacted]@smtp.example.com"}'],
    ["/preferences?token=abc.def", "/preferences?token=[redacted]"],
    ["/digest/view?edition=3&token=abc.def", "/digest/view?edition=3&token=[redacted]"],
    ["/partner/feeds/all.rss?page=2&key=dpk_0123456789_x", "/partner/feeds/all.rss?page=2&key=[redacted]"],
    [
      "https://partner.example/feed?api_key=k1&Access_Token=t2&format=rss",
      "https://partner.example/feed?api_key=[redacted]&Access_Token=[redacted]&format=rss",
    ],
  ])("%s", (text, redacted) => {
    expect(redactSecrets(text)).toBe(redacted);
  });

  it.each([
    "postgres://postgres@127.0.0.1:5432/test",
    "/feeds/all.rss?page=2",
    "/api/subscribers/jane@example.com",
    "Jane <jane@example.com> asked to subscribe",
    "/digest/preview?categories=world&frequency=daily",
  ])("leaves %s as it is", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});
