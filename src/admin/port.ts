// The dashboard's port, satisfied by the services the composition root already has.
import type { Store } from "#src/store/index.js";
import type { PartnerService } from "#src/feeds-in/service.js";
import type { PartnerKeys } from "#src/feeds-out/partner-keys.js";
import type { DigestService } from "#src/digest/run.js";
import type { FeedTraffic } from "#src/store/feed-stats.js";
import type { DashboardPort } from "#src/admin/dashboard.js";

export interface DashboardSources {
  store: Store;
  partners: PartnerService;
  partnerKeys: PartnerKeys;
  digest: DigestService;
  feedTraffic: { flush(): Promise<void>; list(since: string): Promise<FeedTraffic[]> };
}

export function dashboardPort(s: DashboardSources): DashboardPort {
  return {
    partners: () => s.partners.list(),
    partnerKeys: (slug) => s.partnerKeys.list(slug),
    editions: (limit) => s.digest.editions(limit),
    edition: (id) => s.digest.edition(id),
    failures: (id, limit) => s.store.digests.failures(id, limit),
    editionReports: (ids) => s.store.reports.reportsByEdition(ids),
    subscriberCounts: () => s.store.subscribers.counts(),
    recipients: (frequency) => s.store.subscribers.countActive(frequency),
    subscriberDays: () => s.store.operators.subscriberDays(),
    categories: () => s.store.categories.list(),
    feedTraffic: async (since) => {
      await s.feedTraffic.flush();
      return s.feedTraffic.list(since);
    },
    mostClicked: (sinceDay, limit) => s.store.clicks.mostClicked(sinceDay, limit),
    lastEditionStories: () => s.store.clicks.lastEditionStories(),
  };
}
