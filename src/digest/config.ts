// The digest engine's settings, from the app's config and the public origin its links point to.
import type { Config } from "#src/config.js";
import type { DigestSettings } from "#src/digest/deps.js";
import { deliveryBatchSize } from "#src/digest/deps.js";
import { mailHostOf } from "#src/digest/links.js";

export function digestSettings(config: Config, baseUrl: string): DigestSettings {
  return {
    ...config.digest,
    baseUrl,
    mailHost: mailHostOf(config.mailFrom, baseUrl),
    publisherName: config.publisherName,
    publisherAddress: config.publisherAddress,
    concurrency: config.smtpPoolSize,
    batchSize: deliveryBatchSize(config.smtpPoolSize),
  };
}
