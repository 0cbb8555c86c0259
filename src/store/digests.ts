// Everything a digest run needs from the database: editions, deliveries, the audience and the
// candidate articles (each in its own file), as parsed domain records (model.ts). The digest engine
// declares what it calls in digest/ports.ts; this object satisfies it structurally, so that the
// store never imports a higher step.
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { Dialect } from "#src/store/db.js";
import { createEditionStore } from "#src/store/editions.js";
import { createDeliveryStore } from "#src/store/deliveries.js";
import { createAudienceStore } from "#src/store/audience.js";
import { createCandidateStore } from "#src/store/candidates.js";
import { createArchiveStore } from "#src/store/archive.js";

export function createDigestStore(db: Kysely<Database>, dialect: Dialect) {
  return { ...createEditionStore(db), ...createDeliveryStore(db, dialect), ...createAudienceStore(db), ...createCandidateStore(db), ...createArchiveStore(db) };
}
