// Partner health panel: one row per partner (syndication in) with its keys (syndication out).
import type { Partner } from "#src/model.js";
import type { PartnerKeyListing } from "#src/store/partner-keys.js";
import type { PushHealth } from "#src/feeds-in/websub-subscriber.js";
import { barChart, lastDays } from "#src/admin/charts.js";
import { clock, relative } from "#src/admin/format.js";
import { plural } from "#src/plural.js";

export type PartnerState = "healthy" | "backing off" | "unhealthy" | "never pulled" | "disabled";

/** Plain words for a partner's health: what an operator must act on comes first in the panel. */
export function partnerState(partner: Partner): PartnerState {
  if (!partner.enabled) return "disabled";
  if (!partner.health.healthy) return "unhealthy";
  if (partner.health.errorCount > 0) return "backing off";
  if (!partner.health.lastPullAt) return "never pulled";
  return "healthy";
}

const STATUS_TEXT: Record<string, string> = { ok: "OK", not_modified: "not modified (304)", error: "error" };

/** A partner as the service lists it: with its WebSub subscription's health when it has one. */
type ListedPartner = Partner & { health: Partner["health"] & { push?: PushHealth | null } };

export function partnerRows(partners: ListedPartner[], keys: Map<string, PartnerKeyListing[]>, now: Date, days = 14) {
  return partners.map((p) => {
    const h = p.health;
    const state = partnerState(p);
    return {
      slug: p.slug,
      name: p.name,
      url: p.url,
      canPull: !!p.url,
      state,
      stateClass: state.replace(" ", "-"),
      lastPull: clock(h.lastPullAt),
      lastPullAgo: relative(h.lastPullAt, now),
      status: h.lastStatus ? (STATUS_TEXT[h.lastStatus] ?? h.lastStatus) : "–",
      lastError: h.lastError,
      push: h.push ? pushText(h.push, now) : null,
      pushWarning: h.push?.warning ?? null,
      errorCount: h.errorCount,
      failuresInARow: plural(h.errorCount, "failure"),
      failingSince: h.failingSince ? clock(h.failingSince) : null,
      items: h.items,
      pace: paceText(p),
      perDay: h.itemsPerDay === null ? null : `${h.itemsPerDay} items/day`,
      lastNewItem: h.lastNewItemAt ? `new item ${relative(h.lastNewItemAt, now)}` : null,
      nextPull: p.enabled ? clock(h.nextPullAt) : "not scheduled (disabled)",
      nextPullIn: p.enabled ? relative(h.nextPullAt, now) : "",
      keys: keyRows(p.slug, keys.get(p.slug) ?? [], now, days),
    };
  });
}

/** "push: active, lease ends in 9 days, last push 5 min ago", "push: pending". */
function pushText(push: PushHealth, now: Date): string {
  const parts = [`push: ${push.state}`];
  if (push.state === "active" && push.leaseExpiresAt) parts.push(`lease ends ${relative(push.leaseExpiresAt, now)}`);
  if (push.state === "active") parts.push(push.lastPushAt ? `last push ${relative(push.lastPushAt, now)}` : "no push yet");
  return parts.join(", ");
}

/** "posts every 1 h, bounds 5 min – 1 day", or the configured interval while no pace is known. */
function paceText(p: Partner): string {
  const bounds = `bounds ${duration(p.minIntervalMinutes)} – ${duration(p.maxIntervalMinutes)}`;
  const learned = p.health.learnedIntervalMinutes;
  return learned === null ? `unknown: every ${duration(p.intervalMinutes)} (configured)` : `posts every ${duration(learned)}, ${bounds}`;
}

/** "45 min", "1.5 h", "2 days". */
function duration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round((minutes / 60) * 10) / 10} h`;
  return `${Math.round((minutes / 1440) * 10) / 10} days`;
}

function keyRows(slug: string, keys: PartnerKeyListing[], now: Date, days: number) {
  const window = lastDays(now, days);
  return keys.map((k) => {
    const points = window.map((day) => ({ label: day, value: k.requests[day] ?? 0 }));
    const total = points.reduce((sum, p) => sum + p.value, 0);
    return {
      slug,
      prefix: k.prefix,
      created: clock(k.createdAt),
      revoked: k.revokedAt ? clock(k.revokedAt) : null,
      total,
      // A key nobody has used yet says so in words rather than drawing an empty chart.
      chart: total ? barChart(points, { title: `Requests per day with key ${k.prefix}, last ${days} days`, width: 200, height: 64, unit: "request" }) : null,
    };
  });
}
