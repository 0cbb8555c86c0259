// The store: one object with one member per entity, over one connection.
import { openDb, type Db, type DbOptions } from "#src/store/db.js";
import { migrate } from "#src/store/migrate.js";
import { createArticleStore } from "#src/store/articles.js";
import { createCategoryStore } from "#src/store/categories.js";
import { createPartnerStore } from "#src/store/partners.js";
import { createDigestStore } from "#src/store/digests.js";
import { createSubscriberStore } from "#src/store/subscribers.js";
import { createPartnerItemStore } from "#src/store/partner-items.js";
import { createPartnerKeyStore } from "#src/store/partner-keys.js";
import { createFeedStatsStore } from "#src/store/feed-stats.js";
import { createOperatorStore } from "#src/store/operators.js";
import { createAdminSessionStore } from "#src/store/admin-sessions.js";
import { createClickStore } from "#src/store/clicks.js";
import { createWebhookEventStore } from "#src/store/webhook-events.js";
import { createWebsubSubscriptionStore } from "#src/store/websub-subscriptions.js";
import { createGroupCommit, type GroupCommitOptions } from "#src/store/group-commit.js";

function createStore(db: Db) {
  return {
    db,
    articles: createArticleStore(db.kysely, db.dialect),
    categories: createCategoryStore(db.kysely),
    partners: createPartnerStore(db.kysely),
    digests: createDigestStore(db.kysely, db.dialect),
    subscribers: createSubscriberStore(db.kysely),
    partnerItems: createPartnerItemStore(db.kysely),
    partnerKeys: createPartnerKeyStore(db.kysely),
    feedStats: createFeedStatsStore(db.kysely),
    operators: createOperatorStore(db.kysely),
    adminSessions: createAdminSessionStore(db.kysely),
    clicks: createClickStore(db.kysely),
    reports: createWebhookEventStore(db.kysely),
    websubSubscriptions: createWebsubSubscriptionStore(db.kysely),
    async isEmpty(): Promise<boolean> {
      const row = await db.kysely.selectFrom("categories").select("id").limit(1).executeTakeFirst();
      return !row;
    },
    close: () => db.close(),
  };
}

export type Store = ReturnType<typeof createStore>;

/**
 * Runs `work` over a store whose writes share one transaction: all of them are kept or none.
 * Inside a transaction already, `work` joins it.
 */
function inTransaction<T>(store: Store, work: (tx: Store) => Promise<T>): Promise<T> {
  if (store.db.kysely.isTransaction) return work(store);
  return store.db.kysely.transaction().execute((trx) => work(createStore({ ...store.db, kysely: trx })));
}

/**
 * Like `inTransaction`, for writes that come from many callers at once (partner pulls). On SQLite,
 * units share a transaction and its commit, each kept or undone alone (group-commit.ts): one
 * connection writes them all anyway, and a commit costs more than a unit's statements. On PostgreSQL
 * each unit has its own transaction, side by side on the pool's connections: a group would put them
 * behind one another on one connection, and the server already flushes its log once for commits that
 * arrive together. Inside a transaction already, a unit joins it.
 */
export function groupedTransactions(store: Store, options: GroupCommitOptions): <T>(work: (tx: Store) => Promise<T>) => Promise<T> {
  if (store.db.dialect === "postgres") return (work) => inTransaction(store, work);
  const group = createGroupCommit(store.db.kysely, options);
  return (work) => (store.db.kysely.isTransaction ? work(store) : group((trx) => work(createStore({ ...store.db, kysely: trx }))));
}

/** Opens the database, runs pending migrations, and returns the store. */
export async function openStore(options: DbOptions): Promise<Store> {
  const db = openDb(options);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return createStore(db);
}
