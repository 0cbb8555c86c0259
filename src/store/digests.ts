// Everything a digest run needs from the database, as one port: editions, deliveries, the
// audience and the candidate articles (each in its own file).
import type { Kysely } from "kysely";
import type { Database } from "#src/store/schema.js";
import type { Dialect } from "#src/store/db.js";
import { createEditionStore } from "#src/store/editions.js";
import { createDeliveryStore } from "#src/store/deliveries.js";
import { createAudienceStore } from "#src/store/audience.js";
import { createCandidateStore } from "#src/store/candidates.js";

export type { ClaimedDelivery, DeliveryState, Frequency } from "#src/store/deliveries.js";
export type { EditionRow } from "#src/store/editions.js";
export type { CandidateRow } from "#src/store/candidates.js";

export function createDigestStore(db: Kysely<Database>, dialect: Dialect) {
  return { ...createEditionStore(db), ...createDeliveryStore(db, dialect), ...createAudienceStore(db), ...createCandidateStore(db) };
}

export type DigestStore = ReturnType<typeof createDigestStore>;
