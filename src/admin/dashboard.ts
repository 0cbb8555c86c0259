// The operators' dashboard: reads what each panel shows through one small port and shapes it.
import type { Frequency, Partner } from "#src/model.js";
import type { EditionStatus } from "#src/digest/run.js";
import type { PartnerKeyListing } from "#src/store/partner-keys.js";
import type { SubscriberCounts } from "#src/store/subscribers.js";
import type { SubscriberDays } from "#src/store/operators.js";
import type { FeedTraffic } from "#src/store/feed-stats.js";
import { partnerRows } from "#src/admin/partners.js";
import { editionRow, failureRows, type FailureRow } from "#src/admin/editions.js";
import type { EditionReports } from "#src/admin/reports.js";
import { subscriberPanel } from "#src/admin/subscribers.js";
import { trafficPanel } from "#src/admin/traffic.js";
import { CLICK_DAYS, clicksPanel, MOST_CLICKED } from "#src/admin/clicks.js";
import type { EditionStories, MostClicked } from "#src/store/clicks.js";

export interface DashboardPort {
  partners(): Promise<Partner[]>;
  partnerKeys(slug: string): Promise<PartnerKeyListing[]>;
  editions(limit: number): Promise<EditionStatus[]>;
  edition(id: number): Promise<EditionStatus>;
  failures(editionId: number, limit: number): Promise<FailureRow[]>;
  /** Hard bounces and complaints providers reported about each edition's messages. */
  editionReports(editionIds: number[]): Promise<Map<number, EditionReports>>;
  subscriberCounts(): Promise<SubscriberCounts>;
  /** How many active subscribers an edition of this frequency goes to. */
  recipients(frequency: Frequency): Promise<number>;
  subscriberDays(): Promise<SubscriberDays>;
  categories(): Promise<Array<{ slug: string; name: string }>>;
  /** Feed traffic since a day (counts still in memory are flushed first). */
  feedTraffic(since: string): Promise<FeedTraffic[]>;
  /** Digest clicks per story on the days from `sinceDay` on, most first. */
  mostClicked(sinceDay: string, limit: number): Promise<MostClicked[]>;
  /** The stories of the last edition that sent anything. */
  lastEditionStories(): Promise<EditionStories | undefined>;
}

const TRAFFIC_DAYS = 14;

export async function dashboardView(port: DashboardPort, now: Date) {
  const since = new Date(now.getTime() - (TRAFFIC_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const clicksSince = new Date(now.getTime() - (CLICK_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const [partners, editions, counts, days, categories, traffic, clicked, lastEdition] = await Promise.all([
    port.partners(),
    port.editions(20),
    port.subscriberCounts(),
    port.subscriberDays(),
    port.categories(),
    port.feedTraffic(since),
    port.mostClicked(clicksSince, MOST_CLICKED),
    port.lastEditionStories(),
  ]);
  const keys = new Map(await Promise.all(partners.map(async (p) => [p.slug, await port.partnerKeys(p.slug)] as const)));
  const categoryNames = new Map(categories.map((c) => [c.slug, c.name]));
  const reports = await port.editionReports(editions.map((e) => e.id));
  return {
    partners: partnerRows(partners, keys, now),
    anyKeys: [...keys.values()].some((k) => k.length > 0),
    editions: editions.map((e) => editionRow(e, reports.get(e.id))),
    subscribers: subscriberPanel(counts, days, categoryNames, now),
    traffic: trafficPanel(traffic, now, TRAFFIC_DAYS),
    clicks: clicksPanel(clicked, lastEdition),
    categories,
  };
}

export async function editionView(port: DashboardPort, id: number) {
  const edition = editionRow(await port.edition(id), (await port.editionReports([id])).get(id));
  return { edition, failures: edition.counts.failed ? failureRows(await port.failures(id, 200)) : [] };
}
