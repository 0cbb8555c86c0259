// Partners and their pull health. Only place with partner SQL.
import type { Kysely, Selectable } from "kysely";
import type { Database, PartnersTable, PartnerUpdate } from "#src/store/schema.js";
import { DEFAULT_INTERVAL_BOUNDS, type Partner, type PartnerHealth, type PartnerInput } from "#src/model.js";

export function createPartnerStore(db: Kysely<Database>) {
  const pending: { slug: string; set: PartnerUpdate; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;
  return {
    async upsert(input: PartnerInput, origin: Partner["origin"], now: string): Promise<{ created: boolean }> {
      const existing = await db.selectFrom("partners").select(["id", "url"]).where("slug", "=", input.slug).executeTakeFirst();
      const row = {
        name: input.name,
        url: input.url,
        category: input.category,
        category_map: JSON.stringify(input.categoryMap),
        interval_minutes: input.intervalMinutes,
        min_interval_minutes: input.minIntervalMinutes ?? DEFAULT_INTERVAL_BOUNDS.minIntervalMinutes,
        max_interval_minutes: input.maxIntervalMinutes ?? DEFAULT_INTERVAL_BOUNDS.maxIntervalMinutes,
        full_content: input.fullContent ? 1 : 0,
        enabled: input.enabled ? 1 : 0,
        allow_private_network: input.allowPrivateNetwork ? 1 : 0,
        origin,
        updated_at: now,
      };
      // Validators belong to the old URL: a new URL starts with an unconditional GET, pulled soon.
      const moved = existing && existing.url !== input.url ? { etag: null, last_modified: null, next_pull_at: null } : {};
      if (existing)
        await db
          .updateTable("partners")
          .set({ ...row, ...moved })
          .where("id", "=", existing.id)
          .execute();
      else
        await db
          .insertInto("partners")
          .values({ ...row, slug: input.slug, created_at: now })
          .execute();
      return { created: !existing };
    },

    async get(slug: string): Promise<Partner | undefined> {
      const row = await db.selectFrom("partners").selectAll().where("slug", "=", slug).executeTakeFirst();
      return row ? toPartner(row) : undefined;
    },

    /** Enabled partners with a feed URL whose next pull is due at `now` (or never scheduled). */
    async due(now: string): Promise<Partner[]> {
      const rows = await db
        .selectFrom("partners")
        .selectAll()
        .where("enabled", "=", 1)
        .where("url", "is not", null)
        .where((eb) => eb.or([eb("next_pull_at", "is", null), eb("next_pull_at", "<=", now)]))
        .orderBy("next_pull_at")
        .execute();
      return rows.map(toPartner);
    },

    async list(): Promise<Partner[]> {
      const rows = await db.selectFrom("partners").selectAll().orderBy("slug").execute();
      return rows.map(toPartner);
    },

    /** Conditional-GET validators from the last successful fetch. */
    async validators(slug: string): Promise<{ etag: string | null; lastModified: string | null }> {
      const row = await db.selectFrom("partners").select(["etag", "last_modified"]).where("slug", "=", slug).executeTakeFirst();
      return { etag: row?.etag ?? null, lastModified: row?.last_modified ?? null };
    },

    /**
     * Records the outcome of a pull. Resolves once written. Writes that arrive while another is being
     * written go together in one transaction (one commit for a few pulls, not one each), in order.
     */
    async recordHealth(slug: string, health: HealthUpdate): Promise<void> {
      const set = healthColumns(health);
      if (!Object.keys(set).length) return;
      if (db.isTransaction) return void (await db.updateTable("partners").set(set).where("slug", "=", slug).execute());
      return new Promise<void>((resolve, reject) => {
        pending.push({ slug, set, resolve, reject });
        flushing ??= flush();
      });
    },
  };

  /** Writes what is pending, then what arrived meanwhile, until nothing is left (and says so at once: a later write starts anew). */
  async function flush(): Promise<void> {
    for (let batch = pending.splice(0); batch.length; batch = pending.splice(0)) {
      try {
        if (batch.length === 1) await db.updateTable("partners").set(batch[0]!.set).where("slug", "=", batch[0]!.slug).execute();
        else
          await db.transaction().execute(async (trx) => {
            for (const { slug, set } of batch) await trx.updateTable("partners").set(set).where("slug", "=", slug).execute();
          });
        for (const write of batch) write.resolve();
      } catch (error) {
        for (const write of batch) write.reject(error);
      }
    }
    flushing = undefined;
  }
}

type HealthUpdate = Partial<Omit<PartnerHealth, "healthy">> & { etag?: string | null; lastModified?: string | null };

function healthColumns(health: HealthUpdate): PartnerUpdate {
  const set: PartnerUpdate = {};
  if (health.lastPullAt !== undefined) set.last_pull_at = health.lastPullAt;
  if (health.lastStatus !== undefined) set.last_status = health.lastStatus;
  if (health.lastError !== undefined) set.last_error = health.lastError;
  if (health.errorCount !== undefined) set.error_count = health.errorCount;
  if (health.nextPullAt !== undefined) set.next_pull_at = health.nextPullAt;
  if (health.items !== undefined) set.items = health.items;
  if (health.etag !== undefined) set.etag = health.etag;
  if (health.lastModified !== undefined) set.last_modified = health.lastModified;
  if (health.failingSince !== undefined) set.failing_since = health.failingSince;
  if (health.learnedIntervalMinutes !== undefined) set.learned_interval_minutes = health.learnedIntervalMinutes;
  if (health.itemsPerDay !== undefined) set.items_per_day = health.itemsPerDay;
  if (health.lastNewItemAt !== undefined) set.last_new_item_at = health.lastNewItemAt;
  if (health.feedTtlMinutes !== undefined) set.feed_ttl_minutes = health.feedTtlMinutes;
  if (health.feedUpdatePeriodMinutes !== undefined) set.feed_update_period_minutes = health.feedUpdatePeriodMinutes;
  return set;
}

function toPartner(row: Selectable<PartnersTable>): Partner {
  return {
    slug: row.slug,
    name: row.name,
    url: row.url,
    category: row.category,
    categoryMap: JSON.parse(row.category_map) as Record<string, string>,
    intervalMinutes: row.interval_minutes,
    minIntervalMinutes: row.min_interval_minutes,
    maxIntervalMinutes: row.max_interval_minutes,
    fullContent: row.full_content === 1,
    enabled: row.enabled === 1,
    allowPrivateNetwork: row.allow_private_network === 1,
    origin: row.origin === "file" ? "file" : "api",
    health: {
      lastPullAt: row.last_pull_at,
      lastStatus: row.last_status,
      lastError: row.last_error,
      errorCount: row.error_count,
      nextPullAt: row.next_pull_at,
      items: row.items,
      failingSince: row.failing_since,
      // The partner service refines this with its threshold; the store only knows "failing or not".
      healthy: row.failing_since === null,
      learnedIntervalMinutes: row.learned_interval_minutes,
      itemsPerDay: row.items_per_day === null ? null : Number(row.items_per_day),
      lastNewItemAt: row.last_new_item_at,
      feedTtlMinutes: row.feed_ttl_minutes,
      feedUpdatePeriodMinutes: row.feed_update_period_minutes,
    },
  };
}
