import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, loadConfig } from "#src/config.js";
import { PROJECT_ROOT } from "#src/paths.js";

/** The message loadConfig throws for env, or "" when it accepts env. */
function messageOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("configuration", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      baseUrl: "http://localhost:3000",
      dataDir: "./data",
      databaseUrl: undefined,
      redisUrl: undefined,
      smtpUrl: undefined,
      mailFrom: '"Dispatch News" <digest@localhost>',
      partnersDir: "./feeds",
      roles: ["all"],
    });
  });

  it.each([
    [{ BASE_URL: "https://news.example.com" }, '"Dispatch News" <digest@news.example.com>'],
    [{ BASE_URL: "https://news.example.com:8443/", PUBLISHER_NAME: 'The "Daily" Wire' }, '"The \\"Daily\\" Wire" <digest@news.example.com>'],
    [{ BASE_URL: "http://127.0.0.1:3000" }, '"Dispatch News" <digest@localhost>'],
    [{ BASE_URL: "https://news.example.com", MAIL_FROM: "News <news@example.org>" }, "News <news@example.org>"],
  ])("sends mail from the publisher at BASE_URL's host unless MAIL_FROM is set (%o)", (env, from) => {
    expect(loadConfig(env).mailFrom).toBe(from);
  });

  it.each([
    [{ PORT: "abc" }, "config: PORT: must be a whole number"],
    [{ PORT: "70000" }, "config: PORT: must be between 0 and 65535"],
    [
      { DATABASE_URL: "nonsense" },
      "config: DATABASE_URL: is not a valid URL (check the host and port, and that special characters in the user name and password are percent-encoded)",
    ],
    [{ DATABASE_URL: "mysql://db/news" }, "config: DATABASE_URL: must be a URL starting with postgres:// or postgresql://"],
    [{ REDIS_URL: "http://x" }, "config: REDIS_URL: must be a URL starting with redis:// or rediss://"],
    [{ SMTP_URL: "smtp://" }, "config: SMTP_URL: is a URL without a host"],
    [{ BASE_URL: "ftp://x" }, "config: BASE_URL: must be a URL starting with http:// or https://"],
    [{ DISPATCH_ROLE: "web,cook" }, "config: DISPATCH_ROLE: must be a comma-separated mix of all, web, worker, scheduler"],
    [{ ADMIN_API_KEY: "short" }, "config: ADMIN_API_KEY: must be at least 16 characters"],
    [{ POSTMARK_WEBHOOK_USER: "postmark" }, "config: POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD go together: set both or neither"],
    [
      { SENDGRID_WEBHOOK_PUBLIC_KEY: "bm90IGEga2V5" },
      "config: SENDGRID_WEBHOOK_PUBLIC_KEY: must be the base64 public key SendGrid shows (DER, SubjectPublicKeyInfo)",
    ],
    [
      { SNS_TOPIC_ARNS: "arn:aws:sns:eu-west-1:123456789012:ok,bounces" },
      "config: SNS_TOPIC_ARNS: must be a comma-separated list of SNS topic ARNs (arn:aws:sns:REGION:ACCOUNT:TOPIC)",
    ],
    [
      { SNS_CERT_HOSTS: "https://sns.eu-west-1.amazonaws.com" },
      "config: SNS_CERT_HOSTS: must be a comma-separated list of host names, or http://host:port origins (tests only)",
    ],
  ])("rejects %o with a message naming the variable and the problem", (env, message) => {
    expect(messageOf(env)).toBe(message);
  });

  it.each([
    ["DATABASE_URL", "postgres://news:s3cretpw@:x/news", "s3cretpw"],
    ["DATABASE_URL", "postgres://news:s3cretpw@db:99999/news", "s3cretpw"],
    ["DATABASE_URL", "mysql://news:s3cretpw@db/news", "s3cretpw"],
    ["DATABASE_URL", "postgres:news:s3cretpw@db", "s3cretpw"],
    ["SMTP_URL", "smtps://mailer:s3cretpw@", "s3cretpw"],
    ["SMTP_URL", "smtps://mailer:s3cretpw@smtp example.com", "s3cretpw"],
    ["REDIS_URL", "redis://:s3cretpw@cache:port", "s3cretpw"],
    ["REDIS_URL", "https://:s3cretpw@cache", "s3cretpw"],
    ["ADMIN_API_KEY", "s3cretpw", "s3cretpw"],
    ["TOKEN_SECRET", "s3cretpw", "s3cretpw"],
    ["METRICS_TOKEN", "s3cretpw", "s3cretpw"],
  ])("names %s but not its secret in the message for %s", (name, value, secret) => {
    const message = messageOf({ [name]: value });
    expect(message).not.toContain(secret);
    expect(message).toMatch(new RegExp(`^config: ${name}: `));
  });

  it.each(CONFIG_VARIABLES)("never repeats a bad value of %s", (name) => {
    const message = messageOf({ [name]: "s3cret-value-\u00e9" });
    // Variables that take any text accept it; the others refuse it without repeating it.
    if (message) {
      expect(message).toContain(name);
      expect(message).not.toContain("s3cret");
    }
  });

  it("reads the webhook settings: each provider off until its secret is set", () => {
    expect(loadConfig({}).webhooks).toEqual({
      mailgunSigningKey: undefined,
      postmark: undefined,
      sendgridPublicKey: undefined,
      snsTopicArns: undefined,
      snsCertHosts: undefined,
      toleranceSeconds: 900,
    });
    const config = loadConfig({
      POSTMARK_WEBHOOK_USER: "postmark",
      POSTMARK_WEBHOOK_PASSWORD: "b8f1c2d7e9a04c3f",
      SNS_TOPIC_ARNS: " arn:aws:sns:eu-west-1:123456789012:a , arn:aws-cn:sns:cn-north-1:123456789012:b ",
      SNS_CERT_HOSTS: "sns.eu-west-1.amazonaws.com,http://127.0.0.1:8081",
    });
    expect(config.webhooks.postmark).toEqual({ user: "postmark", password: "b8f1c2d7e9a04c3f" });
    expect(config.webhooks.snsTopicArns).toEqual(["arn:aws:sns:eu-west-1:123456789012:a", "arn:aws-cn:sns:cn-north-1:123456789012:b"]);
    expect(config.webhooks.snsCertHosts).toEqual(["sns.eu-west-1.amazonaws.com", "http://127.0.0.1:8081"]);
  });

  it("reads roles as a comma-separated list and strips a trailing slash from BASE_URL", () => {
    const config = loadConfig({ DISPATCH_ROLE: "web, worker", REDIS_URL: "redis://127.0.0.1:6379", BASE_URL: "https://news.example.com/" });
    expect(config.roles).toEqual(["web", "worker"]);
    expect(config.baseUrl).toBe("https://news.example.com");
  });

  it("refuses some of the roles without REDIS_URL, and takes all of them in one process", () => {
    for (const roles of ["web", "worker", "scheduler", "web,scheduler"]) {
      expect(() => loadConfig({ DISPATCH_ROLE: roles })).toThrow(new RegExp(`^config: DISPATCH_ROLE: ${roles} needs REDIS_URL`));
    }
    expect(loadConfig({ DISPATCH_ROLE: "web,worker,scheduler" }).roles).toEqual(["web", "worker", "scheduler"]);
    expect(loadConfig({}).roles).toEqual(["all"]);
  });

  it("stops the start with one clear line and a non-zero exit on a bad value", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: "abc" },
      encoding: "utf8",
      // Loading TypeScript through tsx takes seconds on a busy machine.
      timeout: 90_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe("dispatch: config: PORT: must be a whole number");
  }, 120_000);
});
