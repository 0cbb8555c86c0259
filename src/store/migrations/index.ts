// Every migration, in order. Names sort in the order they run; add new ones at the end.
import type { MigrationFactory } from "#src/store/migrations/helpers.js";
import { articles } from "#src/store/migrations/001-articles.js";
import { partners } from "#src/store/migrations/002-partners.js";
import { partnerKeys } from "#src/store/migrations/003-partner-keys.js";
import { partnerItems } from "#src/store/migrations/004-partner-items.js";
import { subscribers } from "#src/store/migrations/005-subscribers.js";
import { digests } from "#src/store/migrations/006-digests.js";
import { adminSessions } from "#src/store/migrations/007-admin-sessions.js";
import { plainTextNames } from "#src/store/migrations/008-plain-text-names.js";
import { clicks } from "#src/store/migrations/009-clicks.js";
import { webhookEvents } from "#src/store/migrations/010-webhook-events.js";
import { erasedAddresses } from "#src/store/migrations/011-erased-addresses.js";
import { partnerPace } from "#src/store/migrations/012-partner-pace.js";
import { websubSubscriptions } from "#src/store/migrations/013-websub-subscriptions.js";
import { websubMissed } from "#src/store/migrations/014-websub-missed.js";
import { partnerFeedHint } from "#src/store/migrations/015-partner-feed-hint.js";

export const MIGRATIONS: Record<string, MigrationFactory> = {
  "001-articles": articles,
  "002-partners": partners,
  "003-partner-keys": partnerKeys,
  "004-partner-items": partnerItems,
  "005-subscribers": subscribers,
  "006-digests": digests,
  "007-admin-sessions": adminSessions,
  "008-plain-text-names": plainTextNames,
  "009-clicks": clicks,
  "010-webhook-events": webhookEvents,
  "011-erased-addresses": erasedAddresses,
  "012-partner-pace": partnerPace,
  "013-websub-subscriptions": websubSubscriptions,
  "014-websub-missed": websubMissed,
  "015-partner-feed-hint": partnerFeedHint,
};
