// Every migration, in order. Names sort in the order they run; add new ones at the end.
import type { MigrationFactory } from "#src/store/migrations/helpers.js";
import { articles } from "#src/store/migrations/001-articles.js";
import { partners } from "#src/store/migrations/002-partners.js";
import { partnerKeys } from "#src/store/migrations/003-partner-keys.js";

export const MIGRATIONS: Record<string, MigrationFactory> = {
  "001-articles": articles,
  "002-partners": partners,
  "003-partner-keys": partnerKeys,
};
