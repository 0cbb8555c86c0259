// Entries of one feed that share an id or a link. Publishers repeat an entry verbatim (kept once),
// give every entry the same guid (a CMS default: each keeps its own id, from its link), or point
// several entries at one page (each stays its own article). Pure.
import type { PartnerItem, Skipped } from "#src/feeds-in/item.js";
import { hash } from "#src/feeds-in/hash.js";

export function distinctEntries(items: PartnerItem[], skipped: Skipped[]): PartnerItem[] {
  const repeated = new Set<string>();
  const unique: PartnerItem[] = [];
  for (const item of items) {
    const key = hash([item.itemId, item.link, item.title]);
    if (repeated.has(key)) skipped.push({ item: item.itemId, reason: "the same entry appears twice in the feed" });
    else unique.push(item);
    repeated.add(key);
  }
  const byId = groupBy(unique, (i) => i.itemId);
  const seen = new Set<string>();
  const out: PartnerItem[] = [];
  for (const item of unique) {
    const group = byId.get(item.itemId)!;
    const itemId = group.length > 1 ? ownId(item, group) : item.itemId;
    if (seen.has(itemId)) skipped.push({ item: itemId, reason: "the same id appears twice in the feed" });
    else out.push({ ...item, itemId });
    seen.add(itemId);
  }
  const byLink = groupBy(out, (i) => i.link ?? "");
  return out.map((item) => ({ ...item, uniqueLink: !!item.link && byLink.get(item.link)!.length === 1 }));
}

/** An id of its own for an entry whose id others share: its link when it is alone with it, else a hash. */
function ownId(item: PartnerItem, group: PartnerItem[]): string {
  const linkShared = group.filter((other) => other.link === item.link).length > 1;
  return item.link && !linkShared ? item.link : `sha256:${hash([item.itemId, item.link, item.title])}`;
}

function groupBy<T>(list: T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of list) {
    const group = groups.get(key(value));
    if (group) group.push(value);
    else groups.set(key(value), [value]);
  }
  return groups;
}
