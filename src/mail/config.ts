// The mailer's settings, from the app's config.
import type { Config } from "#src/config.js";
import type { MailerOptions } from "#src/mail/transport.js";

export function mailerOptions(config: Config): MailerOptions {
  return {
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    from: config.mailFrom,
    maxConnections: config.smtpPoolSize,
    rateLimit: config.smtpRateLimit,
    dkim: config.dkim,
  };
}
